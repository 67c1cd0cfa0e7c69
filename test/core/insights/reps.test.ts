import { describe, expect, it } from 'vitest';
import { type GrowthArea, type PeerRep, rankGrowthAreas } from '../../../src/core/insights/index.ts';
import type { Parts } from '../../../src/core/metrics/index.ts';
import { CURRENT, input, peer, steady } from './build.ts';

const DAY = 86_400_000;
const area = (areas: GrowthArea[], id: string) => areas.find((a) => a.id === id);

interface RepNow {
  won: number;
  lost: number;
  /** cents per won deal */
  size: number;
  cycleDays?: number;
  calls?: number;
  emails?: number;
}

/** A rep with the same quarter every quarter: deals, revenue, cycle and activity. */
function rep(id: number, now: RepNow, more: Partial<PeerRep> = {}): PeerRep {
  const cycle = (now.cycleDays ?? 30) * DAY * now.won;
  const every = (parts: Parts) => parts;
  return peer(
    id,
    {
      revenue: steady('revenue', every({ won_amount: now.won * now.size })),
      win_rate: steady('win_rate', { deals_won: now.won, deals_lost: now.lost }),
      sales_cycle_days: steady('sales_cycle_days', { won_cycle_ms: cycle, deals_won: now.won }),
      calls: steady('calls', { calls: now.calls ?? 100 }),
      emails: steady('emails', { emails: now.emails ?? 100 }),
      meetings: steady('meetings', { meetings: 0 }),
      demos_booked: steady('demos_booked', { demos_booked: 0 }),
      discovery_calls: steady('discovery_calls', { discovery_calls: 0 }),
    },
    more,
  );
}

const size = 1_000_000;

describe('reps far from the team median', () => {
  it('ranks a rep whose win rate is far below the median, priced by their own deal size', () => {
    // win rates 50%, 55%, 45%, 20% (20 closed each): median (45% + 50%) / 2 = 47.5%; 20% ≤ 75% of it
    const peers = [
      rep(1, { won: 10, lost: 10, size }),
      rep(2, { won: 11, lost: 9, size }),
      rep(3, { won: 9, lost: 11, size }),
      rep(4, { won: 4, lost: 16, size: 500_000 }),
    ];
    const found = area(rankGrowthAreas(input({}, peers)), 'rep:win_rate:4') as GrowthArea;
    expect(found).toBeDefined();
    expect(found.rep).toEqual({ id: 4, name: 'Rep 4' });
    expect(found.evidence).toMatchObject({
      current: 0.2,
      median: 0.475,
      referenceKind: 'median',
      sample: 20,
    });
    // (47.5% − 20%) × 20 closed = 5.5 more wins × $5,000 (their own deal size) = 2,750,000 a quarter; × 4
    expect(found.impact.perPeriod).toBe(2_750_000);
    expect(found.impact.annual).toBe(11_000_000);
    expect(found.impact.method.en).toContain('their average deal size');
    expect(found.goal).toEqual({
      metric: 'win_rate',
      scope: { type: 'rep', id: 4 },
      direction: 'increase',
      target: 0.475,
      kind: 'outcome',
    });
    // the chart shows the rep's rate against the median in every quarter
    expect(found.evidence.series[CURRENT]).toMatchObject({ value: 0.2, reference: 0.475 });
    // the reps near the median are not areas
    expect(rankGrowthAreas(input({}, peers)).filter((a) => a.id.startsWith('rep:win_rate:'))).toHaveLength(1);
  });

  it('shows only reps the reader may see, though every eligible rep makes the median', () => {
    const peers = [
      rep(1, { won: 10, lost: 10, size }),
      rep(2, { won: 11, lost: 9, size }),
      rep(3, { won: 9, lost: 11, size }),
      rep(4, { won: 4, lost: 16, size }, { visible: false }),
    ];
    const areas = rankGrowthAreas(input({}, peers));
    expect(areas.filter((a) => a.rep?.id === 4)).toEqual([]);
    expect(areas.some((a) => a.kind === 'rep_gap')).toBe(false);
  });

  it('leaves a new hire out of the median and out of the areas', () => {
    // reps 1-3 at 50%, 55%, 45%: median 50%; the new hire at 10% would otherwise drag it and be an area
    const peers = [
      rep(1, { won: 10, lost: 10, size }),
      rep(2, { won: 11, lost: 9, size }),
      rep(3, { won: 9, lost: 11, size }),
      rep(4, { won: 2, lost: 18, size }, { eligible: false }),
      rep(5, { won: 5, lost: 15, size }),
    ];
    const areas = rankGrowthAreas(input({}, peers));
    expect(areas.some((a) => a.rep?.id === 4)).toBe(false);
    // median of 50%, 55%, 45%, 25% = 47.5%; rep 5 at 25% is far below
    expect(area(areas, 'rep:win_rate:5')?.evidence.median).toBe(0.475);
  });

  it('needs three reps with a figure for a median', () => {
    const peers = [rep(1, { won: 10, lost: 10, size }), rep(2, { won: 2, lost: 18, size })];
    expect(rankGrowthAreas(input({}, peers)).filter((a) => a.kind === 'rep_gap')).toEqual([]);
  });

  it('does not judge a win rate on fewer than five closed deals', () => {
    const peers = [
      rep(1, { won: 10, lost: 10, size }),
      rep(2, { won: 11, lost: 9, size }),
      rep(3, { won: 9, lost: 11, size }),
      rep(4, { won: 0, lost: 4, size }),
    ];
    expect(area(rankGrowthAreas(input({}, peers)), 'rep:win_rate:4')).toBeUndefined();
  });

  it('ranks a long sales cycle, counting at most a doubling of throughput', () => {
    // cycles 30, 30, 30, 90 days: median 30; 90 ≥ 1.25 × 30. Rep 4 won 10 × $10,000 = 10,000,000;
    // 90 ÷ 30 − 1 = 2, capped at 1 → 10,000,000 a quarter
    const peers = [
      rep(1, { won: 10, lost: 10, size }),
      rep(2, { won: 10, lost: 10, size }),
      rep(3, { won: 10, lost: 10, size }),
      rep(4, { won: 10, lost: 10, size, cycleDays: 90 }),
    ];
    const found = area(rankGrowthAreas(input({}, peers)), 'rep:sales_cycle_days:4') as GrowthArea;
    expect(found.evidence).toMatchObject({ current: 90, median: 30 });
    expect(found.impact.perPeriod).toBe(10_000_000);
    expect(found.goal).toMatchObject({ metric: 'sales_cycle_days', direction: 'decrease', target: 30 });
  });

  it('turns a low activity volume into a goal on the kind of activity furthest under its median', () => {
    // volumes 200, 200, 200, 60 (50 calls, 10 e-mails): median 200. Team revenue 4 × 10 × $10,000 =
    // 40,000,000 over 660 activities; (200 − 60) × 40,000,000 / 660 = 8,484,848.48 → 8,484,848
    const peers = [
      rep(1, { won: 10, lost: 10, size }),
      rep(2, { won: 10, lost: 10, size }),
      rep(3, { won: 10, lost: 10, size }),
      rep(4, { won: 10, lost: 10, size, calls: 50, emails: 10 }),
    ];
    const found = area(rankGrowthAreas(input({}, peers)), 'rep:activities:4') as GrowthArea;
    expect(found.evidence).toMatchObject({ current: 60, median: 200 });
    expect(found.impact.perPeriod).toBe(8_484_848);
    // e-mails are 90 under their median of 100, calls 50 under theirs
    expect(found.goal).toEqual({
      metric: 'emails',
      scope: { type: 'rep', id: 4 },
      direction: 'increase',
      target: 100,
      kind: 'activity',
    });
  });

  it('for a rep scope, only that rep can be an area', () => {
    const peers = [
      rep(1, { won: 10, lost: 10, size }),
      rep(2, { won: 11, lost: 9, size }),
      rep(3, { won: 3, lost: 17, size }),
      rep(4, { won: 4, lost: 16, size }),
    ];
    const areas = rankGrowthAreas(input({}, peers, { focusRepId: 4 }));
    expect(areas.filter((a) => a.kind === 'rep_gap').every((a) => a.rep?.id === 4)).toBe(true);
    expect(area(areas, 'rep:win_rate:4')).toBeDefined();
  });
});
