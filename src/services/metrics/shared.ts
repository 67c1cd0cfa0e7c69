import { invalid } from '../../core/errors.ts';
import {
  type Direction,
  type Kind,
  type LocalText,
  type MetricDef,
  type MetricFilters,
  type MetricId,
  metricDef,
  type NullReason,
  type Parts,
  type Unit,
} from '../../core/metrics/index.ts';
import { type Day, type Period, parsePeriod } from '../../core/periods/index.ts';
import type { Ctx } from '../context.ts';
import type { Cell } from './engine.ts';
import type { ResolvedScope } from './scope.ts';

/** A period as text (`2027-Q2`, `FY2027`, `2027-01-01..2027-03-31`) or as its days. */
export type PeriodInput = string | { start: Day; end: Day };

export function readPeriod(ctx: Ctx, input: PeriodInput, field = 'period'): Period {
  if (typeof input === 'string') return parsePeriod(input, ctx.org);
  if (!input || typeof input.start !== 'string' || typeof input.end !== 'string') {
    throw invalid('A period needs a start and an end day (YYYY-MM-DD).', field);
  }
  return input.start === input.end
    ? parsePeriod(input.start, ctx.org)
    : parsePeriod(`${input.start}..${input.end}`, ctx.org);
}

/** Drops filters given as empty or absent, so `?channel=` means no filter rather than channel "". */
export function readFilters(filters: MetricFilters | undefined): MetricFilters {
  return Object.fromEntries(
    Object.entries(filters ?? {}).filter(([, v]) => v !== undefined && v !== null && v !== ''),
  ) as MetricFilters;
}

export function readMetric(id: string): MetricDef {
  if (typeof id !== 'string' || id.trim() === '') throw invalid('Name a metric, e.g. revenue.', 'metric');
  return metricDef(id.trim());
}

/** What every answer says about the metric and the question it answers. */
export interface MetricHeader {
  metric: MetricId;
  label: LocalText;
  unit: Unit;
  direction: Direction;
  kind: Kind;
  formula: string;
  currency: string;
  scope: { type: ResolvedScope['type']; id: number | null; label: string; text: string };
  filters: MetricFilters;
  /** Which layer answered: the rollups or the facts themselves. */
  source: 'rollup' | 'raw';
}

export function header(
  ctx: Ctx,
  def: MetricDef,
  scope: ResolvedScope,
  filters: MetricFilters,
  source: 'rollup' | 'raw',
): MetricHeader {
  return {
    metric: def.id,
    label: def.label,
    unit: def.unit,
    direction: def.direction,
    kind: def.kind,
    formula: def.formula,
    currency: ctx.org.currency,
    scope: { type: scope.type, id: scope.id, label: scope.label, text: scope.text },
    filters,
    source,
  };
}

export interface PeriodRef {
  label: string;
  start: Day;
  end: Day;
}

export const periodRef = (p: Period): PeriodRef => ({ label: p.label, start: p.start, end: p.end });

/** A value with what it was computed from; `reason` says why it is null. */
export interface MetricFigure {
  value: number | null;
  reason?: NullReason;
  parts: Parts;
}

export function figure(cell: Cell): MetricFigure {
  return cell.reason === undefined
    ? { value: cell.value, parts: cell.parts }
    : { value: cell.value, reason: cell.reason, parts: cell.parts };
}

/** Keeps one request from asking for thousands of buckets (a day grain over ten years). */
export const MAX_BUCKETS = 400;
