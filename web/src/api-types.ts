/**
 * The shapes the HTTP API answers with, as the web app reads them (see the
 * route schemas in src/server/routes and /api/openapi.json). Money is in
 * integer minor units of the org currency; percentages are fractions.
 */

export type Role = 'admin' | 'manager' | 'rep';
export type ScopeType = 'org' | 'team' | 'rep';
export type Unit = 'currency' | 'count' | 'percent' | 'days' | 'hours';
export type ProgressStatus = 'achieved' | 'on_track' | 'at_risk' | 'off_track' | 'no_data';
export type GoalStatus = 'draft' | 'active' | 'achieved' | 'missed' | 'archived';
export type Verdict = 'pass' | 'warn' | 'fail';
export type NotificationKind = 'status_changed' | 'milestone' | 'checkin_due' | 'checkin_overdue';

/** Text the server keeps in both UI languages. */
export interface Bilingual {
  en: string;
  ar: string;
}

export interface OrgInfo {
  id: number;
  name: string;
  currency: string;
  timeZone: string;
  fiscalYearStartMonth: number;
  weekStart: number;
  workingDays: number[];
}

export interface User {
  id: number;
  name: string;
  email: string;
  role: Role;
  teamId: number | null;
  leftAt: number | null;
}

export interface SignedIn {
  user: User;
  org: { id: number; name: string; slug: string };
  csrfToken: string;
  expiresAt: number;
}

export interface SessionInfo {
  user: User;
  org: { id: number; name: string; slug: string };
  via: 'session' | 'token';
  csrfToken: string | null;
  expiresAt: number | null;
}

export interface Team {
  id: number;
  name: string;
  parentId: number | null;
  managerId: number | null;
  managerName: string | null;
  path: string;
  depth: number;
}

export interface Page<T> {
  items: T[];
  total: number;
  nextCursor: string | null;
}

export interface MetricInfo {
  id: string;
  label: Bilingual;
  unit: Unit;
  direction: 'higher' | 'lower';
  kind: 'flow' | 'stock' | 'ratio';
  formula: string;
  filters: string[];
  scopes: ScopeType[];
  breakdowns: string[];
}

export interface PeriodRef {
  label: string;
  start: string;
  end: string;
}

export interface Figure {
  value: number | null;
  reason?: 'no_data' | 'zero_denominator' | 'no_target';
  parts: Record<string, number>;
}

interface MetricHeader {
  metric: string;
  label: Bilingual;
  unit: Unit;
  direction: 'higher' | 'lower';
  kind: 'flow' | 'stock' | 'ratio';
  formula: string;
  currency: string;
  scope: { type: ScopeType; id: number | null; label: string; text: string };
}

export interface MetricValue extends MetricHeader, Figure {
  shape: 'value';
  period: PeriodRef;
}

export interface MetricBreakdown extends MetricHeader {
  shape: 'breakdown';
  period: PeriodRef;
  by: string;
  rows: Array<Figure & { key: number | string | null; label: string }>;
  total: Figure;
}

export interface MetricSeries extends MetricHeader {
  shape: 'series';
  grain: string;
  range: PeriodRef;
  points: Array<Figure & { period: PeriodRef }>;
}

export interface Forecast {
  method: 'run_rate' | 'pipeline' | 'current_value';
  value: number;
  low: number;
  high: number;
}

export interface Progress {
  phase: 'upcoming' | 'running' | 'ended';
  paceModel: 'linear' | 'working_days' | 'seasonal';
  actual: number | null;
  target: number;
  attainment: number | null;
  expected: number | null;
  paceRatio: number | null;
  neededPerWorkingDay: number | null;
  daysTotal: number;
  daysElapsed: number;
  daysLeft: number;
  workingDaysLeft: number;
  elapsedShare: number;
  forecast: Forecast | null;
  pipeline:
    | (Forecast & { won: number; weightedPipeline: number; openAmount: number; openDeals: number })
    | null;
  status: ProgressStatus;
  trend: 'improving' | 'worsening' | 'flat' | null;
  milestones: Array<'half' | 'target' | 'stretch'>;
}

export type GoalFilters = Partial<Record<'channel' | 'segment' | 'industry' | 'product', string>>;

export interface TrackedGoal {
  id: number;
  title: string;
  metric: string;
  kind: 'flow' | 'stock' | 'ratio';
  unit: Unit;
  scope: { type: ScopeType; id: number | null };
  filters: GoalFilters;
  target: number;
  stretchTarget: number | null;
  baseline: number | null;
  direction: 'increase' | 'decrease' | 'reach' | 'stay_below';
  period: { start: string; end: string };
  paceModel: 'linear' | 'working_days' | 'seasonal';
  checkinInterval: 'weekly' | 'biweekly' | 'monthly';
  ownerId: number | null;
  parentId: number | null;
  status: GoalStatus;
}

export interface GoalProgressView {
  goal: TrackedGoal;
  progress: Progress;
}

export interface Dashboard {
  scope: { text: string; type: ScopeType; id: number | null; label: string };
  asOf: number;
  goals: GoalProgressView[];
}

export interface Snapshot {
  day: string;
  actual: number | null;
  target: number;
  expected: number | null;
  forecast: number | null;
  forecastLow: number | null;
  forecastHigh: number | null;
  status: ProgressStatus;
}

/** A goal as GET /api/goals and GET /api/goals/:id give it. */
export interface Goal {
  id: number;
  title: string;
  description: string;
  metric: string;
  scope: { type: ScopeType; id: number | null };
  filters: GoalFilters;
  target: number;
  stretchTarget: number | null;
  baseline: number | null;
  direction: TrackedGoal['direction'];
  period: { start: string; end: string };
  layer: string;
  kind: string;
  ownerId: number | null;
  parentId: number | null;
  status: GoalStatus;
}

export interface BonusTier {
  attainment: number;
  payout: number;
}

export interface GoalDetail {
  goal: Goal;
  scopeLabel: string;
  targetHistory: Array<{
    id: number;
    target: number;
    effectiveFrom: string;
    changedBy: number | null;
    changedAt: number;
    reason: string;
  }>;
  children: Goal[];
  assignment: {
    mode: 'sum' | 'inherited' | 'none';
    parentTarget: number;
    assigned: number | null;
    difference: number | null;
    state: 'exact' | 'over' | 'under' | 'inherited' | 'mismatched' | 'unsplit';
    mismatched: number[];
  };
  bonusTiers: BonusTier[] | null;
}

export type SmartCriterion = 'specific' | 'measurable' | 'achievable' | 'realistic' | 'time_bound';
export type GoalDirection = TrackedGoal['direction'];
export type CheckinInterval = 'weekly' | 'biweekly' | 'monthly';

/** What "use the suggestion" changes in the draft. */
export interface SmartPatch {
  target?: number;
  stretchTarget?: number;
  period?: { start: string; end: string };
}

export interface SmartVerdict {
  criterion: SmartCriterion;
  name: Bilingual;
  verdict: Verdict;
  reason: Bilingual;
  fix: Bilingual | null;
  patch?: SmartPatch | null;
  data?: {
    probability?: number;
    label?: 'easy' | 'achievable' | 'stretch' | 'unrealistic';
    suggestedTarget?: number;
  };
}

export interface SmartCheck {
  overall: Verdict;
  verdicts: SmartVerdict[];
}

/** GET /api/templates: the seed article's example goals. */
export interface GoalTemplate {
  id: string;
  title: Bilingual;
  description: Bilingual;
  metric: string;
  direction: GoalDirection;
  target: { change: number } | { absolute: number };
  periodMonths: number;
  kind: 'outcome' | 'activity';
  scopeType: ScopeType;
  checkinInterval: CheckinInterval;
}

export interface Payout {
  goalId: number;
  ownerId: number | null;
  actual: number | null;
  target: number;
  tiers: BonusTier[];
  attainment: number | null;
  earned: number;
  tier: BonusTier | null;
  next: (BonusTier & { gap: number }) | null;
}

export interface Checkin {
  id: number;
  goalId: number;
  userId: number | null;
  at: number;
  value: number | null;
  confidence: number | null;
  private: boolean;
  comment: string | null;
}

export interface NotificationItem {
  id: number;
  goalId: number | null;
  kind: NotificationKind;
  title: string;
  body: string;
  data: unknown;
  createdAt: number;
  readAt: number | null;
}

export interface Notifications {
  unread: number;
  notifications: NotificationItem[];
}
