import { pathToFileURL } from 'node:url';

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

/**
 * Runs one benchmark file on its own (`node bin/run-ts.js bench/<name>.ts --db ...`)
 * when it is the program's entry: reads `--db` and the other flags, prints
 * usage and exits 2 without `--db`, and prints the rows as table lines.
 */
export async function runAlone(
  moduleUrl: string,
  usage: string,
  run: (options: {
    db: string;
    option: (flag: string) => string | undefined;
    log: (line: string) => void;
  }) => Promise<BenchRow[]>,
): Promise<void> {
  if (moduleUrl !== pathToFileURL(process.argv[1] ?? '').href) return;
  const args = process.argv.slice(2);
  const option = (flag: string) => {
    const i = args.indexOf(flag);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const db = option('--db');
  if (!db) {
    process.stderr.write(`usage: ${usage}\n`);
    process.exit(2);
  }
  const rows = await run({ db, option, log: (line) => process.stderr.write(`${line}\n`) });
  for (const r of rows)
    process.stdout.write(`| ${r.name} | ${r.figure} | ${r.target} | ${r.reference} | ${r.ratio} |\n`);
}
