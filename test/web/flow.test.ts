import { describe, expect, test } from 'vitest';
import {
  communicateHref,
  draftFormHref,
  flowRouteOf,
  growthHref,
  isFlowPath,
  minorDigitsOf,
  parseGoalIds,
  parseGrain,
  parseList,
  prioritizeHref,
  rowsFromTiers,
  type Scores,
  sortProposals,
  tiersFromRows,
  trackHref,
  weightShares,
  writeHref,
} from '../../web/src/flow.ts';

const paramsOf = (href: string) => new URL(href, 'http://hadaf.test').searchParams;

describe('the flow’s paths', () => {
  test('each of the flow’s own pages is known by its path, with the goal id where it has one', () => {
    expect(flowRouteOf('/plan')).toEqual({ step: 'growth' });
    expect(flowRouteOf('/plan/prioritize')).toEqual({ step: 'prioritize' });
    expect(flowRouteOf('/plan/write')).toEqual({ step: 'write' });
    expect(flowRouteOf('/goals/12/communicate')).toEqual({ step: 'communicate', goalId: 12 });
    expect(flowRouteOf('/goals/7/track')).toEqual({ step: 'track', goalId: 7 });
  });

  test('the goal page, the goal form and anything else are not the flow’s', () => {
    for (const path of ['/goals/12', '/goals/new', '/goals/0/track', '/goals/x/track', '/plan/other', '/']) {
      expect(isFlowPath(path), path).toBe(false);
    }
  });

  test('the picked areas survive the query string, whatever their ids hold', () => {
    const areas = ['funnel:win_rate', 'rep:win_rate:12', 'trend:revenue'];
    const growth = paramsOf(growthHref('team:4', 'month', areas));
    expect(growth.get('scope')).toBe('team:4');
    expect(growth.get('grain')).toBe('month');
    expect(parseList(growth.get('areas'))).toEqual(areas);
    expect(parseList(paramsOf(prioritizeHref('org', 'quarter', areas)).get('areas'))).toEqual(areas);
    expect(growthHref('org', 'quarter')).toBe('/plan?scope=org&grain=quarter');
  });

  test('drafts go to the goal form by id, and on to steps 4 and 5', () => {
    expect(parseGoalIds(paramsOf(writeHref([31, 32])).get('drafts'))).toEqual([31, 32]);
    expect(draftFormHref(31)).toBe('/goals/new?draft=31');
    expect(communicateHref(31)).toBe('/goals/31/communicate');
    expect(trackHref(31)).toBe('/goals/31/track');
  });

  test('lists in the query string are read once each, without blanks or junk', () => {
    expect(parseList(' a, b ,,a,c ')).toEqual(['a', 'b', 'c']);
    expect(parseList(null)).toEqual([]);
    expect(parseGoalIds('4,x,0,-2,4,9.5,17')).toEqual([4, 17]);
    expect(parseGrain('month')).toBe('month');
    expect(parseGrain('year')).toBe('quarter');
    expect(parseGrain(null)).toBe('quarter');
  });
});

describe('prioritizing', () => {
  const proposal = (id: string, score: Scores) => ({ id, score });
  const a = proposal('a', { total: 0.6, impact: 0.9, speed: 0.4, resources: 0.2 });
  const b = proposal('b', { total: 0.7, impact: 0.5, speed: 0.8, resources: 1 });
  const c = proposal('c', { total: 0.7, impact: 0.5, speed: 0.5, resources: 1 });
  const d = proposal('d', { total: 0.5, impact: 0.5, speed: 0.9, resources: 1 });

  test('sorts best first on the chosen score, ties by the total, then in the server’s order', () => {
    expect(sortProposals([a, b, c, d], 'total').map((p) => p.id)).toEqual(['b', 'c', 'a', 'd']);
    expect(sortProposals([a, b, c, d], 'impact').map((p) => p.id)).toEqual(['a', 'b', 'c', 'd']);
    expect(sortProposals([a, b, c, d], 'speed').map((p) => p.id)).toEqual(['d', 'b', 'c', 'a']);
    expect(sortProposals([d, c, b, a], 'resources').map((p) => p.id)).toEqual(['c', 'b', 'd', 'a']);
  });

  test('does not reorder the list it is given', () => {
    const list = [a, b, c, d];
    sortProposals(list, 'speed');
    expect(list.map((p) => p.id)).toEqual(['a', 'b', 'c', 'd']);
  });

  test('weights count as their share of the sum, and all zero is no weighting at all', () => {
    expect(weightShares({ impact: 50, speed: 25, resources: 25 })).toEqual({
      impact: 0.5,
      speed: 0.25,
      resources: 0.25,
    });
    expect(weightShares({ impact: 0, speed: 30, resources: 10 })).toEqual({
      impact: 0,
      speed: 0.75,
      resources: 0.25,
    });
    expect(weightShares({ impact: 0, speed: 0, resources: 0 })).toBeNull();
  });
});

describe('bonus tiers as typed', () => {
  test('a currency’s minor digits: halalas, fils, none', () => {
    expect(minorDigitsOf('SAR')).toBe(2);
    expect(minorDigitsOf('KWD')).toBe(3);
    expect(minorDigitsOf('JPY')).toBe(0);
  });

  test('percent and riyals become a fraction and halalas, by attainment, blank rows skipped', () => {
    const read = tiersFromRows(
      [
        { attainment: '110', payout: '1500' },
        { attainment: '', payout: '' },
        { attainment: '100', payout: '1000.5' },
        { attainment: '125.5', payout: '2000' },
      ],
      2,
    );
    expect(read).toEqual({
      ok: true,
      tiers: [
        { attainment: 1, payout: 100050 },
        { attainment: 1.1, payout: 150000 },
        { attainment: 1.255, payout: 200000 },
      ],
    });
  });

  test('fils have three digits', () => {
    expect(tiersFromRows([{ attainment: '100', payout: '12.345' }], 3)).toEqual({
      ok: true,
      tiers: [{ attainment: 1, payout: 12345 }],
    });
  });

  test('the first bad cell is named by its row and field', () => {
    expect(tiersFromRows([{ attainment: '0', payout: '10' }], 2)).toEqual({
      ok: false,
      row: 0,
      field: 'attainment',
      problem: 'number',
    });
    expect(
      tiersFromRows(
        [
          { attainment: '100', payout: '10' },
          { attainment: '110', payout: '-1' },
        ],
        2,
      ),
    ).toEqual({ ok: false, row: 1, field: 'payout', problem: 'number' });
    expect(tiersFromRows([{ attainment: '100', payout: '' }], 2)).toMatchObject({ row: 0, field: 'payout' });
    expect(tiersFromRows([{ attainment: 'abc', payout: '5' }], 2)).toMatchObject({ field: 'attainment' });
    expect(
      tiersFromRows(
        [
          { attainment: '100', payout: '10' },
          { attainment: '100.0', payout: '20' },
        ],
        2,
      ),
    ).toEqual({ ok: false, row: 1, field: 'attainment', problem: 'duplicate' });
  });

  test('saved tiers come back as the rows they were typed as', () => {
    const tiers = [
      { attainment: 1, payout: 100000 },
      { attainment: 1.1, payout: 150050 },
      { attainment: 1.255, payout: 200000 },
    ];
    const rows = rowsFromTiers(tiers, 2);
    expect(rows).toEqual([
      { attainment: '100', payout: '1000' },
      { attainment: '110', payout: '1500.5' },
      { attainment: '125.5', payout: '2000' },
    ]);
    expect(tiersFromRows(rows, 2)).toEqual({ ok: true, tiers });
  });
});
