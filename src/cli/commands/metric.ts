import type { Command } from 'commander';
import { invalid } from '../../core/errors.ts';
import { formatValue } from '../../core/goals/index.ts';
import {
  type BreakdownBy,
  FILTER_NAMES,
  type MetricFilters,
  type NullReason,
  type Unit,
} from '../../core/metrics/index.ts';
import { currentPeriod, type Grain } from '../../core/periods/index.ts';
import type { Ctx } from '../../services/context.ts';
import {
  computeMetric,
  listMetrics,
  type MetricFigure,
  type MetricHeader,
  metricBreakdown,
  metricSeries,
} from '../../services/metrics/index.ts';
import { systemContextFor } from '../../services/tracking/org-context.ts';
import { dbOption, withStore } from '../shared.ts';

const GROUPS: readonly BreakdownBy[] = ['rep', 'team', ...FILTER_NAMES];
const GRAINS: readonly Grain[] = ['day', 'week', 'month', 'quarter', 'year', 'fiscal_quarter', 'fiscal_year'];

interface Options extends Partial<Record<(typeof FILTER_NAMES)[number], string>> {
  db: string;
  org?: string;
  period?: string;
  scope: string;
  by?: string;
  group?: string;
  target?: string;
  json?: boolean;
}

const out = (text: string) => process.stdout.write(`${text}\n`);

const WHY: Record<NullReason, string> = {
  no_data: 'no data',
  zero_denominator: 'n/a',
  no_target: 'no target',
};

function show(figure: MetricFigure, unit: Unit, currency: string): string {
  if (figure.value === null) return WHY[figure.reason ?? 'no_data'];
  return formatValue(figure.value, unit, currency).en;
}

/** Columns padded to their widest cell; the columns in `right` (figures) are right-aligned. */
function table(rows: string[][], right: ReadonlySet<number> = new Set()): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  const pad = (cell: string, i: number) =>
    right.has(i) ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0);
  return rows.map((r) => r.map(pad).join('  ').trimEnd()).join('\n');
}

/** Every column but the first (the labels) holds figures. */
const figures = (width: number) => new Set(Array.from({ length: Math.max(0, width - 1) }, (_, i) => i + 1));

function title(h: MetricHeader, period: string): string {
  const filters = Object.entries(h.filters).map(([k, v]) => `${k}=${v}`);
  const scope = h.scope.type === 'org' ? h.scope.label : `${h.scope.type} ${h.scope.label}`;
  return [`${h.label.en} (${h.metric})`, scope, period, ...filters].join(' · ');
}

function partsLine(figure: MetricFigure): string {
  return Object.entries(figure.parts)
    .map(([k, v]) => `${k}=${Number.isInteger(v) ? v : v.toFixed(4)}`)
    .join(' ');
}

function filtersOf(options: Options): MetricFilters {
  const filters: MetricFilters = {};
  for (const name of FILTER_NAMES) if (options[name] !== undefined) filters[name] = options[name];
  return filters;
}

async function run(ctx: Ctx, id: string, options: Options) {
  const period = options.period ?? currentPeriod('quarter', ctx.now, ctx.org).label;
  const filters = filtersOf(options);
  const base = { metric: id, scope: options.scope, filters };
  const by = options.by;
  if (by !== undefined && !GROUPS.includes(by as BreakdownBy) && !GRAINS.includes(by as Grain)) {
    throw invalid(`"${by}" is not a breakdown: use ${[...GROUPS, ...GRAINS].join(', ')}.`, '--by');
  }
  if (options.group !== undefined && !GROUPS.includes(options.group as BreakdownBy)) {
    throw invalid(`"${options.group}" is not a group: use ${GROUPS.join(', ')}.`, '--group');
  }
  const target = options.target === undefined ? undefined : Number(options.target);
  if (target !== undefined && !Number.isFinite(target)) {
    throw invalid(`"${options.target}" is not a number (minor units of the org currency).`, '--target');
  }
  const currency = ctx.org.currency;

  if (by === undefined) {
    const r = await computeMetric({
      ctx,
      input: { ...base, period, ...(target === undefined ? {} : { target }) },
    });
    if (options.json) return out(JSON.stringify(r, null, 2));
    out(title(r, `${r.period.label} (${r.period.start}..${r.period.end})`));
    out(`  ${show(r, r.unit, currency)}`);
    out(`  ${partsLine(r)}`);
    return;
  }
  if (GRAINS.includes(by as Grain)) {
    const r = await metricSeries({
      ctx,
      input: {
        ...base,
        range: period,
        grain: by as Grain,
        ...(options.group ? { by: options.group as BreakdownBy } : {}),
      },
    });
    if (options.json) return out(JSON.stringify(r, null, 2));
    out(title(r, `${r.range.label} by ${by}`));
    const header = ['', ...r.points.map((p) => p.period.label)];
    const rows = [['total', ...r.points.map((p) => show(p, r.unit, currency))]];
    for (const s of r.series ?? []) rows.push([s.label, ...s.points.map((p) => show(p, r.unit, currency))]);
    // Periods down the side read better than across once there are many.
    if (header.length > 8 || rows.length === 1) {
      out(
        table(
          [
            ['period', ...rows.map((row) => row[0] as string)],
            ...r.points.map((p, i) => [p.period.label, ...rows.map((row) => row[i + 1] as string)]),
          ],
          figures(rows.length + 1),
        ),
      );
    } else {
      out(table([header, ...rows], figures(header.length)));
    }
    return;
  }
  const r = await metricBreakdown({ ctx, input: { ...base, period, by: by as BreakdownBy } });
  if (options.json) return out(JSON.stringify(r, null, 2));
  out(title(r, `${r.period.label} by ${by}`));
  out(
    table(
      [
        [by, r.label.en, 'parts'],
        ...r.rows.map((row) => [row.label, show(row, r.unit, currency), partsLine(row)]),
        ['total', show(r.total, r.unit, currency), partsLine(r.total)],
      ],
      new Set([1]),
    ),
  );
}

export function metricCommand(program: Command) {
  const command = program
    .command('metric')
    .argument('[id]', 'the metric, e.g. revenue, win_rate (omit to list them all)')
    .description('compute a metric for a scope and period, broken down or as a series')
    .addOption(dbOption())
    .option('--org <slug>', 'the org (needed when the database holds several)')
    .option(
      '--period <period>',
      '2027, 2027-Q2, 2027-05, 2027-W14, 2027-01-01..2027-03-31, FY2027 (default: this quarter)',
    )
    .option('--scope <scope>', 'org, team:<name or id>, rep:<email, external id or name>', 'org')
    .option('--by <by>', `${GROUPS.join('|')} (a breakdown) or ${GRAINS.join('|')} (a series)`)
    .option('--group <group>', 'with a series: one line per rep, team or value')
    .option('--target <minor units>', 'pipeline_coverage: the revenue target to cover')
    .option('--json', 'print the full answer as JSON');
  for (const name of FILTER_NAMES) command.option(`--${name} <value>`, `only facts with this ${name}`);
  command.action(async (id: string | undefined, options: Options) => {
    await withStore(options.db, async (store) => {
      const ctx = await systemContextFor(store, options.org, Date.now(), 'cli');
      if (id === undefined) {
        const metrics = listMetrics({ ctx });
        if (options.json) return out(JSON.stringify(metrics, null, 2));
        out(
          table([
            ['id', 'unit', 'kind', 'formula'],
            ...metrics.map((m) => [m.id, m.unit, m.kind, m.formula]),
          ]),
        );
        return;
      }
      await run(ctx, id, options);
    });
  });
}
