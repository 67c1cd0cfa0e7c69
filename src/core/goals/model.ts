/**
 * The goal's life: which statuses follow which, what may still change in
 * each, and the checks a goal must pass to be stored at all. The SMART coach
 * (smart.ts) is advice on top of these; these are rules.
 */
import { invalid } from '../errors.ts';
import { type Day, dayCount, isValidDay } from '../periods/index.ts';
import {
  CHECKIN_INTERVALS,
  FILTER_KEYS,
  GOAL_DIRECTIONS,
  GOAL_KINDS,
  GOAL_LAYERS,
  type GoalDirection,
  type GoalFilters,
  type GoalKind,
  type GoalLayer,
  type GoalScope,
  type GoalStatus,
  type MetricFacts,
  PACE_MODELS,
  RECURRENCES,
  SCOPE_TYPES,
  type TargetMode,
} from './types.ts';

/**
 * What a person may have typed so far: every field optional, so the coach
 * can judge a half-written draft as the user types.
 */
export interface GoalDraft {
  title?: string | null;
  description?: string | null;
  metric?: string | null;
  scope?: GoalScope | null;
  filters?: GoalFilters | null;
  target?: number | null;
  targetMode?: TargetMode | null;
  targetChange?: number | null;
  baseline?: number | null;
  direction?: GoalDirection | null;
  period?: { start?: Day | null; end?: Day | null } | null;
  kind?: GoalKind | null;
  layer?: GoalLayer | null;
  stretchTarget?: number | null;
}

const NEXT: Record<GoalStatus, readonly GoalStatus[]> = {
  draft: ['active', 'archived'],
  active: ['achieved', 'missed', 'archived'],
  achieved: ['archived'],
  missed: ['archived'],
  archived: [],
};

export function allowedTransitions(from: GoalStatus): readonly GoalStatus[] {
  return NEXT[from];
}

export function assertTransition(from: GoalStatus, to: GoalStatus): void {
  if (from === to) throw invalid(`The goal is already ${from}.`, 'status');
  if (!NEXT[from].includes(to)) {
    const options = NEXT[from].length
      ? `it can become ${NEXT[from].join(' or ')}`
      : 'it can no longer change';
    throw invalid(`A ${from} goal cannot become ${to}: ${options}.`, 'status');
  }
}

/**
 * Once a goal is active, what it measures is fixed: changing the metric,
 * scope, filters or period would rewrite its history, so that takes a new
 * goal. Its target changes only through an effective-dated change.
 */
const FIXED_WHEN_ACTIVE = [
  'metric',
  'scope',
  'filters',
  'period',
  'direction',
  'targetMode',
  'targetChange',
  'baseline',
  'kind',
] as const;

export function assertEditable(status: GoalStatus, fields: readonly string[]): void {
  if (status === 'archived') throw invalid('An archived goal cannot be changed.', 'status');
  if (status === 'draft') return;
  const fixed = fields.filter((f) => (FIXED_WHEN_ACTIVE as readonly string[]).includes(f));
  if (fixed.length) {
    throw invalid(
      `The ${fixed.join(', ')} of a ${status} goal cannot change: archive it and create a new goal instead.`,
      fixed[0],
    );
  }
}

const MAX_PERIOD_DAYS = 3 * 366;

function oneOf<T extends string>(value: unknown, allowed: readonly T[], field: string): T {
  if (!allowed.includes(value as T)) {
    throw invalid(`${JSON.stringify(value)} is not a valid ${field}: use ${allowed.join(', ')}.`, field);
  }
  return value as T;
}

export function checkScope(scope: GoalScope): void {
  oneOf(scope.type, SCOPE_TYPES, 'scope.type');
  if (scope.type === 'org' && scope.id !== null) throw invalid('An org scope has no id.', 'scope.id');
  if (scope.type !== 'org' && !(Number.isSafeInteger(scope.id) && (scope.id as number) > 0)) {
    throw invalid(`A ${scope.type} scope needs the ${scope.type}'s id.`, 'scope.id');
  }
}

export function checkFilters(filters: GoalFilters): void {
  for (const [key, value] of Object.entries(filters)) {
    if (!(FILTER_KEYS as readonly string[]).includes(key)) {
      throw invalid(`"${key}" is not a filter: use ${FILTER_KEYS.join(', ')}.`, `filters.${key}`);
    }
    if (typeof value !== 'string' || value.trim() === '') {
      throw invalid(`The ${key} filter needs a value.`, `filters.${key}`);
    }
  }
}

export function checkPeriodRange(start: Day, end: Day): void {
  if (!isValidDay(start)) throw invalid(`"${start}" is not a day: use YYYY-MM-DD.`, 'period.start');
  if (!isValidDay(end)) throw invalid(`"${end}" is not a day: use YYYY-MM-DD.`, 'period.end');
  if (end < start) throw invalid(`The period ends (${end}) before it starts (${start}).`, 'period.end');
  if (dayCount({ start, end }) > MAX_PERIOD_DAYS) {
    throw invalid(
      'A goal period can be at most three years; split longer plans into yearly goals.',
      'period.end',
    );
  }
}

/** A value in the metric's unit: money in whole minor units, counts whole, never NaN. */
export function checkTargetValue(value: number, metric: MetricFacts, field: string): void {
  if (!Number.isFinite(value)) throw invalid(`The ${field} must be a number.`, field);
  if (value < 0) throw invalid(`The ${field} cannot be negative.`, field);
  if (metric.unit === 'currency' && !Number.isInteger(value)) {
    throw invalid(
      `Money targets are whole minor units (cents): ${value} is not whole, e.g. 100000001 for 1,000,000.01.`,
      field,
    );
  }
  if (metric.unit === 'count' && !Number.isInteger(value)) {
    throw invalid(`${metric.label.en} is counted in whole units: ${value} is not whole.`, field);
  }
}

export interface CompleteGoalFields {
  title: string;
  metric: string;
  scope: GoalScope;
  filters: GoalFilters;
  target: number;
  targetMode: TargetMode;
  targetChange: number | null;
  direction: GoalDirection;
  period: { start: Day; end: Day };
  kind: GoalKind;
  layer: GoalLayer;
  stretchTarget: number | null;
  recurrence?: string;
  paceModel?: string;
  checkinInterval?: string;
}

/** The rules a goal must meet to be stored (as a draft or otherwise). */
export function checkGoalFields(goal: CompleteGoalFields, metric: MetricFacts | undefined): void {
  if (typeof goal.title !== 'string' || goal.title.trim() === '')
    throw invalid('A goal needs a title.', 'title');
  if (goal.title.length > 200) throw invalid('The title is longer than 200 characters.', 'title');
  if (!metric) throw invalid(`"${goal.metric}" is not a metric of the catalog.`, 'metric');
  checkScope(goal.scope);
  checkFilters(goal.filters);
  oneOf(goal.direction, GOAL_DIRECTIONS, 'direction');
  oneOf(goal.kind, GOAL_KINDS, 'kind');
  oneOf(goal.layer, GOAL_LAYERS, 'layer');
  if (goal.recurrence !== undefined) oneOf(goal.recurrence, RECURRENCES, 'recurrence');
  if (goal.paceModel !== undefined) oneOf(goal.paceModel, PACE_MODELS, 'paceModel');
  if (goal.checkinInterval !== undefined) oneOf(goal.checkinInterval, CHECKIN_INTERVALS, 'checkinInterval');
  if (goal.layer === 'activity' && goal.kind !== 'activity') {
    throw invalid('A goal on the activity layer must be of kind activity.', 'kind');
  }
  checkPeriodRange(goal.period.start, goal.period.end);
  checkTargetValue(goal.target, metric, 'target');
  if (goal.targetMode === 'relative' && (goal.targetChange === null || !Number.isFinite(goal.targetChange))) {
    throw invalid('A relative target needs the change, e.g. 0.10 for +10%.', 'targetChange');
  }
  if (goal.stretchTarget !== null) {
    checkTargetValue(goal.stretchTarget, metric, 'stretchTarget');
    const lowerIsBetter = goal.direction === 'decrease' || goal.direction === 'stay_below';
    const beyond = lowerIsBetter ? goal.stretchTarget < goal.target : goal.stretchTarget > goal.target;
    if (!beyond) {
      throw invalid(
        `A stretch target must be ${lowerIsBetter ? 'below' : 'above'} the target for a goal to ${goal.direction.replace('_', ' ')}.`,
        'stretchTarget',
      );
    }
  }
}
