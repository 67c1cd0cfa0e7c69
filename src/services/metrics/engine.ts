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
} from '../../core/metrics/index.ts';
import { addDays, type Day, periodBounds, startOfDayMs } from '../../core/periods/index.ts';
import { dayNumber } from '../../store/metric-local-day.ts';
import { rawFlows, rawStocks } from '../../store/metric-raw.ts';
import { rollupCanAnswer, rollupFlows, rollupStocks } from '../../store/metric-rollup.ts';
import {
  dataStarts,
  newAccountTouches,
  openPipeline,
  type RevenueTarget,
  repTenures,
  revenueTargets,
  spendRows,
} from '../../store/metric-special.ts';
import type { GroupBy, GroupKey, PartQuery } from '../../store/metric-sql.ts';
import { rollupsUsable } from '../../store/rollups.ts';
import type { Ctx } from '../context.ts';
import type { ResolvedScope } from './scope.ts';

/**
 * One evaluation: a metric for one scope, many periods and (optionally)
 * the groups of a breakdown, in as few queries as the metric's sources
 * need. The steps are plain: validate, read parts (rollups when they can
 * answer, else the facts), regroup teams under the scope's child teams, add
 * the members that had nothing, decide "no data" per period, then compute
 * each value from its parts.
 */

export type Engine = 'auto' | 'raw';

export interface Evaluation {
  def: MetricDef;
  scope: ResolvedScope;
  filters: MetricFilters;
  by: BreakdownBy | null;
  periods: ReadonlyArray<{ start: Day; end: Day }>;
  engine?: Engine;
  /** For pipeline_coverage without a breakdown: the revenue target to cover, instead of the goal's. */
  target?: number;
}

export interface Cell extends MetricValue {
  key: GroupKey;
  label: string;
  parts: Parts;
}

export interface BucketResult {
  /** False when a source of the metric has no data reaching the period: every value is null ("no data"). */
  covered: boolean;
  total: Cell;
  /** The breakdown's rows (empty without one); their flows add up to the total. */
  rows: Cell[];
}

export interface EvaluationResult {
  /** Which layer answered: the rollups, or the facts themselves. */
  source: 'rollup' | 'raw';
  buckets: BucketResult[];
}

const TOTAL_KEY = 0;
const NO_DATA: MetricValue = { value: null, reason: 'no_data' };

export async function evaluate(ctx: Ctx, request: Evaluation): Promise<EvaluationResult> {
  const { def, scope, filters, by, periods } = request;
  validate(def, scope, filters, by);
  const tz = ctx.org.timeZone;
  const groupBy: GroupBy = by === 'rep' ? 'owner' : by;
  const query: PartQuery = { orgId: ctx.org.id, timeZone: tz, scope: scope.filter, filters, groupBy };
  const buckets = periods.map((p) => ({ first: dayNumber(p.start), last: dayNumber(p.end) }));
  // Consecutive periods share an edge: ask the zone once per day.
  const startOf = memo((day: Day) => startOfDayMs(day, tz));
  const bounds = periods.map((p) => ({ startMs: startOf(p.start), endMs: startOf(addDays(p.end, 1)) }));

  const useRollup =
    request.engine !== 'raw' &&
    (def.flows.length > 0 || def.stocks.length > 0) &&
    rollupCanAnswer(query) &&
    (await rollupsUsable(ctx.db, ctx.org.id, tz));
  const flows = useRollup ? rollupFlows : rawFlows;
  const stocks = useRollup ? rollupStocks : rawStocks;

  const cells = periods.map(() => new Map<GroupKey, Parts>());
  // Every caller hands over parts objects of its own (fresh from a query or a literal): keep them, no copy.
  const add = (bucket: number, key: GroupKey, parts: Parts) => {
    const map = cells[bucket] as Map<GroupKey, Parts>;
    const into = map.get(key);
    if (into === undefined) map.set(key, parts);
    else addInto(into, parts);
  };

  if (def.flows.length > 0) {
    for (const row of await flows(ctx.db, { ...query, parts: def.flows, buckets }))
      add(row.bucket, row.key, row.parts);
  }
  if (def.stocks.length > 0) {
    const at = buckets.flatMap((b) => [b.first, b.last + 1]);
    for (const row of await stocks(ctx.db, { ...query, stocks: def.stocks, at })) {
      const edge = row.bucket % 2 === 0 ? 'start' : 'end';
      const renamed = Object.fromEntries(Object.entries(row.parts).map(([k, v]) => [`${k}_${edge}`, v]));
      add(Math.floor(row.bucket / 2), row.key, renamed);
    }
  }
  const covered = await coverage(ctx, def, periods, bounds);
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
        if (spend !== 0) add(b, key, { spend });
      }
    });
  }
  if (def.special.includes('turnover')) await addTurnover(ctx, request, bounds, add);
  if (def.special.includes('touch')) await addTouches(ctx, request, query, add);
  if (def.special.includes('pipeline')) {
    for (const row of await openPipeline(ctx.db, query, bounds)) add(row.bucket, row.key, row.parts as Parts);
  }

  const labels = await labeler(ctx, request);
  const targets = def.special.includes('pipeline') ? await revenueTargets(ctx.db, ctx.org.id, periods) : [];
  const groupedPerBucket = cells.map((raw) => regroup(raw, request, labels));
  const zeros = zeroParts(def);
  const pipeline = def.special.includes('pipeline');
  // A series shows every group in every period, with nothing where it had nothing.
  const keys = new Set<GroupKey>();
  for (const grouped of groupedPerBucket) for (const key of grouped.keys()) keys.add(key);
  for (const grouped of groupedPerBucket) {
    if (grouped.size === keys.size) continue;
    for (const key of keys) if (!grouped.has(key)) grouped.set(key, {});
  }
  const results = periods.map((period, b): BucketResult => {
    const grouped = groupedPerBucket[b] as Map<GroupKey, Parts>;
    const valueContext = { period, grossMargin: ctx.org.settings.grossMargin };
    // Parts objects are this evaluation's own: completing them in place spares a copy per cell.
    const cell = (key: GroupKey | 'total', label: string, parts: Parts): Cell => {
      for (const name in zeros) if (parts[name as PartName] === undefined) parts[name as PartName] = 0;
      if (pipeline) {
        const target = targetFor(request, targets, period, key);
        if (target !== undefined) parts.target = target;
      }
      const value = covered[b] ? metricValue(def, parts, valueContext) : NO_DATA;
      const out: Cell = { key: key === 'total' ? TOTAL_KEY : key, label, parts, value: value.value };
      if (value.reason !== undefined) out.reason = value.reason;
      return out;
    };
    const totalParts = by === null ? (grouped.get(TOTAL_KEY) ?? {}) : sumParts(grouped.values());
    const total = cell('total', scope.label, totalParts);
    const rows = by === null ? [] : [...grouped].map(([key, parts]) => cell(key, labels.of(key), parts));
    return { covered: covered[b] ?? false, total, rows: sortRows(rows, def) };
  });
  return { source: useRollup ? 'rollup' : 'raw', buckets: results };
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

/** Per period: does every source of the metric have data from before the period's end? */
async function coverage(
  ctx: Ctx,
  def: MetricDef,
  periods: ReadonlyArray<unknown>,
  bounds: ReadonlyArray<{ endMs: number }>,
): Promise<boolean[]> {
  const tables = def.sources.filter(
    (s): s is Exclude<Source, 'spend' | 'rep'> => s !== 'spend' && s !== 'rep',
  );
  const starts = await dataStarts(ctx.db, ctx.org.id, tables);
  return periods.map((_, b) =>
    tables.every((s) => {
      const start = starts[s];
      return start !== null && start !== undefined && start < (bounds[b] as { endMs: number }).endMs;
    }),
  );
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

async function labeler(ctx: Ctx, request: Evaluation): Promise<Labels> {
  const { by, scope } = request;
  if (by === 'rep') {
    const users = await ctx.db
      .selectFrom('app_user')
      .select(['id', 'name', 'role', 'team_id', 'left_at'])
      .where('org_id', '=', ctx.org.id)
      .execute();
    const names = new Map(users.map((u) => [u.id, u.name]));
    // Days sort as text, and a later day starts later.
    const firstDay = request.periods.map((p) => p.start).sort()[0];
    const firstStart = firstDay === undefined ? Number.POSITIVE_INFINITY : startOfDayMs(firstDay, ctx.org.timeZone);
    const teamIds = new Set(scope.teams.map((t) => t.id));
    const members = users
      .filter((u) =>
        scope.type === 'rep'
          ? u.id === scope.id
          : u.role === 'rep' &&
            (scope.type === 'org' || (u.team_id !== null && teamIds.has(u.team_id))) &&
            (u.left_at === null || Number(u.left_at) >= firstStart),
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

/** Rolls team keys up to the scope's child teams, drops empty groups, and adds the members that had nothing. */
function regroup(raw: Map<GroupKey, Parts>, request: Evaluation, labels: Labels): Map<GroupKey, Parts> {
  const out = new Map<GroupKey, Parts>();
  for (const [rawKey, parts] of raw) {
    // A group whose parts are all zero is an artefact of how rows were stored, not a group.
    if (request.by !== null && allZero(parts)) continue;
    const key = request.by === 'team' ? labels.teamOf(rawKey) : rawKey;
    const into = out.get(key);
    out.set(key, into ? sumParts([into, parts]) : parts);
  }
  for (const member of labels.members) if (!out.has(member)) out.set(member, {});
  if (request.by === null && !out.has(TOTAL_KEY)) out.set(TOTAL_KEY, {});
  return out;
}

const SPECIAL_PART_NAMES: Record<MetricDef['special'][number], PartName[]> = {
  spend: ['spend'],
  turnover: ['leavers', 'headcount_start', 'headcount_end'],
  touch: ['touch_met', 'touch_due'],
  pipeline: ['open_pipeline'],
};

/** Every part a metric reads, at 0: a cell lists them all, whichever groups had rows. */
function zeroParts(def: MetricDef): Parts {
  const names: PartName[] = [
    ...def.flows,
    ...def.stocks.flatMap((s) => [`${s}_start`, `${s}_end`] as PartName[]),
    ...def.special.flatMap((s) => SPECIAL_PART_NAMES[s]),
  ];
  return Object.fromEntries(names.map((name) => [name, 0]));
}

function sumParts(list: Iterable<Parts>): Parts {
  const out: Parts = {};
  for (const parts of list) addInto(out, parts);
  return out;
}

function addInto(into: Parts, parts: Parts): void {
  for (const name in parts) {
    const key = name as PartName;
    into[key] = (into[key] ?? 0) + (parts[key] as number);
  }
}

function allZero(parts: Parts): boolean {
  for (const name in parts) if (parts[name as PartName] !== 0) return false;
  return true;
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
function sortRows(rows: Cell[], def: MetricDef): Cell[] {
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
