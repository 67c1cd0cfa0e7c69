import { z } from 'zod';
import { invalid } from '../../../core/errors.ts';
import type { FactRows } from '../../../store/fact-queries.ts';
import type { EntityDef } from '../entity.ts';
import {
  currencyField,
  dayField,
  externalIdField,
  moneyField,
  optionalText,
  out,
  spendCategories,
} from '../fields.ts';
import { bodySchemas } from './body.ts';
import { checkCurrency, choiceFilter, csvColumns, field, textFilter } from './common.ts';

const item = z.object({
  id: out.id,
  externalId: out.text,
  periodStart: z.string().describe('First day covered.'),
  periodEnd: z.string().describe('Last day covered (inclusive).'),
  channel: out.text,
  category: z.enum(spendCategories),
  amount: z.number().int().describe('Minor units of `currency`.'),
  currency: z.string(),
});

const body = bodySchemas(
  {
    externalId: externalIdField,
    periodStart: dayField,
    periodEnd: dayField.describe('Last day covered (inclusive).'),
    channel: optionalText,
    category: z.enum(spendCategories),
    amount: moneyField,
    currency: currencyField,
  },
  ['periodStart', 'periodEnd', 'category', 'amount'],
);

/** Sales and marketing spend (for CAC): org-wide money with no owner or team, so admins only. */
export const spend: EntityDef<'spend'> = {
  name: 'spend',
  table: 'spend',
  noun: 'spend row',
  item,
  toItem: (r) => ({
    id: r.id,
    externalId: r.external_id,
    periodStart: r.period_start,
    periodEnd: r.period_end,
    channel: r.channel,
    category: r.category,
    amount: r.amount,
    currency: r.currency,
  }),
  csv: (org) => {
    const c = csvColumns<FactRows['spend']>(org);
    return [
      c.plain('id', (r) => r.id),
      c.plain('external_id', (r) => r.external_id),
      c.plain('period_start', (r) => r.period_start),
      c.plain('period_end', (r) => r.period_end),
      c.plain('channel', (r) => r.channel),
      c.plain('category', (r) => r.category),
      c.money(
        'amount',
        (r) => r.amount,
        (r) => r.currency,
      ),
      c.plain('currency', (r) => r.currency),
    ];
  },
  scopes: ['org'],
  dates: [],
  days: true,
  sorts: ['id', 'period_start', 'period_end', 'channel', 'category', 'amount'],
  defaultSort: { column: 'period_start', direction: 'desc' },
  filters: {
    channel: textFilter('channel'),
    category: choiceFilter('category', spendCategories),
  },
  search: false,
  write: {
    ...body,
    fromRow: (r) => ({
      externalId: r.external_id,
      periodStart: r.period_start,
      periodEnd: r.period_end,
      channel: r.channel,
      category: r.category,
      amount: r.amount,
      currency: r.currency,
    }),
    defaults: (ctx) => ({ currency: ctx.org.currency }),
    check: (input, org) => {
      checkCurrency(input, org);
      if (String(input.periodEnd) < String(input.periodStart)) {
        throw invalid('periodEnd is before periodStart: write the earlier day first.', 'periodEnd');
      }
    },
    toColumns: (i) => ({
      external_id: field.textOrNull(i, 'externalId'),
      period_start: field.text(i, 'periodStart'),
      period_end: field.text(i, 'periodEnd'),
      channel: field.textOrNull(i, 'channel'),
      category: i.category as 'sales' | 'marketing',
      amount: field.num(i, 'amount'),
      currency: field.text(i, 'currency'),
    }),
    refs: {},
    people: () => [],
    instants: () => [],
    // The metric engine reads spend raw, prorated by day: no rollup to refresh.
    rolledUp: false,
  },
};
