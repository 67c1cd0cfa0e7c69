import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, dayOf, startOfDayMs } from '../../../src/core/periods/index.ts';
import {
  dayFromNumber,
  dayNumber,
  localDayPieces,
  localDaySql,
  monthStartOf,
  nextMonthStart,
} from '../../../src/store/metric-local-day.ts';
import { cutBuckets } from '../../../src/store/metric-rollup.ts';
import { dialects, freshStore, type TestStore } from '../../helpers/stores.ts';
import { ZONES } from './random-org.ts';

describe.each(dialects)('local days computed in SQL on %s', (dialect) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await freshStore(dialect, { migrate: false });
  });
  afterAll(() => store?.drop());

  async function sqlDays(instants: number[], first: number, last: number, zone: string): Promise<string[]> {
    const pieces = localDayPieces(first, last, zone);
    const rows = instants.map((t, i) => sql`select ${sql.lit(i)} as i, ${sql.lit(t)} as t`);
    const { rows: out } = await sql<{ i: number; d: number }>`
      select x.i as i, ${localDaySql(sql.ref('x.t'), pieces)} as d
      from (${sql.join(rows, sql` union all `)}) x order by x.i`.execute(store.db);
    return out.map((r) => dayFromNumber(Number(r.d)));
  }

  it('gives the same day as dayOf for any instant, around every daylight-saving change', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ZONES),
        fc.array(
          fc.record({
            day: fc.integer({ min: 0, max: 800 }),
            offset: fc.integer({ min: -7_200_000, max: 93_600_000 }),
          }),
          {
            minLength: 1,
            maxLength: 40,
          },
        ),
        async (zone, picks) => {
          // instants from 2025-12-31 to 2028-03-12, near local midnights and inside days
          const first = dayNumber('2025-12-01');
          const last = dayNumber('2028-06-01');
          const instants = picks.map((p) => startOfDayMs(addDays('2026-01-01', p.day), zone) + p.offset);
          expect(await sqlDays(instants, first, last, zone)).toEqual(instants.map((t) => dayOf(t, zone)));
        },
      ),
      { numRuns: 25 },
    );
  });

  it('is exact on the days clocks change: Berlin spring forward and fall back, Santiago at midnight', async () => {
    const cases: Array<[string, string, number[]]> = [
      // Berlin 2027-03-28: 02:00 CET → 03:00 CEST (a 23-hour day)
      ['Europe/Berlin', '2027-03-28', [-1, 0, 1, 23 * 3_600_000 - 1, 23 * 3_600_000]],
      // Berlin 2027-10-31: 03:00 CEST → 02:00 CET (a 25-hour day)
      ['Europe/Berlin', '2027-10-31', [-1, 0, 25 * 3_600_000 - 1, 25 * 3_600_000]],
      // Santiago 2026-09-06: midnight does not exist, the day starts at 01:00
      ['America/Santiago', '2026-09-06', [-1, 0, 1, 23 * 3_600_000 - 1]],
    ];
    for (const [zone, day, offsets] of cases) {
      const start = startOfDayMs(day, zone);
      const instants = offsets.map((o) => start + o);
      const n = dayNumber(day);
      expect(await sqlDays(instants, n - 3, n + 3, zone)).toEqual(instants.map((t) => dayOf(t, zone)));
    }
  });
});

describe('cutting buckets into whole months and edge days', () => {
  const n = dayNumber;
  it('reads whole months from the monthly table and the rest from the daily one', () => {
    // 2027-01-20..2027-04-10: Jan 20–31 daily, Feb and Mar monthly, Apr 1–10 daily
    expect(cutBuckets([{ first: n('2027-01-20'), last: n('2027-04-10') }])).toEqual({
      monthly: [{ i: 0, s: n('2027-02-01'), e: n('2027-03-31') }],
      daily: [
        { i: 0, s: n('2027-01-20'), e: n('2027-01-31') },
        { i: 0, s: n('2027-04-01'), e: n('2027-04-10') },
      ],
    });
    // a whole quarter is months only; a week inside a month is days only
    expect(cutBuckets([{ first: n('2027-01-01'), last: n('2027-03-31') }]).daily).toEqual([]);
    expect(cutBuckets([{ first: n('2027-02-07'), last: n('2027-02-13') }]).monthly).toEqual([]);
    // "since the beginning" up to mid-month: every earlier month, then the month's first days
    const opening = cutBuckets([{ first: null, last: n('2027-02-09') }]);
    expect(opening.monthly[0]?.e).toBe(n('2027-01-31'));
    expect(opening.daily).toEqual([{ i: 0, s: n('2027-02-01'), e: n('2027-02-09') }]);
  });

  it('finds month starts across years', () => {
    expect(dayFromNumber(monthStartOf(n('2027-12-31')))).toBe('2027-12-01');
    expect(dayFromNumber(nextMonthStart(n('2027-12-31')))).toBe('2028-01-01');
    expect(dayFromNumber(nextMonthStart(n('2028-02-29')))).toBe('2028-03-01');
  });
});
