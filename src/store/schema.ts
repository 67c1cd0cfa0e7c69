import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

/**
 * Row types of every table, as both dialects return them.
 * Conventions (see docs/adr/0002-storage-conventions.md):
 * - instants are epoch milliseconds (`*_at`), calendar days are 'YYYY-MM-DD' text (`*_on`, period bounds);
 * - money is an integer in minor units of `currency`;
 * - booleans are 0/1 integers; JSON is text;
 * - `org_id` is on every row, `external_id` is unique per org and table.
 */

type Id = Generated<number>;
/** Epoch milliseconds, UTC. */
export type Instant = number;
/** A calendar day 'YYYY-MM-DD' in the org's time zone. */
export type Day = string;
type Flag = 0 | 1;

export interface OrgTable {
  id: Id;
  name: string;
  slug: string;
  currency: string;
  time_zone: string;
  fiscal_year_start_month: Generated<number>;
  week_start: Generated<number>;
  /** Comma-separated day numbers, 0 = Sunday, e.g. '0,1,2,3,4'. */
  working_days: Generated<string>;
  /** JSON of OrgSettings. */
  settings: Generated<string>;
  created_at: Instant;
}

export interface TeamTable {
  id: Id;
  org_id: number;
  external_id: string | null;
  name: string;
  parent_id: number | null;
  manager_id: number | null;
  /** Materialized path of ids, '/1/4/9/', so a subtree is one LIKE prefix. */
  path: string;
  created_at: Instant;
}

export interface UserTable {
  id: Id;
  org_id: number;
  external_id: string | null;
  name: string;
  email: string;
  role: 'admin' | 'manager' | 'rep';
  team_id: number | null;
  segment: string | null;
  hired_at: Instant | null;
  left_at: Instant | null;
  locale: Generated<string>;
  created_at: Instant;
}

/** Which team a user belonged to, and when: facts are attributed to the team at event time. */
export interface TeamMembershipTable {
  id: Id;
  org_id: number;
  user_id: number;
  team_id: number;
  from_at: Instant;
  to_at: Instant | null;
}

export interface AccountTable {
  id: Id;
  org_id: number;
  external_id: string | null;
  name: string;
  industry: string | null;
  segment: string | null;
  channel: string | null;
  owner_id: number | null;
  team_id: number | null;
  acquired_at: Instant | null;
  churned_at: Instant | null;
  created_at: Instant;
}

export interface SubscriptionTable {
  id: Id;
  org_id: number;
  external_id: string | null;
  account_id: number;
  mrr: number;
  currency: string;
  started_at: Instant;
  ended_at: Instant | null;
}

export interface LeadTable {
  id: Id;
  org_id: number;
  external_id: string | null;
  name: string | null;
  owner_id: number | null;
  team_id: number | null;
  account_id: number | null;
  channel: string | null;
  industry: string | null;
  segment: string | null;
  created_at: Instant;
  mql_at: Instant | null;
  sql_at: Instant | null;
  converted_at: Instant | null;
  disqualified_at: Instant | null;
}

export type DealStatus = 'open' | 'won' | 'lost';

export interface DealTable {
  id: Id;
  org_id: number;
  external_id: string | null;
  name: string | null;
  account_id: number | null;
  owner_id: number | null;
  /** The owner's team when the deal closed (or was created, while open). */
  team_id: number | null;
  amount: number;
  currency: string;
  units: Generated<number>;
  product: string | null;
  stage: string;
  status: DealStatus;
  /** CRM probability 0..100 when the source had one. */
  probability: number | null;
  channel: string | null;
  industry: string | null;
  segment: string | null;
  created_at: Instant;
  closed_at: Instant | null;
  expected_close_at: Instant | null;
}

export type ActivityType = 'call' | 'email' | 'meeting' | 'demo' | 'discovery_call';

export interface ActivityTable {
  id: Id;
  org_id: number;
  external_id: string | null;
  owner_id: number | null;
  team_id: number | null;
  type: ActivityType;
  occurred_at: Instant;
  /** For demos: when the demo was booked (occurred_at is when it takes place). */
  booked_at: Instant | null;
  qualified: Generated<Flag>;
  deal_id: number | null;
  lead_id: number | null;
  account_id: number | null;
}

export interface SpendTable {
  id: Id;
  org_id: number;
  external_id: string | null;
  /** Inclusive calendar days the spend covers. */
  period_start: Day;
  period_end: Day;
  channel: string | null;
  category: 'sales' | 'marketing';
  amount: number;
  currency: string;
}

export interface CoachingTable {
  id: Id;
  org_id: number;
  external_id: string | null;
  coach_id: number | null;
  rep_id: number | null;
  team_id: number | null;
  kind: 'coaching' | 'training';
  hours: number;
  occurred_at: Instant;
}

export type GoalStatus = 'draft' | 'active' | 'achieved' | 'missed' | 'archived';
export type GoalDirection = 'increase' | 'decrease' | 'reach' | 'stay_below';
export type GoalLayer = 'annual' | 'team' | 'individual' | 'activity' | 'stretch';

export interface GoalTable {
  id: Id;
  org_id: number;
  title: string;
  /** The "how": the specific plan to reach the target. */
  description: Generated<string>;
  metric: string;
  scope_type: 'org' | 'team' | 'rep';
  /** Team id or user id; null for the org. */
  scope_id: number | null;
  /** JSON: { channel?, segment?, industry?, product? }. */
  filters: Generated<string>;
  /** Absolute target in the metric's unit (money in minor units, percent as a fraction). */
  target: number;
  target_mode: 'absolute' | 'relative';
  /** For relative targets: the change against the baseline, as a fraction (+0.10 = +10%). */
  target_change: number | null;
  baseline: number | null;
  baseline_start: Day | null;
  baseline_end: Day | null;
  /** Baseline typed by a person rather than computed. */
  baseline_overridden: Generated<Flag>;
  direction: GoalDirection;
  period_start: Day;
  period_end: Day;
  recurrence: Generated<'none' | 'monthly' | 'quarterly' | 'yearly'>;
  kind: 'outcome' | 'activity';
  layer: GoalLayer;
  stretch_target: number | null;
  pace_model: Generated<'linear' | 'working_days' | 'seasonal'>;
  checkin_interval: Generated<'weekly' | 'biweekly' | 'monthly'>;
  owner_id: number | null;
  parent_id: number | null;
  /** JSON of the split rule that produced the children, if any. */
  split_rule: string | null;
  status: GoalStatus;
  /** Why this goal was chosen (kept from the prioritize step). */
  reason: string | null;
  created_by: number | null;
  created_at: Instant;
  updated_at: Instant;
}

/** Effective-dated target changes: the target as it stood at any moment can be read back. */
export interface GoalTargetChangeTable {
  id: Id;
  org_id: number;
  goal_id: number;
  target: number;
  /** First day the target applies. */
  effective_from: Day;
  changed_by: number | null;
  changed_at: Instant;
  reason: string;
}

export interface GoalBonusTierTable {
  id: Id;
  org_id: number;
  goal_id: number;
  /** Attainment fraction at which the tier starts, 1 = 100%. */
  attainment: number;
  /** Payout in minor units of the org currency. */
  payout: number;
}

export interface GoalCheckinTable {
  id: Id;
  org_id: number;
  goal_id: number;
  user_id: number | null;
  at: Instant;
  value: number | null;
  comment: Generated<string>;
  /** 1..5 */
  confidence: number | null;
  /** Private comments are readable by the author and managers above them only. */
  private: Generated<Flag>;
}

export interface AuditLogTable {
  id: Id;
  org_id: number;
  /** User id, or null for the system. */
  actor_id: number | null;
  actor_label: string;
  at: Instant;
  entity: string;
  entity_id: number | null;
  action: string;
  before: string | null;
  after: string | null;
}

export interface Database {
  org: OrgTable;
  team: TeamTable;
  app_user: UserTable;
  team_membership: TeamMembershipTable;
  account: AccountTable;
  subscription: SubscriptionTable;
  lead: LeadTable;
  deal: DealTable;
  activity: ActivityTable;
  spend: SpendTable;
  coaching: CoachingTable;
  goal: GoalTable;
  goal_target_change: GoalTargetChangeTable;
  goal_bonus_tier: GoalBonusTierTable;
  goal_checkin: GoalCheckinTable;
  audit_log: AuditLogTable;
}

export type OrgRow = Selectable<OrgTable>;
export type TeamRow = Selectable<TeamTable>;
export type UserRow = Selectable<UserTable>;
export type DealRow = Selectable<DealTable>;
export type GoalRow = Selectable<GoalTable>;
export type NewDeal = Insertable<DealTable>;
export type NewGoal = Insertable<GoalTable>;
export type GoalUpdate = Updateable<GoalTable>;
/** Tables that hold imported facts and carry an external id. */
export type FactTable =
  | 'team'
  | 'app_user'
  | 'account'
  | 'subscription'
  | 'lead'
  | 'deal'
  | 'activity'
  | 'spend'
  | 'coaching';
