/**
 * Progress of goals, computed now from the metric engine: one goal's, or a
 * whole scope's for the dashboard in one call. A team goal's actual is the
 * metric over the team (never an average of its children's progress).
 */
import { assertAllowed, canReadGoal, type Scope } from '../../core/access.ts';
import { notFound } from '../../core/errors.ts';
import { FILTER_KEYS } from '../../core/goals/types.ts';
import { addDays, dayOf, periodBounds, startOfDayMs } from '../../core/periods/index.ts';
import {
  computeProgress,
  type DailyValue,
  type OpenAtStage,
  type PipelineForecast,
  type Progress,
  pipelineForecast,
  type SeasonalBucket,
  stageProbabilities,
} from '../../core/progress/index.ts';
import { findMember, listMembers, listMembersOfTeams } from '../../store/account-queries.ts';
import type { Db } from '../../store/db.ts';
import type { GoalReach } from '../../store/goal-queries.ts';
import {
  closedDealsByStage,
  currentDataVersion,
  listSnapshots,
  type OpenPipelinePiece,
  openPipelinePieces,
  openStageProbabilities,
  type PipelineReach,
  type SnapshotRow,
} from '../../store/progress-queries.ts';
import type { TeamRow } from '../../store/schema.ts';
import { closedDealsByStageOnDays, openStagesFromRollup } from '../../store/stage-rollup.ts';
import type { Ctx } from '../context.ts';
import { type RequestReads, requestReads } from '../metrics/request-reads.ts';
import { resolveScope, type ScopeInput } from '../metrics/scope.ts';
import { cachedForVersion, readerKey } from './dashboard-cache.ts';
import { type Directory, directoryOf } from './recipients.ts';
import { loadGoals, metricReader, type TrackedGoal } from './sources.ts';

/** Stage probabilities learn from the deals closed in the last 365 local days, today included. */
const LEARNING_DAYS = 365;
/** A stock or ratio goal's trend compares with its snapshot from about a week ago. */
const TREND_LOOKBACK_DAYS = 7;

export interface GoalProgressView {
  goal: TrackedGoal;
  progress: Progress;
}

/** The last local day with data at `asOf`: today while it runs, yesterday for an end-of-day reading at midnight. */
const lastDayAt = (asOf: number, timeZone: string) => dayOf(asOf - 1, timeZone);

/**
 * Progress of each goal as of `asOf` (default: now). `asOf` at a local
 * midnight reads the day before as complete: that is how a day's snapshot is
 * taken.
 */
export async function progressOfGoals(
  ctx: Ctx,
  goals: readonly TrackedGoal[],
  asOf: number = ctx.now,
): Promise<Map<number, Progress>> {
  const inputs = await progressInputs(ctx, goals, asOf);
  return new Map(inputs.map((input) => [input.goal.id, progressAt(ctx.org, input, asOf)]));
}

/**
 * What a goal's progress is computed from, read from the data: the same for
 * every instant of one local day while the data stays the same (the
 * dashboard cache keeps it; the time of day only moves the expected value).
 */
export interface ProgressInput {
  goal: TrackedGoal;
  /** The last local day with data when it was read. */
  lastDay: string;
  actual: number | null;
  daily: DailyValue[];
  seasonal: SeasonalBucket[] | null;
  previous: number | null;
  history: number[];
  pipeline: PipelineForecast | null;
}

/**
 * The dashboard cache to share org-wide reads through: its database (the
 * pool's, not the connection a read runs on) and the org's data version,
 * read before.
 */
export interface SharedCache {
  db: Db;
  version: number;
}

/**
 * Reads the data behind each goal's progress as of `asOf` (see
 * progressOfGoals). With a `cache`, the org-wide stage win rates are shared
 * through the dashboard cache. `reads` are the request's (a dashboard has
 * read the teams already).
 */
export async function progressInputs(
  ctx: Ctx,
  goals: readonly TrackedGoal[],
  asOf: number = ctx.now,
  cache?: SharedCache,
  reads: RequestReads = requestReads(ctx),
): Promise<ProgressInput[]> {
  if (goals.length === 0) return [];
  const { org } = ctx;
  const lastDay = lastDayAt(asOf, org.timeZone);

  const forecasts = goals.filter(
    (g) => g.metric === 'revenue' && lastDay >= g.period.start && lastDay <= g.period.end,
  );
  // independent reads (on PostgreSQL their round trips overlap, but for a dashboard's, on one connection)
  const [snapshots, pipelineLearning, measures] = await Promise.all([
    listSnapshots(
      ctx.db,
      org.id,
      goals.map((g) => g.id),
      { from: minDay(goals.map((g) => g.period.start)), to: addDays(lastDay, -1) },
    ),
    forecasts.length > 0 ? learnStages(ctx, lastDay, forecasts, cache, reads) : null,
    // every goal's actual, and last year's months of the seasonal ones, in one query per question
    metricReader(ctx, reads).measure(
      goals.map((goal) => ({
        goal,
        range:
          lastDay >= goal.period.start
            ? { start: goal.period.start, end: minDay([lastDay, goal.period.end]) }
            : null,
      })),
    ),
  ]);

  const snapshotsOf = new Map<number, SnapshotRow[]>();
  for (const s of snapshots) {
    const list = snapshotsOf.get(s.goal_id);
    if (list) list.push(s);
    else snapshotsOf.set(s.goal_id, [s]);
  }
  const cutoff = addDays(lastDay, -TREND_LOOKBACK_DAYS);
  const inputs: ProgressInput[] = [];
  for (const goal of goals) {
    const { actual, seasonal } = measures.get(goal.id) ?? { actual: null, seasonal: null };
    const own = (snapshotsOf.get(goal.id) ?? []).filter((s) => s.day >= goal.period.start);
    inputs.push({
      goal,
      lastDay,
      actual,
      daily: goal.kind === 'flow' ? dailyIncrements(goal, own) : [],
      seasonal,
      previous: own.filter((s) => s.day <= cutoff).at(-1)?.actual ?? null,
      history: own.map((s) => s.actual).filter((v): v is number => v !== null),
      pipeline:
        pipelineLearning && forecasts.includes(goal)
          ? revenuePipeline(goal, actual ?? 0, pipelineLearning)
          : null,
    });
  }
  return inputs;
}

/** A goal's progress at `now` from what was read (pure: no I/O). */
export function progressAt(org: Ctx['org'], input: ProgressInput, now: number): Progress {
  const { goal } = input;
  return computeProgress({
    goal: {
      kind: goal.kind,
      direction: goal.direction,
      target: goal.target,
      stretchTarget: goal.stretchTarget,
      baseline: goal.baseline,
      period: goal.period,
      paceModel: goal.paceModel,
    },
    calendar: {
      timeZone: org.timeZone,
      workingDays: org.workingDays,
      atRiskBelow: org.settings.atRiskBelow,
      offTrackBelow: org.settings.offTrackBelow,
    },
    now,
    actual: input.actual,
    daily: input.daily,
    seasonal: input.seasonal,
    previous: input.previous,
    history: input.history,
    pipeline: input.pipeline,
  });
}

/**
 * What came in each day, from consecutive daily snapshots (the first day of
 * the period counts from zero). A day whose snapshot, or the one before it,
 * is missing is unknown and left out.
 */
function dailyIncrements(goal: TrackedGoal, snapshots: readonly SnapshotRow[]): DailyValue[] {
  const byDay = new Map(snapshots.map((s) => [s.day, s.actual ?? 0]));
  return snapshots.flatMap((s) => {
    const before = s.day === goal.period.start ? 0 : byDay.get(addDays(s.day, -1));
    return before === undefined ? [] : [{ day: s.day, value: (s.actual ?? 0) - before }];
  });
}

/** The earliest of some days ('YYYY-MM-DD' sorts as text). */
const minDay = (days: readonly string[]) => [...days].sort()[0] ?? '0001-01-01';

interface StageLearning {
  probabilities: Map<string, number | null>;
  winRate: number | null;
  teams: TeamRow[];
  /** The owners and teams whose open deals the goals' forecasts need; null for all (an org goal). */
  reach: PipelineReach | null;
  /** The open pipeline pieces per period end day of the forecasts, read with the rates. */
  pieces: Map<string, OpenPipelinePiece[]>;
}

/**
 * Open stages are put in pipeline order by the mean CRM probability of their
 * deals; stages without one stay out of the order and are priced at the
 * plain win rate (see `stageProbabilities`). The rates learn from the deals
 * closed in the LEARNING_DAYS local days up to `lastDay`, whole days, so that
 * they stay the same all day while the data does.
 */
async function learnStages(
  ctx: Ctx,
  lastDay: string,
  forecasts: readonly TrackedGoal[],
  cache: SharedCache | undefined,
  reads: RequestReads,
): Promise<StageLearning> {
  const rates = () => stageRates(ctx, lastDay, reads);
  const teams = await reads.teams();
  const reach = pipelineReach(forecasts, teams);
  // the open pipeline of each period end the forecasts have, read alongside the rates
  const ends = new Map<string, number>();
  for (const { period } of forecasts)
    if (!ends.has(period.end)) ends.set(period.end, periodBounds(period, ctx.org.timeZone).endMs);
  const [learnt, ...pieces] = await Promise.all([
    // org-wide and the same for every reader: one read per data version and day serves every dashboard
    cache === undefined
      ? rates()
      : cachedForVersion(
          cache.db,
          ctx.org.id,
          cache.version,
          `stage-rates|${lastDay}|${ctx.org.timeZone}`,
          rates,
        ),
    ...[...ends.values()].map((endMs) => openPipelinePieces(ctx.db, ctx.org.id, endMs, reach ?? undefined)),
  ]);
  return {
    ...learnt,
    teams,
    reach,
    pieces: new Map([...ends.keys()].map((end, i) => [end, pieces[i] ?? []])),
  };
}

async function stageRates(
  ctx: Ctx,
  lastDay: string,
  reads: RequestReads,
): Promise<Pick<StageLearning, 'probabilities' | 'winRate'>> {
  const days = { first: addDays(lastDay, 1 - LEARNING_DAYS), last: lastDay };
  // a year of the per-day, per-stage rollups when they are built in the org's zone; else a year of deals
  const rolledUp = await reads.rollupsUsable();
  const closedDeals = () => {
    if (rolledUp) return closedDealsByStageOnDays(ctx.db, ctx.org.id, days);
    const window = periodBounds({ start: days.first, end: days.last }, ctx.org.timeZone);
    return closedDealsByStage(ctx.db, ctx.org.id, { fromMs: window.startMs, toMs: window.endMs });
  };
  const openStages = () =>
    rolledUp ? openStagesFromRollup(ctx.db, ctx.org.id) : openStageProbabilities(ctx.db, ctx.org.id);
  const [closed, open] = await Promise.all([closedDeals(), openStages()]);
  const order = open
    .filter((s): s is { stage: string; meanProbability: number } => s.meanProbability !== null)
    .map((s) => ({ stage: s.stage, rank: s.meanProbability }));
  const won = closed.reduce((n, c) => n + c.won, 0);
  const lost = closed.reduce((n, c) => n + c.lost, 0);
  return {
    probabilities: stageProbabilities(order, closed),
    winRate: won + lost > 0 ? won / (won + lost) : null,
  };
}

/** The owners and teams of the goals' scopes (a team with its sub-teams); null when one is the org. */
function pipelineReach(goals: readonly TrackedGoal[], teams: readonly TeamRow[]): PipelineReach | null {
  const ownerIds = new Set<number>();
  const teamIds = new Set<number>();
  for (const { scope } of goals) {
    if (scope.type === 'org' || scope.id === null) return null;
    if (scope.type === 'rep') ownerIds.add(scope.id);
    else for (const id of teamSubtree(teams, scope.id)) teamIds.add(id);
  }
  return { ownerIds: [...ownerIds], teamIds: [...teamIds] };
}

/**
 * The open pipeline of a revenue goal: the pieces of its scope (a team with
 * its sub-teams) and filters, summed per stage. Pieces are read once per
 * period end and shared by every goal ending then.
 */
function revenuePipeline(goal: TrackedGoal, won: number, learning: StageLearning): PipelineForecast | null {
  const subtree = goal.scope.type === 'team' ? teamSubtree(learning.teams, goal.scope.id) : null;
  const byStage = new Map<string, OpenAtStage>();
  for (const piece of learning.pieces.get(goal.period.end) ?? []) {
    if (goal.scope.type === 'rep' && piece.ownerId !== goal.scope.id) continue;
    if (subtree && (piece.teamId === null || !subtree.has(piece.teamId))) continue;
    if (FILTER_KEYS.some((key) => goal.filters[key] !== undefined && piece[key] !== goal.filters[key]))
      continue;
    const into = byStage.get(piece.stage) ?? { stage: piece.stage, count: 0, amount: 0, amountSquared: 0 };
    into.count += piece.count;
    into.amount += piece.amount;
    into.amountSquared += piece.amountSquared;
    byStage.set(piece.stage, into);
  }
  const open = [...byStage.values()].sort((a, b) => (a.stage < b.stage ? -1 : 1));
  return pipelineForecast(won, open, learning.probabilities, learning.winRate);
}

function teamSubtree(teams: readonly TeamRow[], teamId: number | null): Set<number> {
  const root = teams.find((t) => t.id === teamId)?.path;
  return new Set(root ? teams.filter((t) => t.path.startsWith(root)).map((t) => t.id) : []);
}

/** The access-rule view of a goal's scope; needs the team paths of the directory. */
export function accessScopeOf(goal: Pick<TrackedGoal, 'scope'>, directory: Directory): Scope {
  const { type, id } = goal.scope;
  if (type === 'team' && id !== null)
    return { type: 'team', teamId: id, teamPath: directory.teams.get(id)?.path ?? '' };
  if (type === 'rep' && id !== null) {
    return { type: 'rep', userId: id, teamPath: directory.members.get(id)?.team_path ?? null };
  }
  return { type: 'org' };
}

export async function loadDirectory(ctx: Ctx, reads: RequestReads = requestReads(ctx)): Promise<Directory> {
  const [members, teams] = await Promise.all([listMembers(ctx.db, ctx.org.id), reads.teams()]);
  return directoryOf(members, teams);
}

/** Progress of one goal the actor may read. */
export async function goalProgress({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { goalId: number };
}): Promise<GoalProgressView> {
  const [goal] = await loadGoals(ctx, { ids: [input.goalId] });
  if (!goal) throw notFound(`Goal ${input.goalId} does not exist.`);
  const directory = await loadDirectory(ctx);
  assertAllowed(canReadGoal(ctx.actor, accessScopeOf(goal, directory)), 'You cannot see this goal.');
  const progress = (await progressOfGoals(ctx, [goal])).get(goal.id) as Progress;
  return { goal, progress };
}

export interface Dashboard {
  /** The canonical scope: `org`, `team:<id>` or `rep:<id>`, and its name. */
  scope: { text: string; type: 'org' | 'team' | 'rep'; id: number | null; label: string };
  asOf: number;
  goals: GoalProgressView[];
}

/**
 * Every active goal of a scope with its progress, in one call: the org's
 * goals; a team's goals with those of its sub-teams and their reps (children
 * beside their parents, by `parentId`); or one rep's goals. Goals the actor
 * may not read are left out; a scope the actor may not read is refused.
 * Without a scope: the org for admins, a manager's team, a rep's own goals.
 *
 * What it reads is cached (dashboard-cache.ts) under the org's data version,
 * read first, so a write anywhere shows on the next dashboard; only the
 * time of day is applied per call.
 */
export async function dashboard({ ctx, input }: { ctx: Ctx; input: { scope?: string } }): Promise<Dashboard> {
  const read = await cachedDashboard(ctx, input);
  return at(ctx, read, ctx.now);
}

/** What a dashboard read from the data, and its last rendering (see dashboardBody). */
interface DashboardRead {
  scope: Dashboard['scope'];
  inputs: ProgressInput[];
  rendered?: { asOf: number; body: string };
}

async function cachedDashboard(ctx: Ctx, input: { scope?: string }): Promise<DashboardRead> {
  const version = await currentDataVersion(ctx.db, ctx.org.id);
  const { today, lastDay } = localDaysAt(ctx.now, ctx.org.timeZone);
  const key = [readerKey(ctx.actor), input.scope ?? '', today, lastDay, JSON.stringify(ctx.org)].join('|');
  return cachedForVersion<DashboardRead>(ctx.db, ctx.org.id, version, key, () =>
    onOneConnection(ctx, (pinned) => readDashboard(pinned, input, { db: ctx.db, version })),
  );
}

/**
 * Runs a dashboard's reads on one PostgreSQL connection, one query after
 * another. They are some fifteen small queries: run in parallel, they made
 * a pool with too few idle connections open new ones (a new server process
 * each, 20-150 ms apiece, then cold catalogs: most of a cold dashboard),
 * and on two busy cores the overlap saved less than it cost, warm too
 * (bench/dashboard.ts). SQLite has one connection anyway, and holding it
 * across the reads' own computing would stall other requests' queries.
 */
function onOneConnection<T>(ctx: Ctx, work: (ctx: Ctx) => Promise<T>): Promise<T> {
  if (ctx.dialect !== 'postgres' || ctx.db.isTransaction) return work(ctx);
  return ctx.db.connection().execute((db) => work({ ...ctx, db }));
}

/** The local day of the last instant asked about, per time zone: most requests fall on it. */
const lastLocalDay = new Map<string, { day: string; startMs: number; endMs: number }>();

/** `dayOf(now)` and `lastDayAt(now)`, without a time-zone conversion while `now` stays on one local day. */
function localDaysAt(now: number, timeZone: string): { today: string; lastDay: string } {
  let known = lastLocalDay.get(timeZone);
  if (!known || now < known.startMs || now >= known.endMs) {
    const day = dayOf(now, timeZone);
    known = { day, startMs: startOfDayMs(day, timeZone), endMs: startOfDayMs(addDays(day, 1), timeZone) };
    lastLocalDay.set(timeZone, known);
  }
  return { today: known.day, lastDay: now > known.startMs ? known.day : addDays(known.day, -1) };
}

const at = (ctx: Ctx, read: DashboardRead, asOf: number): Dashboard => ({
  scope: read.scope,
  asOf,
  goals: read.inputs.map((i) => ({ goal: i.goal, progress: progressAt(ctx.org, i, asOf) })),
});

/**
 * The dashboard as the text of its response, as of the start of the
 * current second (`asOf` says so): rendered by `render` (the route's
 * serializer) once per reader, data version and second, then sent as is.
 * Only the time of day moves the figures between writes, and a second of
 * it is under a millionth of a quarter; a write shows on the next request,
 * as with `dashboard`.
 */
export async function dashboardBody(
  { ctx, input }: { ctx: Ctx; input: { scope?: string } },
  render: (board: Dashboard) => string,
): Promise<string> {
  const asOf = ctx.now - (ctx.now % 1000);
  const read = await cachedDashboard(ctx, input);
  if (read.rendered?.asOf === asOf) return read.rendered.body;
  const body = render(at(ctx, read, asOf));
  read.rendered = { asOf, body };
  return body;
}

/** The dashboard's goals and what their progress is computed from, for the actor. */
async function readDashboard(
  ctx: Ctx,
  input: { scope?: string },
  cache: SharedCache,
): Promise<DashboardRead> {
  // what the scope, the directory and the 50 goals' evaluations all read (teams, time zone, people), read once
  const reads = requestReads(ctx);
  // the goals' evaluations start with it: read while the scope resolves rather than on their critical path
  reads.rollupsUsable().catch(() => {});
  const resolved = await resolveScope(
    ctx,
    input.scope === undefined ? defaultScope(ctx) : byId(input.scope),
    reads,
  );
  const teamIds = new Set(resolved.teams.map((t) => t.id));
  // only the people the scope's goals can name: a team's members, or the one rep
  const directory =
    resolved.type === 'org'
      ? await loadDirectory(ctx, reads)
      : directoryOf(
          resolved.type === 'team'
            ? await listMembersOfTeams(ctx.db, ctx.org.id, [...teamIds])
            : [await findMember(ctx.db, ctx.org.id, resolved.id ?? -1)].filter((m) => m !== undefined),
          await reads.teams(),
        );
  const teamOf = (userId: number) => directory.members.get(userId)?.team_id;
  const inScope = (goal: TrackedGoal) => {
    if (resolved.type === 'org') return true;
    if (resolved.type === 'rep') return goal.scope.type === 'rep' && goal.scope.id === resolved.id;
    if (goal.scope.type === 'team') return goal.scope.id !== null && teamIds.has(goal.scope.id);
    if (goal.scope.type === 'rep' && goal.scope.id !== null) {
      const teamId = teamOf(goal.scope.id);
      return teamId != null && teamIds.has(teamId);
    }
    return false;
  };
  // Only the scope's goals are read: an org's other thousands stay on disk.
  const reach: GoalReach =
    resolved.type === 'org'
      ? { all: true }
      : resolved.type === 'rep'
        ? { all: false, teamIds: [], userIds: resolved.id === null ? [] : [resolved.id] }
        : {
            all: false,
            teamIds: [...teamIds],
            userIds: [...directory.members.keys()].filter((id) => {
              const teamId = teamOf(id);
              return teamId != null && teamIds.has(teamId);
            }),
          };
  const goals = (await loadGoals(ctx, { status: 'active', reach })).filter(
    (goal) => inScope(goal) && canReadGoal(ctx.actor, accessScopeOf(goal, directory)),
  );
  return {
    scope: { text: resolved.text, type: resolved.type, id: resolved.id, label: resolved.label },
    inputs: await progressInputs(ctx, goals, ctx.now, cache, reads),
  };
}

function defaultScope(ctx: Ctx): ScopeInput {
  const actor = ctx.actor;
  if (actor.kind === 'system' || actor.role === 'admin') return { type: 'org' };
  if (actor.role === 'manager' && actor.teamId !== null) return { type: 'team', id: actor.teamId };
  return { type: 'rep', id: actor.userId };
}

/** `team:<id>` and `rep:<id>` (the canonical text a dashboard returns) name by id; anything else by name. */
function byId(text: string): ScopeInput {
  const match = /^(team|rep):(\d+)$/.exec(text.trim());
  return match ? { type: match[1] as 'team' | 'rep', id: Number(match[2]) } : text;
}

export interface SnapshotView {
  day: string;
  actual: number | null;
  target: number;
  expected: number | null;
  paceRatio: number | null;
  attainment: number | null;
  forecast: number | null;
  forecastLow: number | null;
  forecastHigh: number | null;
  status: Progress['status'];
}

/** The goal's daily snapshots, oldest first: the real history behind a burn-up chart. */
export async function goalHistory({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { goalId: number };
}): Promise<SnapshotView[]> {
  const [goal] = await loadGoals(ctx, { ids: [input.goalId] });
  if (!goal) throw notFound(`Goal ${input.goalId} does not exist.`);
  const directory = await loadDirectory(ctx);
  assertAllowed(canReadGoal(ctx.actor, accessScopeOf(goal, directory)), 'You cannot see this goal.');
  const rows = await listSnapshots(ctx.db, ctx.org.id, [goal.id]);
  return rows.map((r) => ({
    day: r.day,
    actual: r.actual,
    target: r.target,
    expected: r.expected,
    paceRatio: r.pace_ratio,
    attainment: r.attainment,
    forecast: r.forecast,
    forecastLow: r.forecast_low,
    forecastHigh: r.forecast_high,
    status: r.status,
  }));
}
