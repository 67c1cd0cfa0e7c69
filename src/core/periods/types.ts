import type { Day } from './days.ts';

/** The named buckets a period can be cut into; `custom` is any other run of days. */
export type Grain = 'day' | 'week' | 'month' | 'quarter' | 'year' | 'fiscal_quarter' | 'fiscal_year';

export const GRAINS: readonly Grain[] = [
  'day',
  'week',
  'month',
  'quarter',
  'year',
  'fiscal_quarter',
  'fiscal_year',
];

/** The part of an org's settings that decides where periods begin; an `Org` is one. */
export interface Calendar {
  /** IANA zone the days are counted in. */
  timeZone: string;
  /** 1 = January. */
  fiscalYearStartMonth: number;
  /** 0 = Sunday .. 6 = Saturday. */
  weekStart: number;
}

/**
 * A run of whole local days. Days rather than instants so that a period means
 * the same thing on every server and in SQL; `periodBounds` turns it into
 * instants when a query needs them.
 */
export interface Period {
  grain: Grain | 'custom';
  start: Day;
  /** Inclusive: a month ends on its last day, not on the next month's first. */
  end: Day;
  /**
   * The period's name as `parsePeriod` reads it ('2027-Q2', 'FY2027'). A bucket
   * that `periodsInRange` clipped to its range keeps the name of the whole
   * bucket, as a chart axis would show it.
   */
  label: string;
}
