/**
 * HTTP benchmark (issue 10): GET /api/dashboard of the bench team (50 goals,
 * see dashboard.ts) as its signed-in manager, 50 connections for 20 s with
 * autocannon, against the real server on 127.0.0.1 (an ephemeral port);
 * beside GET /api/health under the same load in the same run.
 *
 *   node bin/run-ts.js bench/http.ts --db bench/data/demo-scale-240.db [--seconds 20]
 */

import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { buildServer } from '../src/server/app.ts';
import { startSession } from '../src/services/accounts/sessions.ts';
import { openStore } from '../src/store/db.ts';
import { migrateToLatest } from '../src/store/migrate.ts';
import { benchTeam, DATA_NOW } from './dashboard.ts';
import type { BenchRow } from './types.ts';

const TARGET_RPS = 2_000;
const CONNECTIONS = 50;

export interface HttpBenchOptions {
  db: string;
  org?: string;
  seconds?: number;
  log?: (line: string) => void;
}

interface Load {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

/** What this benchmark reads of autocannon's result (the package ships no types). */
interface AutocannonResult {
  requests: { average: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}
type Autocannon = (
  options: { url: string; connections: number; duration: number; headers: Record<string, string> },
  done: (error: Error | null, result: AutocannonResult) => void,
) => unknown;

async function load(url: string, cookie: string, seconds: number): Promise<Load> {
  // @ts-expect-error: autocannon has no type declarations; its shape is AutocannonResult above
  const autocannon = (await import('autocannon')).default as Autocannon;
  return new Promise((resolve, reject) => {
    autocannon({ url, connections: CONNECTIONS, duration: seconds, headers: { cookie } }, (error, result) => {
      if (error) return reject(error);
      resolve({
        rps: result.requests.average,
        p50: result.latency.p50,
        p99: result.latency.p99,
        non2xx: result.non2xx,
        errors: result.errors,
        timeouts: result.timeouts,
      });
    });
  });
}

export async function benchHttp(options: HttpBenchOptions): Promise<BenchRow[]> {
  const log = options.log ?? (() => {});
  const seconds = options.seconds ?? 20;
  const store = await openStore(options.db);
  try {
    await migrateToLatest(store.db);
    const team = await benchTeam(store, options.org, DATA_NOW);
    const session = await startSession(store.db, DATA_NOW, team.org.id, team.managerId);
    // the server's clock is the data's: the session is fresh and the goals are live
    const app = await buildServer({ store, now: () => DATA_NOW, logger: false, mailer: null });
    await app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const { port } = app.server.address() as AddressInfo;
      const base = `http://127.0.0.1:${port}`;
      const cookie = `hadaf_session=${session.token}`;
      const dashboardUrl = `${base}/api/dashboard?scope=team:${team.teamId}`;
      const probe = await fetch(dashboardUrl, { headers: { cookie } });
      const body = (await probe.json()) as { goals?: unknown[] };
      if (probe.status !== 200 || body.goals?.length !== 50) {
        throw new Error(`GET /api/dashboard answered ${probe.status} with ${body.goals?.length} goals.`);
      }
      log(`http: ${CONNECTIONS} connections × ${seconds} s on /api/dashboard, then /api/health`);
      const board = await load(dashboardUrl, cookie, seconds);
      const health = await load(`${base}/api/health`, cookie, seconds);
      const failures = (r: Load) =>
        r.non2xx + r.errors > 0 ? `; ${r.non2xx} non-2xx, ${r.errors} errors (${r.timeouts} timeouts)` : '';
      return [
        {
          name: `HTTP GET /api/dashboard (50 goals, signed-in manager), ${CONNECTIONS} connections × ${seconds} s`,
          figure: `${Math.round(board.rps).toLocaleString('en')} req/s, p50 ${board.p50} ms, p99 ${board.p99} ms${failures(board)}`,
          target: `≥ ${TARGET_RPS.toLocaleString('en')} req/s${board.rps >= TARGET_RPS ? ' ✓' : ' ✗'}`,
          reference: `GET /api/health: ${Math.round(health.rps).toLocaleString('en')} req/s, p99 ${health.p99} ms${failures(health)}`,
          ratio: `${((board.rps / health.rps) * 100).toFixed(0)}% of the trivial route's rate`,
        },
      ];
    } finally {
      await app.close();
    }
  } finally {
    await store.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  const option = (flag: string) => {
    const i = args.indexOf(flag);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const db = option('--db');
  if (!db) {
    process.stderr.write('usage: bench/http.ts --db <sqlite file or postgres url> [--seconds 20]\n');
    process.exit(2);
  }
  const rows = await benchHttp({
    db,
    org: option('--org'),
    seconds: Number(option('--seconds') ?? 20),
    log: (l) => process.stderr.write(`${l}\n`),
  });
  for (const r of rows)
    process.stdout.write(`| ${r.name} | ${r.figure} | ${r.target} | ${r.reference} | ${r.ratio} |\n`);
}
