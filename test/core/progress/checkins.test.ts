import { describe, expect, it } from 'vitest';
import { nextCheckin } from '../../../src/core/progress/index.ts';

const quarter = { start: '2027-01-01', end: '2027-03-31' };

describe('nextCheckin', () => {
  it('falls due one interval after the period starts when there is no check-in yet', () => {
    expect(
      nextCheckin({ interval: 'weekly', period: quarter, lastCheckinOn: null, today: '2027-01-05' }),
    ).toEqual({
      dueOn: '2027-01-08',
      overdueOn: '2027-01-10',
      state: 'not_due',
    });
  });

  it('is due on its day and overdue two days later', () => {
    const at = (today: string) =>
      nextCheckin({ interval: 'weekly', period: quarter, lastCheckinOn: null, today })?.state;
    expect(at('2027-01-08')).toBe('due');
    expect(at('2027-01-09')).toBe('due');
    expect(at('2027-01-10')).toBe('overdue');
  });

  it('counts from the latest check-in', () => {
    const next = nextCheckin({
      interval: 'biweekly',
      period: quarter,
      lastCheckinOn: '2027-02-03',
      today: '2027-02-10',
    });
    expect(next?.dueOn).toBe('2027-02-17');
  });

  it('steps monthly by calendar months', () => {
    const next = nextCheckin({
      interval: 'monthly',
      period: quarter,
      lastCheckinOn: '2027-01-31',
      today: '2027-02-10',
    });
    // Jan 31 + 1 month clamps to Feb 28
    expect(next?.dueOn).toBe('2027-02-28');
  });

  it('ignores a check-in from before the period', () => {
    const next = nextCheckin({
      interval: 'weekly',
      period: quarter,
      lastCheckinOn: '2026-12-30',
      today: '2027-01-02',
    });
    expect(next?.dueOn).toBe('2027-01-08');
  });

  it('stops once the next one would fall after the period', () => {
    expect(
      nextCheckin({ interval: 'weekly', period: quarter, lastCheckinOn: '2027-03-28', today: '2027-03-30' }),
    ).toBeNull();
  });
});
