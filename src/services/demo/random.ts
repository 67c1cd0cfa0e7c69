/**
 * The demo's only source of randomness: sfc32 (Chris Doty-Humphrey's small fast
 * counting generator), seeded through a 32-bit mix of the user's seed and a
 * stream number. Each rep gets its own stream, so one rep's data never depends
 * on how much randomness another rep consumed, and the same seed always gives
 * the same company. Math.random is never used.
 */
export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number, stream = 0) {
    // Fold a seed of up to 53 bits and the stream into four 32-bit words.
    const low = seed >>> 0;
    const high = Math.floor(seed / 2 ** 32) >>> 0;
    this.a = mix32(low ^ 0x9e3779b9);
    this.b = mix32(high ^ 0x85ebca6b);
    this.c = mix32(stream ^ 0xc2b2ae35);
    this.d = mix32((low + stream) ^ 0x27d4eb2f);
    // The first outputs of a freshly seeded sfc32 are poorly mixed.
    for (let i = 0; i < 12; i++) this.next();
  }

  /** Uniform in [0, 1). */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4_294_967_296;
  }

  /** Uniform in [min, max). */
  between(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** A whole number in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** Picks one of the choices with probability proportional to its weight. */
  weighted<T extends string>(choices: Weights<T>): T {
    const r = this.next() * choices.total;
    const { cumulative, keys } = choices;
    for (let i = 0; i < cumulative.length - 1; i++) if (r < (cumulative[i] as number)) return keys[i] as T;
    return keys[keys.length - 1] as T;
  }

  /** Normal deviate (Box-Muller). */
  normal(mean = 0, sd = 1): number {
    const u = 1 - this.next();
    const v = this.next();
    return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Log-normal with the given median: most values near it, a long right tail. */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(this.normal(0, sigma));
  }

  exponential(mean: number): number {
    return -mean * Math.log(1 - this.next());
  }

  /**
   * A whole number with mean `mean` and the least spread possible: `mean`
   * rounded up or down at random. For volumes that should follow a plan
   * closely, where a Poisson count would add noise of its own.
   */
  count(mean: number): number {
    const whole = Math.floor(mean);
    return whole + (this.next() < mean - whole ? 1 : 0);
  }

  /** Count of events with mean `lambda` (Knuth for small means, normal approximation above). */
  poisson(lambda: number): number {
    if (lambda <= 0) return 0;
    if (lambda > 60) return Math.max(0, Math.round(this.normal(lambda, Math.sqrt(lambda))));
    const limit = Math.exp(-lambda);
    let k = 0;
    let p = this.next();
    while (p > limit) {
      k++;
      p *= this.next();
    }
    return k;
  }
}

/** Weighted choices, prepared once so that each draw is a short scan. */
export class Weights<T extends string> {
  readonly keys: T[];
  readonly cumulative: number[];
  readonly total: number;

  constructor(weights: Readonly<Record<T, number>>) {
    this.keys = Object.keys(weights) as T[];
    let sum = 0;
    this.cumulative = this.keys.map((key) => {
      sum += weights[key];
      return sum;
    });
    this.total = sum;
  }
}

/** murmur3's 32-bit finalizer: spreads every input bit over the output. */
function mix32(x: number): number {
  let h = x | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
