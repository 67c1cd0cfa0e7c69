import { invalid } from '../../core/errors.ts';
import {
  type BreakdownBy,
  everyWindowTouched,
  FILTER_NAMES,
  type FilterName,
  type MetricDef,
  type MetricFilters,
  type MetricValue,
  metricValue,
  newCustomerSince,
  type PartName,
  type Parts,
  type Source,
  spendIn,
  spendRecorded,
  touchWindowsDue,
  turnoverParts,
  type ValueContext,
} from '../../core/metrics/index.ts';
import { addDays, type Day, dayOf, periodBounds, startOfDayMs } from '../../core/periods/index.ts';
import { dayNumber } from '../../store/metric-local-day.ts';
import { rawFlows, rawStocks } from '../../store/metric-raw.ts';
import { rollupCanAnswer, rollupFlows, rollupStocks } from '../../store/metric-rollup.ts';
import {
  newAccountTouches,
  openPipeline,
  type RevenueTarget,
  repTenures,
  revenueTargets,
  spendRows,
} from '../../store/metric-special.ts';
import type { GroupBy, GroupKey, PartQuery, PartRows } from '../../store/metric-sql.ts';
import type { Ctx } from '../context.ts';
import { PartGrid } from './grid.ts';
import { type RequestReads, requestReads } from './request-reads.ts';
import type { ResolvedScope } from './scope.ts';

/**
 * One evaluation: a metric for one scope, many periods and (optionally)
 * the groups of a breakdown, in as few queries as the metric's sources
 * need. The steps are plain: validate, read parts (rollups when they can
 * answer, else the facts) into a grid of groups × periods, regroup teams
 * under the scope's child teams, add the members that had nothing, decide
 * "no data" per period; values are computed from the parts when a cell is
 * asked for, so a series builds each of its thousands of cells once.
 *
 * Several metrics asked the same question (scope, filters, breakdown and
 * periods: the goals of one dashboard) are evaluated together
 * (`evaluateGrids`): their parts are read together (one query from the
 * rollups, one per source from the facts), then each metric gets the grid
 * it would have had alone.
 */

export type Engine = 'auto' | 'raw';

/** What an evaluation asks, whatever the metric. */
export interface Question {
  scope: ResolvedScope;
  filters: MetricFilters;
  by: BreakdownBy | null;
  periods: ReadonlyArray<{ start: Day; end: Day }>;
  engine?: Engine;
  /** For pipeline_coverage without a breakdown: the revenue target to cover, instead of the goal's. */
  target?: number;
  /** What the request's evaluations share (default: this evaluation's own). */
  reads?: RequestReads;
}

export interface Evaluation extends Question {
  def: MetricDef;
}

/** A group's value in a period, with the parts it was computed from (every part the metric reads, 0 when nothing counted). */
export interface Cell extends MetricValue {
  key: GroupKey;
  label: string;
  parts: Parts;
}

export interface BucketResult {
  /** False when a source of the metric has no data reaching the period: every value is null ("no data"). */
  covered: boolean;
  total: Cell;
  /** The breakdown's rows (empty without one), best first; their flows add up to the total. */
  rows: Cell[];
}

export interface EvaluationResult {
  /** Which layer answered: the rollups, or the facts themselves. */
  source: 'rollup' | 'raw';
  buckets: BucketResult[];
}

/** An evaluation's parts, with the figure of any cell computed on demand. */
export interface Evaluated {
  source: 'rollup' | 'raw';
  /** Per period: does every source of the metric have data reaching it? */
  covered: boolean[];
  /** The breakdown's groups (none without one), in the order they were met; every group has every period. */
  groups: ReadonlyArray<{ key: GroupKey; label: string }>;
  /**
   * The scope's total (`group` null) or a group's figure in each period,
   * each made by `make` from the value and the parts: the caller's own
   * object (a point, a cell), built once.
   */
  figures<T>(group: number | null, make: (bucket: number, value: MetricValue, parts: Parts) => T): T[];
}

const TOTAL_KEY = 0;
const NO_DATA: MetricValue = { value: null, reason: 'no_data' };

/** The evaluation as one bucket per period, each with its total and its rows sorted best first. */
export async function evaluate(ctx: Ctx, request: Evaluation): Promise<EvaluationResult> {
  const evaluated = await evaluateGrid(ctx, request);
  const cell = (key: GroupKey, label: string) => (_: number, value: MetricValue, parts: Parts) => {
    const out: Cell = { key, label, value: value.value, parts };
    if (value.reason !== undefined) out.reason = value.reason;
    return out;
  };
  const totals = evaluated.figures(null, cell(TOTAL_KEY, request.scope.label));
  const perGroup = evaluated.groups.map((group, g) => evaluated.figures(g, cell(group.key, group.label)));
  return {
    source: evaluated.source,
    buckets: request.periods.map((_, b) => ({
      covered: evaluated.covered[b] ?? false,
      total: totals[b] as Cell,
      rows: bestFirst(
        perGroup.map((cells) => cells[b] as Cell),
        request.def,
      ),
    })),
  };
}

export async function evaluateGrid(ctx: Ctx, request: Evaluation): Promise<Evaluated> {
  const [evaluated] = await evaluateGrids(ctx, request, [request.def]);
  return evaluated as Evaluated;
}

/**
 * Each metric of `defs` over the same question, in the order given: the
 * flow and stock parts of all of them read together, the rest per metric
 * (from the request's `reads` where they are alike). Each result is what
 * `evaluateGrid` gives for that metric alone.
 */
export async function evaluateGrids(
  ctx: Ctx,
  question: Question,
  defs: readonly MetricDef[],
): Promise<Evaluated[]> {
  const { scope, filters, by, periods } = question;
  for (const def of defs) validate(def, scope, filters, by);
  const reads = question.reads ?? requestReads(ctx);
  const tz = ctx.org.timeZone;
  const groupBy: GroupBy = by === 'rep' ? 'owner' : by;
  const query: PartQuery = { orgId: ctx.org.id, timeZone: tz, scope: scope.filter, filters, groupBy };
  const buckets = periods.map((p) => ({ first: dayNumber(p.start), last: dayNumber(p.end) }));

  // the labels depend on the question only: made once for all the metrics
  let labels: Promise<Labels> | undefined;
  const labelsOnce = () => {
    labels ??= labeler(ctx, question, reads);
    return labels;
  };
  // Where the data begins, and the labels, are read while the parts are (each metric awaits them
  // later, which is where a failure shows): on PostgreSQL, two round trips fewer one after another.
  reads.dataStarts(defs.flatMap(coverageSources)).catch(() => {});
  if (by !== null) labelsOnce().catch(() => {});

  const flowParts = [...new Set(defs.flatMap((d) => d.flows))];
  const stockParts = [...new Set(defs.flatMap((d) => d.stocks))];
  const rollup =
    question.engine !== 'raw' &&
    (flowParts.length > 0 || stockParts.length > 0) &&
    rollupCanAnswer(query) &&
    (await reads.rollupsUsable());
  const flows = rollup ? rollupFlows : rawFlows;
  const stocks = rollup ? rollupStocks : rawStocks;
  const [flowRows, stockRows] = await Promise.all([
    flowParts.length > 0 ? flows(ctx.db, { ...query, parts: flowParts, buckets }) : undefined,
    // Stocks are read at each period's first day and the day after its last: bucket 2b and 2b + 1.
    stockParts.length > 0
      ? stocks(ctx.db, { ...query, stocks: stockParts, at: buckets.flatMap((b) => [b.first, b.last + 1]) })
      : undefined,
  ]);
  return Promise.all(
    defs.map((def) =>
      gridOf(ctx, { ...question, def }, { reads, labels: labelsOnce, rollup, flowRows, stockRows, query }),
    ),
  );
}

/** What one question read for all its metrics. */
interface Read {
  reads: RequestReads;
  labels: () => Promise<Labels>;
  rollup: boolean;
  flowRows: PartRows | undefined;
  stockRows: PartRows | undefined;
  query: PartQuery;
}

/** One metric's grid from the parts read for its question, and the reads only it needs. */
async function gridOf(ctx: Ctx, request: Evaluation, read: Read): Promise<Evaluated> {
  const { def, filters, by, periods } = request;
  const { query } = read;
  const tz = ctx.org.timeZone;
  const useRollup = read.rollup && (def.flows.length > 0 || def.stocks.length > 0);

  // Every cell lists every part the metric reads, whichever groups had rows.
  const grid = new PartGrid(periods.length, partNames(def));
  if (def.flows.length > 0 && read.flowRows) grid.addRows(onlyParts(read.flowRows, def.flows));
  if (def.stocks.length > 0 && read.stockRows) {
    const rows = read.stockRows;
    for (const stock of def.stocks) {
      const values = rows.parts[stock] ?? [];
      rows.keys.forEach((key, r) => {
        const at = rows.buckets[r] as number;
        const name: PartName = at % 2 === 0 ? `${stock}_start` : `${stock}_end`;
        grid.addAt(grid.cellOf(Math.floor(at / 2), key), name, values[r] as number);
      });
    }
  }
  const covered = await coverage(ctx, def, periods, read.reads);
  // Instant bounds cost a few time-zone lookups each: only turnover and the pipeline need them, and
  // consecutive periods share an edge, so the zone is asked once per day.
  const startOf = memo((day: Day) => startOfDayMs(day, tz));
  const bounds = def.special.some((s) => s === 'turnover' || s === 'pipeline')
    ? periods.map((p) => ({ startMs: startOf(p.start), endMs: startOf(addDays(p.end, 1)) }))
    : [];
  if (def.special.includes('spend')) {
    const rows = await spendRows(ctx.db, ctx.org.id, spanOf(periods));
    periods.forEach((p, b) => {
      covered[b] = (covered[b] ?? false) && spendRecorded(rows, p);
      const channels = new Map<string | null, typeof rows>();
      for (const row of rows) {
        if (filters.channel !== undefined && row.channel !== filters.channel) continue;
        const key = by === 'channel' ? row.channel : TOTAL_KEY;
        channels.set(key as string | null, [...(channels.get(key as string | null) ?? []), row]);
      }
      for (const [key, list] of channels) {
        const spend = spendIn(list, p);
        if (spend !== 0) grid.add(b, key, { spend });
      }
    });
  }
  const add: Add = (bucket, key, parts) => grid.add(bucket, key, parts);
  if (def.special.includes('turnover')) await addTurnover(ctx, request, bounds, add);
  if (def.special.includes('touch')) await addTouches(ctx, request, query, add);
  if (def.special.includes('pipeline')) grid.addRows(await openPipeline(ctx.db, query, bounds));

  const labels = await read.labels();
  const targets = def.special.includes('pipeline') ? await revenueTargets(ctx.db, ctx.org.id, periods) : [];
  const groups = by === null ? null : regroup(grid, request, labels);
  const groupList = groups === null ? [] : groups.keys.map((key) => ({ key, label: labels.of(key) }));
  const pipeline = def.special.includes('pipeline');
  const contexts = periods.map((period) => ({ period, grossMargin: ctx.org.settings.grossMargin }));
  const valueIn = (b: number, parts: Parts, key: GroupKey | 'total'): MetricValue => {
    if (pipeline) {
      const target = targetFor(request, targets, periods[b] as { start: Day; end: Day }, key);
      if (target !== undefined) parts.target = target;
    }
    return covered[b] ? metricValue(def, parts, contexts[b] as ValueContext) : NO_DATA;
  };
  return {
    source: useRollup ? 'rollup' : 'raw',
    covered,
    groups: groupList,
    figures: (g, make) => {
      const out = [];
      for (let b = 0; b < periods.length; b++) {
        // The groups partition the scope: the total is every row read, grouped or not.
        const parts = g === null ? grid.sumOfRows(b) : (groups as PartGrid).partsAt(g, b);
        const key = g === null ? 'total' : ((groups as PartGrid).keys[g] as GroupKey);
        out.push(make(b, valueIn(b, parts, key), parts));
      }
      return out;
    },
  };
}

function validate(def: MetricDef, scope: ResolvedScope, filters: MetricFilters, by: BreakdownBy | null) {
  for (const [name, value] of Object.entries(filters)) {
    if (!FILTER_NAMES.includes(name as FilterName)) {
      throw invalid(`"${name}" is not a filter: use ${FILTER_NAMES.join(', ')}.`, 'filters');
    }
    if (!def.filters.includes(name as FilterName)) {
      const accepted = def.filters.length === 0 ? 'no filters' : `only ${def.filters.join(', ')}`;
      throw invalid(`${def.id} cannot be filtered by ${name}: it accepts ${accepted}.`, name);
    }
    if (typeof value !== 'string' || value.trim() === '') {
      throw invalid(`The ${name} filter needs a value, e.g. ${name}=web.`, name);
    }
  }
  if (!def.scopes.includes(scope.type)) {
    throw invalid(`${def.id} is measured for ${def.scopes.join(' or ')}, not for a ${scope.type}.`, 'scope');
  }
  if (by !== null && !def.breakdowns.includes(by)) {
    const accepted = def.breakdowns.length === 0 ? 'nothing' : def.breakdowns.join(', ');
    throw invalid(`${def.id} cannot be broken down by ${by}: it can be by ${accepted} (or by period).`, 'by');
  }
}

/** The days from the earliest start to the latest end (days sort as text). */
const spanOf = (periods: ReadonlyArray<{ start: Day; end: Day }>) => ({
  start: periods.map((p) => p.start).sort()[0] as Day,
  end: periods
    .map((p) => p.end)
    .sort()
    .at(-1) as Day,
});

/** Rows with only the columns of `parts` (rows read for several metrics, given to one). */
function onlyParts(rows: PartRows, parts: readonly PartName[]): PartRows {
  const own: PartRows['parts'] = {};
  for (const part of parts) {
    const values = rows.parts[part as keyof PartRows['parts']];
    if (values) own[part as keyof PartRows['parts']] = values;
  }
  return { buckets: rows.buckets, keys: rows.keys, parts: own };
}

/** The fact tables whose first row tells whether a metric has data (spend and reps are judged otherwise). */
const coverageSources = (def: MetricDef) =>
  def.sources.filter((s): s is Exclude<Source, 'spend' | 'rep'> => s !== 'spend' && s !== 'rep');

/**
 * Per period: does every source of the metric have data from before the
 * period's end? An instant is before the first instant of the day after P
 * exactly when its local day is in P or earlier: one time-zone lookup per
 * source, none per period.
 */
async function coverage(
  ctx: Ctx,
  def: MetricDef,
  periods: ReadonlyArray<{ end: Day }>,
  reads: RequestReads,
): Promise<boolean[]> {
  const tables = coverageSources(def);
  const starts = await reads.dataStarts(tables);
  const firstDays = tables.map((s) => {
    const start = starts[s];
    return start === null || start === undefined ? null : dayOf(start, ctx.org.timeZone);
  });
  // Days sort as text.
  return periods.map((p) => firstDays.every((day) => day !== null && day <= p.end));
}

type Add = (bucket: number, key: GroupKey, parts: Parts) => void;

async function addTurnover(
  ctx: Ctx,
  request: Evaluation,
  bounds: ReadonlyArray<{ startMs: number; endMs: number }>,
  add: Add,
) {
  const reps = await repTenures(ctx.db, ctx.org.id);
  const inScope = new Set(request.scope.teams.map((t) => t.id));
  const place = (teamId: number | null): GroupKey | undefined => {
    if (request.scope.type === 'team' && (teamId === null || !inScope.has(teamId))) return undefined;
    return request.by === 'team' ? teamId : TOTAL_KEY;
  };
  bounds.forEach((b, bucket) => {
    for (const [key, parts] of turnoverParts(reps, b, place)) add(bucket, key, { ...parts });
  });
}

async function addTouches(ctx: Ctx, request: Evaluation, query: PartQuery, add: Add) {
  const tz = ctx.org.timeZone;
  const rule = {
    monthlyFor: ctx.org.settings.touchMonthlyForMonths,
    everyDays: ctx.org.settings.touchEveryDaysAfter,
  };
  const since = request.periods.map((p) => newCustomerSince(p.end));
  const earliest = [...since].sort()[0] as Day;
  const ends = request.periods.map((p) => periodBounds(p, tz).endMs);
  const latestEnd = Math.max(...ends);
  const startOf = memo((day: Day) => startOfDayMs(day, tz));
  // A window judged in a period ends in it and lasts at most a month (31 days) or `everyDays`:
  // touches from before that cannot count, which spares reading a year of activities.
  const longestWindow = Math.max(31, Math.floor(rule.everyDays));
  const firstStart = request.periods.map((p) => p.start).sort()[0] as Day;
  const { accounts, touches } = await newAccountTouches(ctx.db, query, {
    acquiredFromMs: startOf(earliest),
    acquiredToMs: latestEnd,
    touchFromMs: startOf(addDays(firstStart, -longestWindow)),
    touchToMs: latestEnd,
  });
  const lastEnd = request.periods
    .map((p) => p.end)
    .sort()
    .at(-1) as Day;
  const dayOfAcquisition = localDayFinder(earliest, lastEnd, startOf);
  const acquiredDays = new Map(accounts.map((a) => [a.id, dayOfAcquisition(a.acquiredAt)]));
  request.periods.forEach((period, bucket) => {
    const [fromMs, toMs] = [startOf(since[bucket] as Day), ends[bucket] as number];
    // Windows depend only on the acquisition day: customers acquired on one day share them.
    const windowsFrom = memo((acquired: Day) =>
      touchWindowsDue(acquired, period, rule).map((w) => ({
        start: startOf(w.start),
        end: startOf(addDays(w.end, 1)) - 1,
      })),
    );
    for (const account of accounts) {
      if (account.acquiredAt < fromMs || account.acquiredAt >= toMs) continue;
      // A customer who left before the period ended is no longer one to keep in touch with.
      if (account.churnedAt !== null && account.churnedAt < toMs) continue;
      const asInstants = windowsFrom(acquiredDays.get(account.id) as Day);
      if (asInstants.length === 0) continue;
      const met = everyWindowTouched(asInstants, touches.get(account.id) ?? []);
      const key: GroupKey =
        request.by === null
          ? TOTAL_KEY
          : request.by === 'rep'
            ? account.owner
            : request.by === 'team'
              ? account.team
              : account.dims[request.by as 'channel' | 'segment' | 'industry'];
      add(bucket, key, { touch_due: 1, touch_met: met ? 1 : 0 });
    }
  });
}

/**
 * The local day of instants between the first instant of `first` and the end
 * of `last`, by binary search over those days' first instants: the same
 * answer as `dayOf`, without asking Intl once per row.
 */
function localDayFinder(first: Day, last: Day, startOf: (day: Day) => number): (ms: number) => Day {
  const days: Day[] = [];
  for (let day = first; day <= last; day = addDays(day, 1)) days.push(day);
  const starts = days.map(startOf);
  return (ms) => {
    let [lo, hi] = [0, starts.length - 1];
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] as number) <= ms) lo = mid;
      else hi = mid - 1;
    }
    return days[lo] as Day;
  };
}

function memo<K, V>(fn: (k: K) => V): (k: K) => V {
  const cache = new Map<K, V>();
  return (k) => {
    if (!cache.has(k)) cache.set(k, fn(k));
    return cache.get(k) as V;
  };
}

interface Labels {
  of(key: GroupKey): string;
  /** Keys that belong in a breakdown even with nothing to show (a leaderboard lists every rep). */
  members: GroupKey[];
  /** Raw team id → the scope's child team (or the scope team itself) it rolls up to. */
  teamOf(teamId: GroupKey): GroupKey;
}

async function labeler(ctx: Ctx, request: Question, reads: RequestReads): Promise<Labels> {
  const { by, scope } = request;
  if (by === 'rep') {
    // several reps: only theirs to label
    const users = await reads.people(scope.filter.type === 'reps' ? scope.filter.userIds : undefined);
    const names = new Map(users.map((u) => [u.id, u.name]));
    // Days sort as text, and a later day starts later.
    const firstDay = request.periods.map((p) => p.start).sort()[0];
    const firstStart =
      firstDay === undefined ? Number.POSITIVE_INFINITY : startOfDayMs(firstDay, ctx.org.timeZone);
    const teamIds = new Set(scope.teams.map((t) => t.id));
    // several reps: each one a member, as the one rep of a rep scope is, so that each row is what `rep:<id>` gives
    const listed = scope.filter.type === 'reps' ? new Set(scope.filter.userIds) : null;
    const members = users
      .filter((u) =>
        listed
          ? listed.has(u.id)
          : scope.type === 'rep'
            ? u.id === scope.id
            : u.role === 'rep' &&
              (scope.type === 'org' || (u.teamId !== null && teamIds.has(u.teamId))) &&
              (u.leftAt === null || u.leftAt >= firstStart),
      )
      .map((u) => u.id);
    return {
      of: (key) => (key === null ? '(no owner)' : (names.get(Number(key)) ?? `#${key}`)),
      members,
      teamOf: (k) => k,
    };
  }
  if (by === 'team') {
    const root = scope.type === 'team' ? scope.teams.find((t) => t.id === scope.id) : undefined;
    const children = scope.teams.filter((t) => (root ? t.parent_id === root.id : t.parent_id === null));
    const names = new Map(scope.teams.map((t) => [t.id, t.name]));
    const teamOf = (key: GroupKey): GroupKey => {
      const team = scope.teams.find((t) => t.id === key);
      if (!team) return null;
      return children.find((c) => team.path.startsWith(c.path))?.id ?? team.id;
    };
    return {
      of: (key) =>
        key === null
          ? '(no team)'
          : key === root?.id
            ? `${root.name} (direct)`
            : (names.get(Number(key)) ?? `#${key}`),
      members: children.map((c) => c.id),
      teamOf,
    };
  }
  return { of: (key) => (key === null ? '(none)' : String(key)), members: [], teamOf: (k) => k };
}

/**
 * The breakdown's groups: team keys rolled up to the scope's child teams,
 * groups whose parts are all zero in every period dropped (an artefact of
 * how rows are stored, not a group), and the members that had nothing added.
 */
function regroup(raw: PartGrid, request: Evaluation, labels: Labels): PartGrid {
  const zero = raw.keys.map((_, row) => raw.rowIsZero(row));
  // Other groups than teams are the keys read: with no row to drop, the grid read is the groups' grid.
  const out = request.by !== 'team' && !zero.includes(true) ? raw : new PartGrid(raw.buckets, raw.names);
  if (out !== raw) {
    raw.keys.forEach((rawKey, row) => {
      if (!zero[row]) out.addRow(request.by === 'team' ? labels.teamOf(rawKey) : rawKey, raw, row);
    });
  }
  for (const member of labels.members) out.rowOf(member);
  return out;
}

const SPECIAL_PART_NAMES: Record<MetricDef['special'][number], PartName[]> = {
  spend: ['spend'],
  turnover: ['leavers', 'headcount_start', 'headcount_end'],
  touch: ['touch_met', 'touch_due'],
  pipeline: ['open_pipeline'],
};

/** Every part a metric reads. */
function partNames(def: MetricDef): PartName[] {
  return [
    ...def.flows,
    ...def.stocks.flatMap((s) => [`${s}_start`, `${s}_end`] as PartName[]),
    ...def.special.flatMap((s) => SPECIAL_PART_NAMES[s]),
  ];
}

/** The revenue target a pipeline_coverage value is measured against: given, or the matching active goal's. */
function targetFor(
  request: Evaluation,
  targets: readonly RevenueTarget[],
  period: { start: Day; end: Day },
  key: GroupKey | 'total',
): number | undefined {
  if (key === 'total' && request.target !== undefined) return request.target;
  let scope: { type: 'org' | 'team' | 'rep'; id: number | null };
  if (key === 'total') scope = { type: request.scope.type, id: request.scope.id };
  else if (request.by === 'rep' && typeof key === 'number') scope = { type: 'rep', id: key };
  else if (request.by === 'team' && typeof key === 'number' && key !== request.scope.id)
    scope = { type: 'team', id: key };
  else return undefined;
  const sameFilters = (f: MetricFilters) =>
    FILTER_NAMES.every((name) => (f[name] ?? null) === (request.filters[name] ?? null));
  return targets.find(
    (t) =>
      t.periodStart === period.start &&
      t.periodEnd === period.end &&
      t.scopeType === scope.type &&
      (scope.type === 'org' || t.scopeId === scope.id) &&
      sameFilters(t.filters),
  )?.target;
}

/** Best first: highest for metrics where higher is better, lowest otherwise; no-data rows last, then by name. */
export function bestFirst<T extends { value: number | null; label: string }>(rows: T[], def: MetricDef): T[] {
  const sign = def.direction === 'higher' ? -1 : 1;
  return rows.sort((a, b) => {
    if (a.value === null || b.value === null) {
      if (a.value !== b.value) return a.value === null ? 1 : -1;
    } else if (a.value !== b.value) {
      return sign * (a.value - b.value);
    }
    return a.label < b.label ? -1 : a.label > b.label ? 1 : 0;
  });
}
