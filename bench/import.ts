/**
 * Import benchmark (SPEC §7: ≥ 100,000 deal rows/s from CSV, memory flat in
 * the file's size). Generates deals CSVs of 100k and 1M rows into bench/data/,
 * imports each into a fresh SQLite database in a child process (so its peak
 * RSS is the import's own), and times two references in the same run:
 * sqlite3's `.import` of the same file into a bare table (the target's
 * yardstick), and the floor of this schema: the same rows written by the
 * least code that can write them (a CSV loop on one thread, no checks,
 * multi-row INSERTs into the deal table with its unique index, its eight
 * other indexes built at the end, one commit). Everything is also measured
 * in CPU time (user + system, all threads), which a shared machine disturbs
 * far less than wall time. With DATABASE_URL set, the smallest file is also
 * imported into a new PostgreSQL database (an extra row; the target is SQLite's).
 *
 * The files look like a CRM export: rows in creation order over three years,
 * 50 owners by e-mail, 5,000 accounts by name, amounts with thousands
 * separators, HubSpot-style stage names, close dates on won and lost deals.
 *
 *   node bin/run-ts.js bench/import.ts            # both sizes
 *   node bin/run-ts.js bench/import.ts 200000     # other sizes
 */
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BenchRow } from './types.ts';

const root = resolve(import.meta.dirname, '..');
const dataDir = join(root, 'bench', 'data');
const OWNERS = 50;
const ACCOUNTS = 5000;
/** Bump when the generated rows change, so stale files are not reused. */
const GENERATOR_VERSION = 2;

export interface ImportBenchOptions {
  /** File sizes in rows; the RSS comparison is between the smallest and the largest. */
  sizes?: number[];
  log?: (line: string) => void;
  /** A PostgreSQL server (default: DATABASE_URL) to import the smallest file into as well. */
  postgresUrl?: string;
}

interface ChildResult {
  rows: number;
  inserted: number;
  rejectedRows: number;
  ms: number;
  /** CPU time (user + system, every thread) the import took: steadier than `ms` on a shared machine. */
  cpuMs: number;
  /** Of `cpuMs`, the importing thread's (the rest is the parse worker's, the garbage collector's...). */
  mainCpuMs: number;
  rollupMs: number;
  maxRssMb: number;
}

interface Timing {
  ms: number;
  cpuMs: number;
}

interface FloorResult extends Timing {
  rows: number;
  insertCpuMs: number;
  indexCpuMs: number;
  commitCpuMs: number;
  maxRssMb: number;
}

export async function benchImport(options: ImportBenchOptions = {}): Promise<BenchRow[]> {
  const sizes = [...(options.sizes ?? [100_000, 1_000_000])].sort((a, b) => a - b);
  const log = options.log ?? (() => {});
  mkdirSync(dataDir, { recursive: true });
  const load = () =>
    loadavg()
      .map((l) => l.toFixed(1))
      .join(' ');
  log(`load average ${load()}`);
  const results: Array<{ size: number; child: ChildResult; floor: FloorResult; sqlite: Timing }> = [];
  for (const size of sizes) {
    const file = await dealsFile(size, log);
    log(`importing ${size.toLocaleString('en')} rows...`);
    const child = importInChild(file);
    if (child.rows !== size || child.inserted !== size) {
      throw new Error(`the import read ${child.rows} rows and inserted ${child.inserted}, expected ${size}`);
    }
    const floor = floorInChild(file);
    if (floor.rows !== size) throw new Error(`the floor wrote ${floor.rows} rows, expected ${size}`);
    const sqlite = sqliteImport(file);
    results.push({ size, child, floor, sqlite });
    log(
      `${size}: ${Math.round(child.ms)} ms, CPU ${child.cpuMs} ms (importing thread ${child.mainCpuMs} ms, rollups ${child.rollupMs} ms), ${child.maxRssMb} MB peak RSS; floor ${Math.round(floor.ms)} ms, CPU ${floor.cpuMs} ms, ${floor.maxRssMb} MB; sqlite3 .import ${Math.round(sqlite.ms)} ms, CPU ${sqlite.cpuMs} ms; load average ${load()}`,
    );
  }
  const n = (v: number) => Math.round(v).toLocaleString('en');
  const s = (v: number) => (v / 1000).toFixed(1);
  const rows: BenchRow[] = results.flatMap(({ size, child, floor, sqlite }) => [
    {
      name: `import ${n(size)} deals from CSV (SQLite)`,
      figure: `${n((size / child.ms) * 1000)} rows/s (${s(child.ms)} s, CPU ${s(child.cpuMs)} s, importing thread ${s(child.mainCpuMs)} s, of which rollups ${s(child.rollupMs)} s)`,
      target: '≥ 100,000 rows/s, ≤ 2× .import',
      reference: `sqlite3 .import into a bare table: ${s(sqlite.ms)} s, CPU ${s(sqlite.cpuMs)} s (${n((size / sqlite.ms) * 1000)} rows/s)`,
      ratio: `${(child.ms / sqlite.ms).toFixed(2)}× the .import time (CPU ${(child.cpuMs / sqlite.cpuMs).toFixed(2)}×)`,
    },
    {
      name: `floor: the same ${n(size)} rows into the deal table by the least code`,
      figure: `${n((size / floor.ms) * 1000)} rows/s (${s(floor.ms)} s, CPU ${s(floor.cpuMs)} s: insert ${s(floor.insertCpuMs)} s, 8 indexes ${s(floor.indexCpuMs)} s, commit ${s(floor.commitCpuMs)} s)`,
      target: '–',
      reference: `sqlite3 .import into a bare table: ${s(sqlite.ms)} s, CPU ${s(sqlite.cpuMs)} s`,
      ratio: `${(floor.ms / sqlite.ms).toFixed(2)}× the .import time (CPU ${(floor.cpuMs / sqlite.cpuMs).toFixed(2)}×); the import takes ${(child.ms / floor.ms).toFixed(2)}× the floor's time (CPU ${(child.cpuMs / floor.cpuMs).toFixed(2)}×)`,
    },
  ]);
  const pgUrl = options.postgresUrl ?? process.env.DATABASE_URL;
  if (pgUrl && results[0]) {
    // PostgreSQL (an extra row): the smallest file, into a database of its own.
    const { size, sqlite } = results[0];
    const file = await dealsFile(size, log);
    log(`importing ${size.toLocaleString('en')} rows into PostgreSQL...`);
    const child = await importInPostgres(file, pgUrl);
    log(
      `${size} (postgres): ${Math.round(child.ms)} ms, CPU ${child.cpuMs} ms (rollups ${child.rollupMs} ms)`,
    );
    rows.push({
      name: `import ${n(size)} deals from CSV (PostgreSQL)`,
      figure: `${n((size / child.ms) * 1000)} rows/s (${(child.ms / 1000).toFixed(1)} s, Node CPU ${(child.cpuMs / 1000).toFixed(1)} s, of which rollups ${(child.rollupMs / 1000).toFixed(1)} s)`,
      target: '– (SQLite is the target)',
      reference: `sqlite3 .import into a bare table: ${(sqlite.ms / 1000).toFixed(1)} s`,
      ratio: `${(child.ms / sqlite.ms).toFixed(2)}× the .import time`,
    });
  }
  const smallest = results[0];
  const largest = results.at(-1);
  if (smallest && largest && smallest !== largest) {
    rows.push({
      name: `import peak RSS, ${n(smallest.size)} vs ${n(largest.size)} rows`,
      figure: `${smallest.child.maxRssMb} MB vs ${largest.child.maxRssMb} MB (+${largest.child.maxRssMb - smallest.child.maxRssMb} MB)`,
      target: 'flat in the file size',
      reference: `the floor (SQLite's page cache and sorter filling up to their bounds): ${smallest.floor.maxRssMb} MB vs ${largest.floor.maxRssMb} MB (+${largest.floor.maxRssMb - smallest.floor.maxRssMb} MB)`,
      ratio: `${(largest.child.maxRssMb / smallest.child.maxRssMb).toFixed(2)}× for ${n(largest.size / smallest.size)}× the rows; beyond the floor's growth: ${largest.child.maxRssMb - smallest.child.maxRssMb - (largest.floor.maxRssMb - smallest.floor.maxRssMb)} MB`,
    });
  }
  return rows;
}

/** A deals CSV of `size` rows in bench/data, generated once per size and generator version. */
async function dealsFile(size: number, log: (line: string) => void): Promise<string> {
  const file = join(dataDir, `deals-${size}-v${GENERATOR_VERSION}.csv`);
  if (existsSync(file) && statSync(file).size > 0) return file;
  log(`generating ${file}...`);
  const partial = `${file}.partial`;
  const out = createWriteStream(partial);
  out.write('external_id,name,account,owner,amount,currency,stage,created_at,closed_at,product,channel\n');
  const stages = ['Appointment Scheduled', 'Qualified To Buy', 'Contract Sent', 'Closed Won', 'Closed Lost'];
  const products = ['Platform', 'Analytics', 'Support', 'Training'];
  const channels = ['Web', 'Referral', 'Partner', 'Outbound'];
  const start = Date.UTC(2023, 0, 1);
  const span = 3 * 365 * 86_400_000;
  // mulberry32: a seeded generator, so every run imports the same file.
  let seed = 42;
  const random = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const pad = (v: number) => String(v).padStart(2, '0');
  const stamp = (ms: number, withTime: boolean) => {
    const d = new Date(ms);
    const day = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
    return withTime ? `${day} ${d.getUTCHours()}:${pad(d.getUTCMinutes())}` : day;
  };
  let chunk = '';
  for (let i = 0; i < size; i++) {
    const created = start + Math.floor((i / size) * span);
    const stage = stages[Math.floor(random() * stages.length)] as string;
    const closed = stage.startsWith('Closed')
      ? stamp(created + Math.floor(random() * 90) * 86_400_000, false)
      : '';
    const amount = (Math.floor(random() * 5_000_000) / 100).toLocaleString('en', {
      minimumFractionDigits: 2,
    });
    chunk += `D${i},"Deal ${i}, ${products[i % 4]}",Account ${Math.floor(random() * ACCOUNTS)},rep${i % OWNERS}@bench.test,"${amount}",USD,${stage},${stamp(created, true)},${closed},${products[i % 4]},${channels[i % 4]}\n`;
    if (chunk.length > 1 << 16) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
  renameSync(partial, file);
  return file;
}

/** Imports into a new PostgreSQL database on the server at `url`, dropped afterwards. */
async function importInPostgres(file: string, url: string): Promise<ChildResult> {
  const { default: pg } = await import('pg');
  const name = `hadaf_import_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
    const target = new URL(url);
    target.pathname = `/${name}`;
    return runChild(file, target.toString());
  } finally {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

function importInChild(file: string): ChildResult {
  const db = join(dataDir, 'import-bench.db');
  for (const suffix of ['', '-wal', '-shm']) rmSync(db + suffix, { force: true });
  try {
    return runChild(file, db);
  } finally {
    for (const suffix of ['', '-wal', '-shm']) rmSync(db + suffix, { force: true });
  }
}

function floorInChild(file: string): FloorResult {
  const db = join(dataDir, 'import-floor.db');
  for (const suffix of ['', '-wal', '-shm']) rmSync(db + suffix, { force: true });
  try {
    return runChild(file, db, '--floor') as unknown as FloorResult;
  } finally {
    for (const suffix of ['', '-wal', '-shm']) rmSync(db + suffix, { force: true });
  }
}

function runChild(file: string, db: string, mode = '--child'): ChildResult {
  const result = spawnSync(
    process.execPath,
    [join(root, 'bin/run-ts.js'), join(root, 'bench/import.ts'), mode, file, db],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    },
  );
  if (result.status !== 0) throw new Error(`the import child failed:\n${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').at(-1) as string) as ChildResult;
}

/** sqlite3's own `.import` of the file, its wall time and (by /usr/bin/time) its CPU time. */
function sqliteImport(file: string): Timing {
  const started = performance.now();
  const result = spawnSync(
    '/usr/bin/time',
    ['-f', 'cpu %U %S', '/usr/bin/sqlite3', ':memory:', `.import --csv ${file} t`],
    { encoding: 'utf8' },
  );
  const ms = performance.now() - started;
  if (result.status !== 0) throw new Error(`sqlite3 .import failed: ${result.stderr}`);
  const [user, system] = (/cpu ([\d.]+) ([\d.]+)/.exec(result.stderr) ?? []).slice(1).map(Number);
  return { ms, cpuMs: Math.round(((user ?? 0) + (system ?? 0)) * 1000) };
}

/** A fresh database at `location` with the bench org, its owners (one team) and its accounts. */
async function benchOrg(location: string) {
  const { openStore } = await import('../src/store/db.ts');
  const { migrateToLatest } = await import('../src/store/migrate.ts');
  const { createOrg } = await import('../src/store/org-queries.ts');
  const { createTeam } = await import('../src/store/team-queries.ts');
  const { createUser } = await import('../src/store/user-queries.ts');
  const store = await openStore(location);
  await migrateToLatest(store.db);
  const org = await createOrg(store.db, { name: 'Bench', slug: 'bench', timeZone: 'Asia/Riyadh' }, 0);
  const team = await createTeam(store.db, org.id, { name: 'Sales' }, 0);
  for (let i = 0; i < OWNERS; i++) {
    await createUser(
      store.db,
      org.id,
      { name: `Rep ${i}`, email: `rep${i}@bench.test`, role: 'rep', teamId: team.id },
      0,
    );
  }
  await store.db.transaction().execute(async (tx) => {
    for (let i = 0; i < ACCOUNTS; i += 500) {
      const values = Array.from({ length: 500 }, (_, k) => ({
        org_id: org.id,
        name: `Account ${i + k}`,
        created_at: 0,
      }));
      await tx.insertInto('account').values(values).execute();
    }
  });
  return { store, org, team };
}

/** CPU time of this thread (Linux: /proc/thread-self), in milliseconds. */
function mainThreadCpuMs(): number {
  const stat = readFileSync('/proc/thread-self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * (1000 / CLOCK_TICKS);
}

/** Linux's USER_HZ, the unit of /proc CPU times. */
const CLOCK_TICKS = 100;

/** The child: a fresh database, an org with its owners and accounts, one timed import. */
async function child(file: string, location: string) {
  const { runImport } = await import('../src/services/import/run.ts');
  const { store, org } = await benchOrg(location);
  try {
    const cpuBefore = process.cpuUsage();
    const mainBefore = mainThreadCpuMs();
    const report = await runImport({
      ctx: {
        db: store.db,
        dialect: store.dialect,
        org,
        actor: { kind: 'system', label: 'bench' },
        now: Date.now(),
      },
      input: { stream: createReadStream(file, { highWaterMark: 1 << 16 }), entity: 'deals' },
    });
    const result: ChildResult = {
      rows: report.rows,
      inserted: report.inserted,
      rejectedRows: report.rejectedRows,
      ms: report.ms,
      cpuMs: Math.round(((cpu) => (cpu.user + cpu.system) / 1000)(process.cpuUsage(cpuBefore))),
      mainCpuMs: mainThreadCpuMs() - mainBefore,
      rollupMs: report.rollupMs,
      maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await store.close();
  }
}

/**
 * The floor child: the bench org, then the file's rows written to the deal
 * table by hand, in one transaction on one thread: the CSV parser, a direct
 * reading of each cell (the file's formats, Riyadh's fixed UTC+3), owners and
 * accounts from maps, multi-row INSERTs prepared once, foreign keys off, the
 * unique (org, external id) index kept and the eight others built at the end.
 * No checks, no rollups, no report: what this schema costs at the least.
 */
async function floor(file: string, location: string) {
  const { default: Database } = await import('better-sqlite3');
  const { CsvParser } = await import('../src/import/csv.ts');
  const { ROWS_PER_STATEMENT: ROWS_PER_INSERT } = await import('../src/store/bulk-insert.ts');
  const { store, org, team } = await benchOrg(location);
  await store.close();
  const db = new Database(location);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('mmap_size = 1073741824');
  db.pragma('foreign_keys = OFF');
  const ids = (query: string) =>
    new Map((db.prepare(query).all(org.id) as Array<{ key: string; id: number }>).map((r) => [r.key, r.id]));
  const owners = ids('select email as key, id from app_user where org_id = ?');
  const accounts = ids('select name as key, id from account where org_id = ?');
  const columns = [
    'org_id',
    'external_id',
    'name',
    'account_id',
    'owner_id',
    'team_id',
    'amount',
    'currency',
    'stage',
    'status',
    'created_at',
    'closed_at',
    'product',
    'channel',
  ];
  const statementFor = (count: number) =>
    db.prepare(
      `insert into deal (${columns.join(',')}) values ${Array(count)
        .fill(`(${columns.map(() => '?').join(',')})`)
        .join(',')}`,
    );
  const full = statementFor(ROWS_PER_INSERT);
  const instant = (text: string) => {
    const m = /^(\d{4})-(\d{2})-(\d{2})(?: (\d{1,2}):(\d{2}))?$/.exec(text);
    if (!m) return null;
    const [, y, mo, d, h, mi] = m.map(Number) as number[];
    return Date.UTC(y as number, (mo as number) - 1, d, (h || 0) - 3, mi || 0);
  };
  const cpu = () => ((c) => (c.user + c.system) / 1000)(process.cpuUsage());
  const started = performance.now();
  const cpu0 = cpu();
  db.exec('begin immediate');
  const plain = db
    .prepare(`select m.name as name, m.sql as definition from pragma_index_list('deal') i
      join sqlite_master m on m.type = 'index' and m.name = i.name where i."unique" = 0 and m.sql is not null`)
    .all() as Array<{ name: string; definition: string }>;
  for (const index of plain) db.exec(`drop index "${index.name}"`);
  const parser = new CsvParser();
  let params: unknown[] = [];
  let rows = 0;
  let header = true;
  for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 16 })) {
    for (const { values: v } of parser.push(chunk as string)) {
      if (header) {
        header = false;
        continue;
      }
      const stage = v[6] as string;
      const status = stage === 'Closed Won' ? 'won' : stage === 'Closed Lost' ? 'lost' : 'open';
      params.push(
        org.id,
        v[0],
        v[1],
        accounts.get(v[2] as string) ?? null,
        owners.get(v[3] as string) ?? null,
        team.id,
        Math.round(Number((v[4] as string).replaceAll(',', '')) * 100),
        v[5],
        stage,
        status,
        instant(v[7] as string),
        instant(v[8] as string),
        v[9],
        v[10],
      );
      if (++rows % ROWS_PER_INSERT === 0) {
        full.run(params);
        params = [];
      }
    }
  }
  if (params.length > 0) statementFor(params.length / columns.length).run(params);
  const cpu1 = cpu();
  for (const index of plain) db.exec(index.definition);
  const cpu2 = cpu();
  db.exec('commit');
  const cpu3 = cpu();
  const result: FloorResult = {
    rows,
    ms: performance.now() - started,
    cpuMs: Math.round(cpu3 - cpu0),
    insertCpuMs: Math.round(cpu1 - cpu0),
    indexCpuMs: Math.round(cpu2 - cpu1),
    commitCpuMs: Math.round(cpu3 - cpu2),
    maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  db.close();
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

const main = process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href;
if (main) {
  const args = process.argv.slice(2);
  if (args[0] === '--child') {
    await child(args[1] as string, args[2] as string);
  } else if (args[0] === '--floor') {
    await floor(args[1] as string, args[2] as string);
  } else {
    const sizes = args.length > 0 ? args.map(Number) : undefined;
    const rows = await benchImport({ sizes, log: (line) => process.stderr.write(`${line}\n`) });
    console.table(rows);
  }
}
