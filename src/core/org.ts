/** An org as the domain sees it: its calendar and reporting settings. */
export interface Org {
  id: number;
  name: string;
  slug: string;
  /** ISO 4217 reporting currency; all money is in its minor units. */
  currency: string;
  /** IANA time zone, e.g. "Asia/Riyadh". Periods are cut in this zone. */
  timeZone: string;
  /** 1 = January. A fiscal year named FY2027 starts in this month of 2026 when > 1 (see docs). */
  fiscalYearStartMonth: number;
  /** 0 = Sunday ... 6 = Saturday. */
  weekStart: number;
  /** Days of the week that are working days, 0 = Sunday. */
  workingDays: number[];
  settings: OrgSettings;
}

export interface OrgSettings {
  /** Gross margin used by LTV, 0..1. */
  grossMargin: number;
  /** Status thresholds as fractions of pace. */
  atRiskBelow: number;
  offTrackBelow: number;
  /** New-customer touch rule: months of monthly touches, then one touch per N days. */
  touchMonthlyForMonths: number;
  touchEveryDaysAfter: number;
}

export const defaultOrgSettings: OrgSettings = {
  grossMargin: 1,
  atRiskBelow: 1,
  offTrackBelow: 0.8,
  touchMonthlyForMonths: 3,
  touchEveryDaysAfter: 14,
};

export type Role = 'admin' | 'manager' | 'rep';

/** Who is acting: a signed-in user, or the system itself (CLI, scheduler, demo loader). */
export type Actor =
  | {
      kind: 'user';
      userId: number;
      role: Role;
      teamId: number | null;
      /**
       * Materialized path of the user's team ('/1/4/'), or null without a team.
       * A manager's reach is every team whose path starts with it (src/core/access.ts).
       * Absent when the caller did not load it: access rules then treat the user as teamless.
       */
      teamPath?: string | null;
    }
  | { kind: 'system'; label: string };
