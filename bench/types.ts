/** One line of the benchmark table: the figure, its target, and a plain reference measured in the same run. */
export interface BenchRow {
  name: string;
  figure: string;
  target: string;
  reference: string;
  /** figure ÷ reference (or the inverse), said in words, e.g. "38× faster than the scan". */
  ratio: string;
}

/** Median of a sample, in the sample's unit. */
export function median(values: number[]): number {
  return percentile(values, 0.5);
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[rank] as number;
}

/** Runs `work` `times` times and returns each duration in milliseconds. */
export async function timeRuns(times: number, work: () => unknown | Promise<unknown>): Promise<number[]> {
  const durations: number[] = [];
  for (let i = 0; i < times; i++) {
    const start = performance.now();
    await work();
    durations.push(performance.now() - start);
  }
  return durations;
}

export const ms = (value: number) => `${value < 10 ? value.toFixed(2) : value.toFixed(0)} ms`;
