import { describe, expect, it } from 'vitest';
import { PartGrid } from '../../../src/services/metrics/grid.ts';

describe('the part grid of an evaluation', () => {
  it('adds rows read in any order, repeated or not, into their group and period', () => {
    const grid = new PartGrid(3, ['won_amount', 'deals_won']);
    grid.addRows({
      buckets: [0, 2, 0, 1],
      keys: [7, 7, 9, 7],
      parts: { won_amount: [100, 50, 30, 20], deals_won: [1, 1, 1, 1] },
    });
    // rep 7 again in period 0 (a second team that month): added, not replaced
    grid.addRows({ buckets: [0], keys: [7], parts: { won_amount: [5], deals_won: [0] } });
    expect(grid.keys).toEqual([7, 9]);
    expect([0, 1, 2].map((b) => grid.partsAt(0, b))).toEqual([
      { won_amount: 105, deals_won: 1 },
      { won_amount: 20, deals_won: 1 },
      { won_amount: 50, deals_won: 1 },
    ]);
    // rep 9 had nothing in periods 1 and 2: every part is there, at 0
    expect(grid.partsAt(1, 2)).toEqual({ won_amount: 0, deals_won: 0 });
    expect(grid.sumOfRows(0)).toEqual({ won_amount: 135, deals_won: 2 });
  });

  it('keeps every cell when groups outgrow the first arrays, and lists parts it was not told about', () => {
    const grid = new PartGrid(2, ['calls']);
    for (let rep = 1; rep <= 40; rep++) grid.add(rep % 2, rep, { calls: rep });
    grid.add(0, 3, { emails: 4 });
    expect(grid.keys).toHaveLength(40);
    // rep r's calls sit in period r % 2; the other period is 0
    expect(grid.partsAt(2, 1)).toEqual({ calls: 3, emails: 0 });
    expect(grid.partsAt(2, 0)).toEqual({ calls: 0, emails: 4 });
    expect(grid.partsAt(39, 0)).toEqual({ calls: 40, emails: 0 });
    // odd reps 1..39 in period 1: 400; even reps 2..40 in period 0: 420
    expect(grid.sumOfRows(1)).toEqual({ calls: 400, emails: 0 });
    expect(grid.sumOfRows(0)).toEqual({ calls: 420, emails: 4 });
  });

  it('tells all-zero rows apart and rolls rows up into other groups', () => {
    const raw = new PartGrid(2, ['deals_won', 'deals_lost']);
    raw.add(0, 11, { deals_won: 2, deals_lost: 1 });
    raw.add(1, 12, { deals_won: 0, deals_lost: 0 });
    raw.add(1, 13, { deals_won: 1 });
    expect(raw.keys.map((_, row) => raw.rowIsZero(row))).toEqual([false, true, false]);
    const teams = new PartGrid(2, raw.names);
    // teams 11 and 13 both roll up into team 1
    teams.addRow(1, raw, 0);
    teams.addRow(1, raw, 2);
    expect(teams.keys).toEqual([1]);
    expect([teams.partsAt(0, 0), teams.partsAt(0, 1)]).toEqual([
      { deals_won: 2, deals_lost: 1 },
      { deals_won: 1, deals_lost: 0 },
    ]);
  });
});
