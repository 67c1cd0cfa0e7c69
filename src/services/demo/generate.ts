import { sql } from 'kysely';
import { HadafError, invalid } from '../../core/errors.ts';
import type { Org } from '../../core/org.ts';
import {
  type BulkTable,
  BulkWriter,
  claimIds,
  syncIdSequences,
  type TableName,
  withIndexesDeferred,
} from '../../store/bulk-insert.ts';
import type { Db } from '../../store/db.ts';
import type { Dialect } from '../../store/dialect.ts';
import { createOrg, findOrgBySlug } from '../../store/org-queries.ts';
import { refreshRollups } from '../../store/rollups.ts';
import { withBulkLoadJournal } from '../../store/sqlite-bulk.ts';
import { FACT_TABLES, generateRepFacts } from './facts.ts';
import { GOAL_TABLES, generateGoals } from './goals.ts';
import { localDate, monthStart, TIME_ZONE, WORKING_DAYS } from './local-time.ts';
import { Random } from './random.ts';
import { planRoster, type Roster } from './roster.ts';
import { generateSpend, SPEND_TABLE } from './spend.ts';
import { DemoStats } from './stats.ts';

export interface DemoOptions {
  /** Any whole number from 0 to 2^53 - 1: the same seed and `now` give the same data, row for row. */
  seed: number;
  /**
   * Whole number ≥ 1: N copies of the sales floor of 31 reps (see roster.ts), each
   * rep with the same workload. 1 ≈ 250k rows (21k deals, 140k activities);
   * rows grow linearly: 144 ≈ 20M activities, 240 ≈ 5M deals and 33M activities.
   */
  scale: number;
  /** The demo's "today" (epoch ms): data runs from January 1 two years earlier up to it. */
  now: number;
  /** Default 'demo'. */
  slug?: string;
  /**
   * Called as work advances: `table` names the step ('team' for the org chart,
   * 'facts' while reps' leads, deals and activities are written, 'spend',
   * 'goal'), `done` of `total` counts its units (reps for 'facts').
   */
  onProgress?: (p: { table: string; done: number; total: number }) => void;
}

export interface DemoResult {
  org: Org;
  /** Rows written per table, including the org itself. */
  rows: Record<string, number>;
  totalRows: number;
  /** Time to generate and write the rows. */
  ms: number;
  /** Time to build the metric rollups over them, after the rows. */
  rollupMs: number;
}

export const DEMO_ORG_NAME = 'Nakhla Software';
export const DEFAULT_DEMO_SLUG = 'demo';
const MAX_SCALE = 10_000;
/** Rows buffered before a flush (whole reps only, so foreign keys resolve). */
const FLUSH_ROWS = 20_000;

const ROSTER_TABLES: readonly BulkTable[] = [
  { name: 'team', columns: ['id', 'org_id', 'name', 'parent_id', 'manager_id', 'path', 'created_at'] },
  {
    name: 'app_user',
    columns: [
      'id',
      'org_id',
      'name',
      'email',
      'role',
      'team_id',
      'segment',
      'hired_at',
      'left_at',
      'locale',
      'created_at',
    ],
  },
  { name: 'team_membership', columns: ['id', 'org_id', 'user_id', 'team_id', 'from_at', 'to_at'] },
];
/** Every table the demo writes, parents before children. */
const TABLES: readonly BulkTable[] = [...ROSTER_TABLES, ...FACT_TABLES, SPEND_TABLE, ...GOAL_TABLES];
const TABLE_NAMES: readonly TableName[] = TABLES.map((t) => t.name);
/** The tables that grow with scale: their indexes are built after the load. */
const BIG_TABLES: readonly TableName[] = ['account', 'lead', 'deal', 'subscription', 'activity', 'coaching'];

/**
 * Loads the demo company "Nakhla Software" (SAR, Asia/Riyadh, fiscal year from
 * January, Sunday–Thursday week) with two full years of history plus the
 * current year up to `now`, and goals for the current year. Deterministic for
 * a seed and `now`. Refuses to run when an org with the slug exists.
 *
 * Everything is generated rep by rep and written in multi-row batches as it
 * goes, so memory stays flat at any scale, all in one transaction: the org is
 * there whole or not at all, even if the process dies. On a fresh database
 * the big tables' indexes are built once at the end (see withIndexesDeferred),
 * and SQLite loads with a rollback journal instead of its write-ahead log
 * (see withBulkLoadJournal).
 */
export async function generateDemo(
  store: { db: Db; dialect: Dialect },
  options: DemoOptions,
): Promise<DemoResult> {
  const started = performance.now();
  checkOptions(options);
  const { seed, scale, now } = options;
  const slug = options.slug ?? DEFAULT_DEMO_SLUG;
  const { db, dialect } = store;

  const currentYear = localDate(now).year;
  const firstYear = currentYear - 2;
  const orgRng = new Random(seed, 1);
  const growth = orgRng.between(0.11, 0.14);
  const stats = new DemoStats(
    3,
    [0, 1, 2].map((y) => monthStart(firstYear + y, 0)),
  );
  const progress = options.onProgress ?? (() => {});
  let loadedAt = started;

  // One transaction: a demo org is loaded whole or not at all, even if the process dies.
  const load = () =>
    db.transaction().execute(async (trx) => {
      if (await findOrgBySlug(trx, slug)) {
        throw new HadafError(
          'conflict',
          `This database already has an org with the slug "${slug}": load the demo under another slug ` +
            '(--slug) or into a fresh database (--db).',
          'slug',
        );
      }
      const ids = await claimIds(trx, dialect, TABLE_NAMES);
      const writer = new BulkWriter(trx, dialect, TABLES);
      const org = await createOrg(
        trx,
        {
          name: DEMO_ORG_NAME,
          slug,
          currency: 'SAR',
          timeZone: TIME_ZONE,
          fiscalYearStartMonth: 1,
          weekStart: 0,
          workingDays: WORKING_DAYS,
        },
        now,
      );
      const roster = planRoster({
        rng: orgRng,
        scale,
        now,
        firstYear,
        firstTeamId: ids.team,
        firstUserId: ids.app_user,
      });
      writeRoster(writer, org.id, roster, ids, monthStart(firstYear - 6, 0));
      progress({ table: 'team', done: roster.teams.length, total: roster.teams.length });
      const ctx = {
        orgId: org.id,
        currency: org.currency,
        seed,
        now,
        firstYear,
        growth,
        roster,
        stats,
        writer,
        ids,
      };
      await withIndexesDeferred(trx, dialect, BIG_TABLES, async () => {
        for (const [index, rep] of roster.reps.entries()) {
          generateRepFacts(ctx, rep);
          if (writer.buffered >= FLUSH_ROWS) await writer.flush();
          progress({ table: 'facts', done: index + 1, total: roster.reps.length });
        }
        await writer.flush();
      });
      generateSpend(ctx, new Random(seed, 2));
      progress({ table: 'spend', done: 1, total: 1 });
      generateGoals(ctx);
      progress({ table: 'goal', done: 1, total: 1 });
      await writer.flush();
      await syncIdSequences(trx, dialect, TABLE_NAMES);
      loadedAt = performance.now();
      // Like every writer of facts, the demo keeps the metric rollups current; in the same transaction.
      await refreshRollups(trx, org.id);
      return { org, written: writer.written };
    });
  const { org, written } = await withBulkLoadJournal(store, load);
  const rollupMs = performance.now() - loadedAt;
  // PostgreSQL plans by its statistics, which a bulk load leaves empty until autovacuum gets to it
  // (never, where it is off): the open-pipeline query took 1-2 s at scale 240 without them.
  if (store.dialect === 'postgres') await sql`analyze`.execute(store.db);

  const rows: Record<string, number> = { org: 1 };
  for (const table of TABLE_NAMES) rows[table] = written[table] ?? 0;
  const totalRows = Object.values(rows).reduce((a, b) => a + b, 0);
  return { org, rows, totalRows, ms: loadedAt - started, rollupMs };
}

function writeRoster(
  writer: BulkWriter,
  orgId: number,
  roster: Roster,
  ids: Record<TableName, number>,
  foundedAt: number,
) {
  for (const team of roster.teams) {
    writer.add('team', [team.id, orgId, team.name, team.parentId, team.managerId, team.path, foundedAt]);
  }
  for (const user of roster.users) {
    writer.add('app_user', [
      user.id,
      orgId,
      user.name,
      user.email,
      user.role,
      user.teamId,
      user.segment,
      user.hiredAt,
      user.leftAt,
      user.locale,
      user.hiredAt,
    ]);
    for (const m of user.memberships) {
      writer.add('team_membership', [ids.team_membership++, orgId, user.id, m.teamId, m.from, m.to]);
    }
  }
  ids.team += roster.teams.length;
  ids.app_user += roster.users.length;
}

function checkOptions({ seed, scale, now, slug }: DemoOptions) {
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw invalid(
      `The seed must be a whole number from 0 to ${Number.MAX_SAFE_INTEGER}, not ${seed}.`,
      'seed',
    );
  }
  if (!Number.isInteger(scale) || scale < 1 || scale > MAX_SCALE) {
    throw invalid(`The scale must be a whole number from 1 to ${MAX_SCALE}, not ${scale}.`, 'scale');
  }
  if (!Number.isFinite(now) || localDate(now).year < 2000 || localDate(now).year > 9000) {
    throw invalid('"now" must be a date between the years 2000 and 9000.', 'now');
  }
  if (slug != null && !/^[a-z0-9][a-z0-9-]{0,62}$/.test(slug)) {
    throw invalid(
      `"${slug}" is not a valid slug: use lowercase letters, digits and dashes (up to 63), e.g. demo-2.`,
      'slug',
    );
  }
}
