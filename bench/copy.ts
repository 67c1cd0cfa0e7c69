/**
 * `hadaf copy` from SQLite into PostgreSQL (issue 10: ≥ 100,000 rows/s), on a
 * demo database, from start to end: migrating the empty target, loading,
 * rebuilding indexes and foreign keys, moving sequences. The plain
 * reference, in the same run, does the same job with PostgreSQL's own
 * `COPY table FROM 'file'` of the very same rows (written out beforehand by
 * `COPY table TO 'file'`, untimed): migrations, then one transaction with
 * the same indexes and foreign keys dropped and rebuilt, sequences moved.
 * The gap between the two is what Hadaf adds: reading SQLite, making the
 * COPY text and sending it.
 *
 * The PostgreSQL server must be on this machine (the reference reads files
 * server-side) and the user a superuser or in pg_read_server_files and
 * pg_write_server_files. Its databases are created here and dropped after.
 *
 *   node bin/run-ts.js bench/copy.ts --db /tmp/hadaf/copy/s4.db --pg postgres://postgres@127.0.0.1:5432/postgres --runs 2
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { copyDatabase } from '../src/services/admin/copy.ts';
import { describeTables, insertOrder, type TableShape } from '../src/services/admin/schema.ts';
import { syncIdSequences, type TableName, withIndexesDeferred } from '../src/store/bulk-insert.ts';
import { openStore } from '../src/store/db.ts';
import { migrateToLatest } from '../src/store/migrate.ts';
import { type BenchRow, runAlone } from './types.ts';

export interface CopyBenchOptions {
  /** A SQLite Hadaf database, e.g. from `hadaf demo --scale N`. */
  db: string;
  /** A PostgreSQL server on this machine (any database of it): the databases are made there. */
  pg: string;
  /** Runs of each, alternating, the best of each kept: the machine is shared (default 1). */
  runs?: number;
  log?: (line: string) => void;
}

export async function benchCopy({
  db,
  pg: server,
  runs = 1,
  log = () => {},
}: CopyBenchOptions): Promise<BenchRow[]> {
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a whole number ≥ 1, not ${runs}.`);
  const suffix = randomBytes(4).toString('hex');
  const files = mkdtempSync(join(tmpdir(), 'hadaf-bench-copy-'));
  // the server writes and reads the files as its own user
  chmodSync(files, 0o777);
  const databases: string[] = [];
  const fresh = async (name: string) => {
    const made = databaseUrl(server, `${name}_${suffix}_${databases.length}`);
    databases.push(made.name);
    await admin(server, `create database ${made.name}`);
    return made;
  };
  const drop = (name: string) => admin(server, `drop database if exists ${name} with (force)`);
  try {
    let tables: TableShape[] = [];
    let rows = 0;
    const best = { ours: Number.POSITIVE_INFINITY, reference: Number.POSITIVE_INFINITY, load: '', rss: 0 };
    for (let run = 1; run <= runs; run++) {
      const ours = await fresh('hadaf_bench_copy');
      const load = loadavg()[0]?.toFixed(1) ?? '?';
      const rssBefore = process.memoryUsage().rss;
      let peakRss = rssBefore;
      const started = performance.now();
      const result = await copyDatabase({
        from: db,
        to: ours.url,
        onProgress: () => {
          peakRss = Math.max(peakRss, process.memoryUsage().rss);
        },
      });
      const oursMs = performance.now() - started;
      rows = result.tables.reduce((sum, t) => sum + t.rows, 0);
      log(
        `run ${run}, hadaf copy: ${rows.toLocaleString('en')} rows in ${(oursMs / 1000).toFixed(1)} s (load ${load})`,
      );
      if (oursMs < best.ours) Object.assign(best, { ours: oursMs, load, rss: peakRss - rssBefore });
      if (run === 1) tables = await writeFiles(ours.url, files);
      await drop(ours.name);

      const reference = await fresh('hadaf_bench_copyref');
      const referenceMs = await postgresOwnCopy(reference.url, tables, files);
      log(
        `run ${run}, PostgreSQL's own COPY FROM files: ${(referenceMs / 1000).toFixed(1)} s (load ${loadavg()[0]?.toFixed(1)})`,
      );
      best.reference = Math.min(best.reference, referenceMs);
      await drop(reference.name);
    }
    const perSecond = (ms: number) => Math.round(rows / (ms / 1000)).toLocaleString('en');
    const of = runs > 1 ? `best of ${runs}, ` : '';
    return [
      {
        name: `hadaf copy SQLite → PostgreSQL, ${rows.toLocaleString('en')} rows in ${tables.length} tables`,
        figure: `${perSecond(best.ours)} rows/s (${of}${(best.ours / 1000).toFixed(1)} s, RSS +${Math.round(best.rss / 2 ** 20)} MB, load ${best.load})`,
        target: '≥ 100,000 rows/s',
        reference: `the same job with PostgreSQL's own COPY FROM server-side files of the same rows: ${perSecond(best.reference)} rows/s (${of}${(best.reference / 1000).toFixed(1)} s)`,
        ratio: `${(best.reference / best.ours).toFixed(2)}× the reference's speed`,
      },
    ];
  } finally {
    for (const name of databases) await drop(name);
    rmSync(files, { recursive: true, force: true });
  }
}

/** Every table of `from`, parents first, each written to a file by the server (untimed). */
async function writeFiles(from: string, dir: string): Promise<TableShape[]> {
  const source = await openStore(from);
  try {
    const tables = insertOrder(await describeTables(source.db, 'postgres'));
    for (const table of tables) {
      await sql`copy ${sql.table(table.name)} to ${sql.lit(fileOf(dir, table.name))}`.execute(source.db);
    }
    return tables;
  } finally {
    await source.close();
  }
}

const fileOf = (dir: string, table: string) => join(dir, `${table}.copy`);

/**
 * The same job as `hadaf copy`, done with PostgreSQL's own COPY from the
 * files: migrating the empty `to`, then loading them in one transaction,
 * indexes and foreign keys deferred, sequences moved at the end. Returns
 * the milliseconds it took.
 */
async function postgresOwnCopy(to: string, tables: TableShape[], dir: string): Promise<number> {
  const target = await openStore(to);
  try {
    const names = tables.map((t) => t.name as TableName);
    const started = performance.now();
    await migrateToLatest(target.db);
    await target.db.transaction().execute(async (trx) => {
      await withIndexesDeferred(trx, 'postgres', names, async () => {
        for (const table of tables) {
          const columns = sql.join(table.columns.map((c) => sql.ref(c)));
          await sql`copy ${sql.table(table.name)} (${columns}) from ${sql.lit(fileOf(dir, table.name))}`.execute(
            trx,
          );
        }
      });
      await syncIdSequences(
        trx,
        'postgres',
        tables.filter((t) => t.columns.includes('id')).map((t) => t.name as TableName),
      );
    });
    return performance.now() - started;
  } finally {
    await target.close();
  }
}

function databaseUrl(server: string, name: string) {
  const url = new URL(server);
  url.pathname = `/${name}`;
  return { name, url: url.toString() };
}

async function admin(server: string, text: string) {
  const client = new pg.Client({ connectionString: server });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

await runAlone(
  import.meta.url,
  'bench/copy.ts --db <SQLite demo database> --pg <postgres:// URL of a server on this machine> [--runs N]',
  ({ db, option, log }) => {
    const server = option('--pg');
    if (!server) throw new Error('bench/copy.ts needs --pg <postgres:// URL>.');
    return benchCopy({ db, pg: server, runs: Number(option('--runs') ?? 1), log });
  },
);
