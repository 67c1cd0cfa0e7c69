import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { METRIC_IDS, METRICS, metricDef } from '../../../src/core/metrics/index.ts';

const root = join(import.meta.dirname, '../../..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');

/** Every id of SPEC §2 (the issue lists them the same way). */
const SPEC_IDS = [
  'revenue',
  'deals_won',
  'units_sold',
  'avg_deal_size',
  'win_rate',
  'close_rate',
  'sales_cycle_days',
  'lead_to_customer_days',
  'new_customers',
  'mrr',
  'mrr_growth',
  'churn_rate',
  'revenue_churn_rate',
  'ltv',
  'cac',
  'leads',
  'mqls',
  'sqls',
  'calls',
  'emails',
  'meetings',
  'demos_booked',
  'discovery_calls',
  'qualified_conversations',
  'prospects_by_industry',
  'new_customer_touch_rate',
  'coaching_hours',
  'trainings',
  'rep_turnover',
  'pipeline_coverage',
];

describe('the metric catalog', () => {
  it('declares every metric of the spec exactly once', () => {
    expect(METRICS.map((m) => m.id).sort()).toEqual([...SPEC_IDS].sort());
    expect([...METRIC_IDS].sort()).toEqual([...SPEC_IDS].sort());
  });

  it('labels every metric in English and in Arabic script', () => {
    for (const m of METRICS) {
      expect(m.label.en, m.id).toMatch(/^[A-Z]/);
      expect(m.label.ar, m.id).toMatch(/^[\u0600-\u06FF\s()-]+$/);
    }
  });

  it('gives each metric parts to read, sources for "no data", and at least one scope', () => {
    for (const m of METRICS) {
      expect(m.flows.length + m.stocks.length + m.special.length, m.id).toBeGreaterThan(0);
      expect(m.sources.length, m.id).toBeGreaterThan(0);
      expect(m.scopes.length, m.id).toBeGreaterThan(0);
      // additive kinds are what goal cascades sum; every flow reads a flow part
      if (m.kind === 'flow') expect(m.flows.length, m.id).toBeGreaterThan(0);
      if (m.kind === 'stock') expect(m.stocks.length, m.id).toBeGreaterThan(0);
    }
  });

  it('writes each formula word for word in its doc comment and in docs/metrics.md', () => {
    const source = read('src/core/metrics/catalog.ts');
    const docs = read('docs/metrics.md');
    for (const m of METRICS) {
      expect(source, `doc comment of ${m.id}`).toContain(`/** ${m.formula} */`);
      expect(docs, `docs/metrics.md section of ${m.id}`).toContain(`## ${m.id}`);
      expect(docs, `formula of ${m.id} in docs/metrics.md`).toContain(`\`${m.formula}\``);
    }
  });

  it('names an unknown metric in a not-found error that lists the known ones', () => {
    expect(() => metricDef('happiness')).toThrow(/There is no metric "happiness". Known metrics: revenue, /);
  });
});
