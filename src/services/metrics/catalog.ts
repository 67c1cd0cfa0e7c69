import { METRICS } from '../../core/metrics/index.ts';
import type { Ctx } from '../context.ts';

export interface CatalogEntry {
  id: string;
  label: { en: string; ar: string };
  unit: string;
  direction: string;
  kind: string;
  formula: string;
  filters: string[];
  scopes: string[];
  breakdowns: string[];
  defaultBreakdown: string | null;
}

/** The metric catalog as the UI and API show it. Needs no data, only a signed-in context. */
export function listMetrics(_: { ctx: Ctx }): CatalogEntry[] {
  return METRICS.map((m) => ({
    id: m.id,
    label: { ...m.label },
    unit: m.unit,
    direction: m.direction,
    kind: m.kind,
    formula: m.formula,
    filters: [...m.filters],
    scopes: [...m.scopes],
    breakdowns: [...m.breakdowns],
    defaultBreakdown: m.defaultBreakdown ?? null,
  }));
}
