import { describe, expect, it } from 'vitest';
import {
  pipelineForecast,
  RANGE_Z,
  runRateForecast,
  stageProbabilities,
  timelineOf,
} from '../../../src/core/progress/index.ts';

const utc = (text: string) => Date.parse(`${text}Z`);
const tenDays = (now: string) =>
  timelineOf({
    period: { start: '2027-03-01', end: '2027-03-10' },
    paceModel: 'linear',
    now: utc(now),
    timeZone: 'UTC',
    workingDays: [1, 2, 3, 4, 5],
  });

describe('runRateForecast', () => {
  it('extends the rate so far over the rest of the period, with a range from the daily spread', () => {
    // 4 days over, 10, 20, 10, 20 came in: 60 so far, 150 at the same rate over 10 days.
    const daily = [
      { day: '2027-03-01', value: 10 },
      { day: '2027-03-02', value: 20 },
      { day: '2027-03-03', value: 10 },
      { day: '2027-03-04', value: 20 },
    ];
    const f = runRateForecast(60, tenDays('2027-03-05T00:00:00'), daily);
    // daily mean 15, sample sd √((4 × 25) / 3) = √(100/3); 6 days to go: half-width z × sd × √6
    const half = RANGE_Z * Math.sqrt(100 / 3) * Math.sqrt(6);
    expect(f?.value).toBe(150);
    expect(f?.low).toBeCloseTo(150 - half, 9);
    expect(f?.high).toBeCloseTo(150 + half, 9);
    expect(half).toBeCloseTo(18.125, 3);
  });

  it('leaves days it has no reading for out of the spread', () => {
    // Only Mar 2 and Mar 4 are known (20 and 0): sd of the rates 20, 0 = √200; 40 in after 4 days: 100.
    const daily = [
      { day: '2027-03-02', value: 20 },
      { day: '2027-03-04', value: 0 },
    ];
    const f = runRateForecast(40, tenDays('2027-03-05T00:00:00'), daily);
    expect(f?.value).toBe(100);
    expect(f?.high).toBeCloseTo(100 + RANGE_Z * Math.sqrt(200) * Math.sqrt(6), 9);
  });

  it('never puts the low end under what has already come in', () => {
    // 0, 0, 0, 300: 750 at the same rate; mean 75, sd √((3 × 75² + 225²) / 3) = 150;
    // half-width 1.2816 × 150 × √6 ≈ 470.9, and 750 − 470.9 < 300 already in.
    const daily = [
      { day: '2027-03-01', value: 0 },
      { day: '2027-03-02', value: 0 },
      { day: '2027-03-03', value: 0 },
      { day: '2027-03-04', value: 300 },
    ];
    const f = runRateForecast(300, tenDays('2027-03-05T00:00:00'), daily);
    expect(f?.value).toBe(750);
    expect(f?.low).toBe(300);
    expect(f?.high).toBeCloseTo(750 + RANGE_Z * 150 * Math.sqrt(6), 9);
  });

  it('gives a wide range when too few days are over to measure a spread', () => {
    const f = runRateForecast(10, tenDays('2027-03-02T00:00:00'), [{ day: '2027-03-01', value: 10 }]);
    // 100 at the same rate: from 10 (nothing more) to 10 + 2 × 90
    expect(f).toEqual({ method: 'run_rate', value: 100, low: 10, high: 190 });
  });

  it('has nothing to extend before any of the period is over', () => {
    expect(runRateForecast(0, tenDays('2027-02-20T00:00:00'), [])).toBeNull();
    expect(runRateForecast(0, tenDays('2027-03-01T00:00:00'), [])).toBeNull();
  });
});

describe('stageProbabilities', () => {
  const order = [
    { stage: 'Discovery', rank: 1 },
    { stage: 'Proposal', rank: 2 },
    { stage: 'Negotiation', rank: 3 },
  ];
  const closed = [
    { stage: 'Closed Won', won: 6, lost: 0 },
    { stage: 'Discovery', won: 0, lost: 8 },
    { stage: 'Proposal', won: 0, lost: 4 },
    { stage: 'Negotiation', won: 0, lost: 2 },
  ];

  it('learns from where deals were lost: won ÷ (won + lost at that stage or later)', () => {
    const p = stageProbabilities(order, closed);
    // Discovery 6 / (6 + 8 + 4 + 2) = 0.3; Proposal 6 / (6 + 4 + 2) = 0.5; Negotiation 6 / (6 + 2) = 0.75
    expect(p.get('Discovery')).toBe(0.3);
    expect(p.get('Proposal')).toBe(0.5);
    expect(p.get('Negotiation')).toBe(0.75);
  });

  it('counts a deal lost at an unknown stage against every stage', () => {
    const p = stageProbabilities(order, [...closed, { stage: 'Closed Lost', won: 0, lost: 4 }]);
    // Negotiation: 6 / (6 + 2 + 4) = 0.5
    expect(p.get('Negotiation')).toBe(0.5);
  });

  it('gives every stage the plain win rate when stages have no order', () => {
    const flat = order.map((o) => ({ ...o, rank: 0 }));
    const p = stageProbabilities(flat, closed);
    // 6 won, 14 lost
    expect(p.get('Proposal')).toBe(0.3);
    expect(p.get('Negotiation')).toBe(0.3);
  });

  it('has nothing to say when no deal ever closed', () => {
    expect(stageProbabilities(order, []).get('Discovery')).toBeNull();
  });
});

describe('pipelineForecast', () => {
  const probabilities = new Map<string, number | null>([
    ['Discovery', 0.3],
    ['Proposal', 0.5],
    ['Negotiation', 0.75],
  ]);
  const open = [
    { stage: 'Discovery', count: 2, amount: 2_000, amountSquared: 2 * 1_000 ** 2 },
    { stage: 'Proposal', count: 1, amount: 4_000, amountSquared: 4_000 ** 2 },
    { stage: 'Negotiation', count: 1, amount: 2_000, amountSquared: 2_000 ** 2 },
  ];

  it('adds the open pipeline weighted by stage probability to what is won', () => {
    const f = pipelineForecast(10_000, open, probabilities, null);
    // weighted = 2,000 × 0.3 + 4,000 × 0.5 + 2,000 × 0.75 = 600 + 2,000 + 1,500 = 4,100
    expect(f?.weightedPipeline).toBeCloseTo(4_100, 9);
    expect(f?.value).toBeCloseTo(14_100, 9);
    // variance = 2e6 × 0.21 + 16e6 × 0.25 + 4e6 × 0.1875 = 5,170,000; half-width = z × √variance ≈ 2,914.05
    const half = RANGE_Z * Math.sqrt(5_170_000);
    expect(half).toBeCloseTo(2_914.05, 1);
    expect(f?.low).toBeCloseTo(14_100 - half, 6);
    expect(f?.high).toBeCloseTo(14_100 + half, 6);
    expect(f?.openAmount).toBe(8_000);
    expect(f?.openDeals).toBe(4);
  });

  it('keeps the range between what is won and everything open being won', () => {
    const f = pipelineForecast(
      0,
      [{ stage: 'Proposal', count: 1, amount: 1_000, amountSquared: 1e6 }],
      probabilities,
      null,
    );
    // 500 ± 1.2816 × 500 clipped to [0, 1,000]
    expect(f?.low).toBe(0);
    expect(f?.high).toBe(1_000);
  });

  it('prices a stage without history at the fallback win rate', () => {
    const f = pipelineForecast(
      0,
      [{ stage: 'Demo', count: 1, amount: 1_000, amountSquared: 1e6 }],
      probabilities,
      0.2,
    );
    expect(f?.value).toBeCloseTo(200, 9);
    expect(f?.stages).toEqual([{ stage: 'Demo', probability: 0.2, deals: 1, amount: 1_000 }]);
  });

  it('gives no pipeline forecast when nothing can price an open stage', () => {
    expect(
      pipelineForecast(0, [{ stage: 'Demo', count: 1, amount: 1, amountSquared: 1 }], probabilities, null),
    ).toBeNull();
  });

  it('is just what is won when nothing is open', () => {
    expect(pipelineForecast(700, [], probabilities, null)).toMatchObject({ value: 700, low: 700, high: 700 });
  });
});
