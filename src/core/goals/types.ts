/**
 * The goal as the domain sees it (SPEC §3), apart from its table row
 * (src/store/schema.ts `GoalTable`); src/store/goal-queries.ts maps between them.
 *
 * Values are in the metric's unit: money in integer minor units of the org
 * currency, percentages as fractions (0.01 = 1%), days, hours or counts.
 */
import { FILTER_NAMES, type FilterName, type MetricDef, type MetricFilters } from '../metrics/types.ts';
import type { Day } from '../periods/index.ts';

/** A message in both UI languages; Arabic uses the terms of GLOSSARY.md. */
export interface Text {
  en: string;
  ar: string;
}

export type GoalStatus = 'draft' | 'active' | 'achieved' | 'missed' | 'archived';
export type GoalDirection = 'increase' | 'decrease' | 'reach' | 'stay_below';
export type GoalLayer = 'annual' | 'team' | 'individual' | 'activity' | 'stretch';
export type GoalKind = 'outcome' | 'activity';
export type TargetMode = 'absolute' | 'relative';
export type Recurrence = 'none' | 'monthly' | 'quarterly' | 'yearly';
export type PaceModel = 'linear' | 'working_days' | 'seasonal';
export type CheckinInterval = 'weekly' | 'biweekly' | 'monthly';
export type ScopeType = 'org' | 'team' | 'rep';

export const GOAL_STATUSES: readonly GoalStatus[] = ['draft', 'active', 'achieved', 'missed', 'archived'];
export const GOAL_DIRECTIONS: readonly GoalDirection[] = ['increase', 'decrease', 'reach', 'stay_below'];
export const GOAL_LAYERS: readonly GoalLayer[] = ['annual', 'team', 'individual', 'activity', 'stretch'];
export const GOAL_KINDS: readonly GoalKind[] = ['outcome', 'activity'];
export const RECURRENCES: readonly Recurrence[] = ['none', 'monthly', 'quarterly', 'yearly'];
export const PACE_MODELS: readonly PaceModel[] = ['linear', 'working_days', 'seasonal'];
export const CHECKIN_INTERVALS: readonly CheckinInterval[] = ['weekly', 'biweekly', 'monthly'];
export const SCOPE_TYPES: readonly ScopeType[] = ['org', 'team', 'rep'];

/** Whom a goal measures: the whole org, a team with its sub-teams, or one rep. */
export interface GoalScope {
  type: ScopeType;
  /** Team id or user id; null for the org. */
  id: number | null;
}

/** Restricts the metric to part of the business, e.g. `{ channel: 'instagram' }`. */
export type GoalFilters = MetricFilters;
export type FilterKey = FilterName;
export const FILTER_KEYS = FILTER_NAMES;

export interface DayRange {
  start: Day;
  end: Day;
}

/** What the goal domain needs to know about a metric of the catalog (src/core/metrics). */
export type MetricFacts = Pick<MetricDef, 'id' | 'label' | 'unit' | 'kind' | 'direction'>;

export interface Goal {
  id: number;
  orgId: number;
  title: string;
  /** The "how": the specific plan to reach the target. */
  description: string;
  metric: string;
  scope: GoalScope;
  filters: GoalFilters;
  /**
   * The target as it now stands for the whole period: the latest effective
   * target change. Earlier targets are read back with `targetAsOf`.
   */
  target: number;
  targetMode: TargetMode;
  /** For relative targets: the change against the baseline as a fraction (+0.10 = +10%). */
  targetChange: number | null;
  baseline: number | null;
  baselinePeriod: DayRange | null;
  baselineOverridden: boolean;
  direction: GoalDirection;
  period: DayRange;
  recurrence: Recurrence;
  kind: GoalKind;
  layer: GoalLayer;
  stretchTarget: number | null;
  paceModel: PaceModel;
  checkinInterval: CheckinInterval;
  ownerId: number | null;
  parentId: number | null;
  splitRule: SplitRule | null;
  status: GoalStatus;
  reason: string | null;
  createdBy: number | null;
  createdAt: number;
  updatedAt: number;
}

/** One effective-dated target: who set it, when, why, and from which day it applies. */
export interface TargetChange {
  target: number;
  effectiveFrom: Day;
  changedBy: number | null;
  changedAt: number;
  reason: string;
}

export interface BonusTier {
  /** Attainment at which the tier starts, 1 = 100% of target. */
  attainment: number;
  /** Payout in minor units of the org currency. */
  payout: number;
}

/** Period buckets a goal can be split into (SPEC §3 team layer). */
export type SplitGrain = 'week' | 'month' | 'quarter' | 'fiscal_quarter';

/** A member of a split by scope: a team (with its sub-teams) or a rep. */
export interface SplitMember {
  type: 'team' | 'rep';
  id: number;
  /** For `weights`: a relative weight (segment, capacity), e.g. 2 for an enterprise rep. */
  weight?: number;
}

/** How a goal was (or will be) cut into children; kept on the parent as JSON. */
export type SplitRule =
  | { by: 'period'; grain: SplitGrain; method: 'equal' | 'seasonal' }
  | {
      by: 'member';
      method: 'equal' | 'last_year_share' | 'weights';
      members: SplitMember[];
      /** Share of a full quota in a new hire's 1st, 2nd, ... month; later months are 1. */
      rampUp: number[];
      /** Whether joiners, leavers and team moves get a quota for the days they are in. */
      prorate: boolean;
    };

export const DEFAULT_RAMP_UP: readonly number[] = [0.25, 0.5, 0.75];
