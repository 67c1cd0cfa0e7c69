import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { largestRemainder, roundToUnit, splitAmount } from '../../../src/core/goals/index.ts';

describe('largestRemainder', () => {
  it('splits 1,000,000.01 three ways into parts that sum exactly', () => {
    // 100,000,001 cents / 3 = 33,333,333.67 each: floors sum to 99,999,999, the 2 cents left go to the first two
    const parts = largestRemainder(100_000_001, [1, 1, 1]);
    expect(parts).toEqual([33_333_334, 33_333_334, 33_333_333]);
    expect(parts.reduce((a, b) => a + b, 0)).toBe(100_000_001);
  });

  it('gives the leftover units to the largest fractions first', () => {
    // 10 by 1:2:3 → 1.67, 3.33, 5: floors 1+3+5 = 9, the one left goes to the .67
    expect(largestRemainder(10, [1, 2, 3])).toEqual([2, 3, 5]);
  });

  it('never gives a unit to a part of weight zero', () => {
    expect(largestRemainder(5, [0, 1, 1])).toEqual([0, 3, 2]);
  });

  it('refuses amounts that are not whole and weights that are all zero', () => {
    expect(() => largestRemainder(10.5, [1, 1])).toThrow(/whole/);
    expect(() => largestRemainder(10, [0, 0])).toThrow(/zero/);
    expect(() => largestRemainder(10, [1, -1])).toThrow(/non-negative/);
    expect(() => largestRemainder(10, [])).toThrow(/zero parts/);
  });

  it('always sums exactly and keeps each part within one unit of its exact share', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e12 }),
        fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 40 }),
        (total, raw) => {
          const weights = raw.some((w) => w > 0) ? raw : [...raw, 1];
          const parts = largestRemainder(total, weights);
          const sum = weights.reduce((a, b) => a + b, 0);
          expect(parts.reduce((a, b) => a + b, 0)).toBe(total);
          parts.forEach((p, i) => {
            expect(Number.isInteger(p)).toBe(true);
            expect(Math.abs(p - (total * (weights[i] as number)) / sum)).toBeLessThan(1 + 1e-6);
          });
        },
      ),
    );
  });
});

describe('splitAmount', () => {
  it('splits hours in hundredths', () => {
    // 10 hours / 3 = 3.333..: 1000 hundredths → 334, 333, 333
    expect(splitAmount(10, [1, 1, 1], 'hours')).toEqual([3.34, 3.33, 3.33]);
  });

  it('rounds a target to its unit', () => {
    expect(roundToUnit(770_000.4, 'currency')).toBe(770_000);
    expect(roundToUnit(0.123456, 'percent')).toBe(0.1235);
  });
});
