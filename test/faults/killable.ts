/**
 * Child process of the kill -9 tests (kill-midway.test.ts): runs one verb on
 * a database and, given a pause point, stops dead inside the verb's open
 * transaction after its Nth INSERT into a table, to tell the parent
 * (`{ paused: n }`), which then kills it with SIGKILL. Without a pause
 * point, or when the verb ends before it, it reports `{ done: result }`,
 * or `{ refused: { code, message } }` when the verb refused with a HadafError.
 * argv: <scenario: import | split | tick> <database location> <JSON options>
 */
import { createReadStream } from 'node:fs';
import SQLite from 'better-sqlite3';
import type {
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from 'kysely';
import pg from 'pg';
import { HadafError } from '../../src/core/errors.ts';
import { applySplit, type SplitRuleInput } from '../../src/services/goals/split.ts';
import { runImport } from '../../src/services/import/run.ts';
import { systemContextFor } from '../../src/services/tracking/org-context.ts';
import { tick } from '../../src/services/tracking/tick.ts';
import type { Db } from '../../src/store/db.ts';
import { openStore } from '../../src/store/db.ts';

export interface PausePoint {
  /** Pause after the `after`th INSERT into `table` has run. */
  table: string;
  after: number;
}

export interface ImportOptions {
  entity: string;
  file: string;
  skipInvalid?: boolean;
  rejectsPath?: string;
  now: number;
  pause?: PausePoint;
}

export interface SplitOptions {
  goalId: number;
  rule: SplitRuleInput;
  now: number;
  pause?: PausePoint;
}

export interface TickOptions {
  now: number;
  webhookTimeoutMs?: number;
  pause?: PausePoint;
}

/**
 * The SQL text each driver last ran: the importer sends precompiled SQL,
 * which Kysely plugins see only as results, so the drivers are watched.
 */
let lastSql = '';
const statement = Object.getPrototypeOf(new SQLite(':memory:').prepare('select 1'));
for (const method of ['run', 'all', 'get', 'iterate']) {
  const original = statement[method];
  statement[method] = function (this: { source: string }, ...args: unknown[]) {
    lastSql = this.source;
    return original.apply(this, args);
  };
}
const pgQuery = pg.Client.prototype.query as (...args: unknown[]) => unknown;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  const config = args[0] as string | { text?: string };
  lastSql = typeof config === 'string' ? config : (config?.text ?? '');
  return pgQuery.apply(this, args);
} as typeof pg.Client.prototype.query;

/** Counts INSERTs into one table and, after the chosen one, hangs forever with the transaction open. */
class PauseInsidePlugin implements KyselyPlugin {
  #seen = 0;
  constructor(
    private readonly point: PausePoint,
    private readonly onPause: (n: number) => void,
  ) {}

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    const into = /^\s*insert\s+into\s+"?(\w+)"?/i.exec(lastSql)?.[1];
    if (into === this.point.table) {
      this.#seen++;
      if (this.#seen === this.point.after) {
        this.onPause(this.#seen);
        await new Promise(() => {}); // the parent kills us here
      }
    }
    return args.result;
  }
}

const [scenario, location, optionsText] = process.argv.slice(2);
if (!scenario || !location || !optionsText || !process.send) {
  throw new Error('usage: fork killable.ts <import|split|tick> <db> <JSON options> with an IPC channel');
}
const send = process.send.bind(process);
const options = JSON.parse(optionsText);
const store = await openStore(location);
const pausing = (db: Db, point: PausePoint | undefined): Db =>
  point ? db.withPlugin(new PauseInsidePlugin(point, (n) => send({ paused: n }))) : db;

async function run(): Promise<unknown> {
  if (scenario === 'import') {
    const o = options as ImportOptions;
    const ctx = await systemContextFor(store, undefined, o.now, 'fault test');
    const report = await runImport({
      ctx: { ...ctx, db: pausing(store.db, o.pause) },
      input: {
        stream: createReadStream(o.file, { highWaterMark: 1 << 16 }),
        entity: o.entity,
        skipInvalid: o.skipInvalid ?? false,
        ...(o.rejectsPath ? { rejectsPath: o.rejectsPath } : {}),
      },
    });
    return {
      committed: report.committed,
      rejectedRows: report.rejectedRows,
      inserted: report.inserted,
      updated: report.updated,
      unchanged: report.unchanged,
    };
  } else if (scenario === 'split') {
    const o = options as SplitOptions;
    const ctx = await systemContextFor(store, undefined, o.now, 'fault test');
    const { children } = await applySplit({
      ctx: { ...ctx, db: pausing(store.db, o.pause) },
      input: { goalId: o.goalId, rule: o.rule },
    });
    return { children: children.length };
  } else if (scenario === 'tick') {
    const o = options as TickOptions;
    return tick({ db: pausing(store.db, o.pause), now: o.now, webhookTimeoutMs: o.webhookTimeoutMs });
  }
  throw new Error(`unknown scenario "${scenario}"`);
}

try {
  send({ done: await run() });
} catch (error) {
  if (!(error instanceof HadafError)) throw error;
  send({ refused: { code: error.code, message: error.message } });
}
await store.close();
process.disconnect();
