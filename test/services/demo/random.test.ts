import { describe, expect, it } from 'vitest';
import { Random, Weights } from '../../../src/services/demo/random.ts';

const draw = (rng: Random, n: number) => Array.from({ length: n }, () => rng.next());

describe('the demo random source', () => {
  it('repeats the same sequence for the same seed and stream', () => {
    expect(draw(new Random(42, 3), 1000)).toEqual(draw(new Random(42, 3), 1000));
  });

  it('gives different sequences for another seed, another stream, or seeds that differ above 32 bits', () => {
    const base = draw(new Random(42, 3), 20);
    expect(draw(new Random(43, 3), 20)).not.toEqual(base);
    expect(draw(new Random(42, 4), 20)).not.toEqual(base);
    expect(draw(new Random(2 ** 40, 0), 20)).not.toEqual(draw(new Random(2 ** 41, 0), 20));
  });

  it('draws uniformly in [0, 1)', () => {
    const values = draw(new Random(1), 100_000);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    // Each tenth of the range gets 10,000 ± 5% of 100,000 draws.
    const buckets = new Array<number>(10).fill(0);
    for (const v of values) buckets[Math.floor(v * 10)] = (buckets[Math.floor(v * 10)] as number) + 1;
    for (const count of buckets) expect(Math.abs(count - 10_000)).toBeLessThan(500);
  });

  it('keeps whole numbers inside their bounds and reaches both ends', () => {
    const rng = new Random(5);
    const values = Array.from({ length: 10_000 }, () => rng.int(3, 7));
    expect(new Set(values)).toEqual(new Set([3, 4, 5, 6, 7]));
  });

  it('picks weighted choices in proportion to their weights', () => {
    const rng = new Random(9);
    const choices = new Weights({ a: 1, b: 3 });
    let b = 0;
    for (let i = 0; i < 40_000; i++) if (rng.weighted(choices) === 'b') b++;
    // expected 30,000 = 40,000 × 3/4
    expect(Math.abs(b - 30_000)).toBeLessThan(600);
  });

  it('rounds a count up or down around its mean, never further', () => {
    const rng = new Random(11);
    const counts = Array.from({ length: 10_000 }, () => rng.count(2.3));
    expect(new Set(counts)).toEqual(new Set([2, 3]));
    const mean = counts.reduce((a, b) => a + b, 0) / counts.length;
    expect(Math.abs(mean - 2.3)).toBeLessThan(0.02);
  });

  it('draws Poisson counts with the requested mean', () => {
    const rng = new Random(13);
    for (const lambda of [0.7, 4, 90]) {
      const n = 20_000;
      let sum = 0;
      for (let i = 0; i < n; i++) sum += rng.poisson(lambda);
      expect(Math.abs(sum / n - lambda) / lambda).toBeLessThan(0.03);
    }
    expect(rng.poisson(0)).toBe(0);
  });
});
