import { z } from 'zod';
import { invalid } from '../../../core/errors.ts';
import type { FactRows } from '../../../store/fact-queries.ts';
import type { DealStatus } from '../../../store/schema.ts';
import type { EntityDef } from '../entity.ts';
import {
  currencyField,
  dealStatuses,
  externalIdField,
  instantField,
  moneyField,
  optionalText,
  out,
  refField,
  textField,
} from '../fields.ts';
import { bodySchemas } from './body.ts';
import {
  checkCurrency,
  checkOrder,
  choiceFilter,
  csvColumns,
  field,
  idFilter,
  textFilter,
} from './common.ts';

const item = z.object({
  id: out.id,
  externalId: out.text,
  name: out.text,
  accountId: out.ref,
  accountName: out.text,
  ownerId: out.ref,
  ownerName: out.text,
  teamId: out.ref.describe("The owner's team when the deal closed (while open: when it was created)."),
  teamName: out.text,
  amount: z.number().int().describe('Minor units of `currency`.'),
  currency: z.string(),
  units: z.number().int(),
  product: out.text,
  stage: z.string(),
  status: z.enum(dealStatuses),
  probability: z.number().int().nullable(),
  channel: out.text,
  industry: out.text,
  segment: out.text,
  createdAt: z.number().int(),
  closedAt: out.instant,
  expectedCloseAt: out.instant,
});

const fields = {
  externalId: externalIdField,
  name: optionalText,
  accountId: refField('account'),
  ownerId: refField('owner (a user)'),
  amount: moneyField,
  currency: currencyField,
  units: z.number().int().min(0).max(1e9),
  product: optionalText,
  stage: textField.describe('Pipeline stage as the CRM names it (default: the status).'),
  status: z.enum(dealStatuses),
  probability: z.number().int().min(0).max(100).nullable(),
  channel: optionalText,
  industry: optionalText,
  segment: optionalText,
  createdAt: instantField,
  closedAt: instantField.nullable().describe('Required for won and lost deals; null while open.'),
  expectedCloseAt: instantField.nullable(),
};

const body = bodySchemas(fields, ['amount']);

export const deals: EntityDef<'deal'> = {
  name: 'deals',
  table: 'deal',
  noun: 'deal',
  item,
  toItem: (r) => ({
    id: r.id,
    externalId: r.external_id,
    name: r.name,
    accountId: r.account_id,
    accountName: r.account_name,
    ownerId: r.owner_id,
    ownerName: r.owner_name,
    teamId: r.team_id,
    teamName: r.team_name,
    amount: r.amount,
    currency: r.currency,
    units: r.units,
    product: r.product,
    stage: r.stage,
    status: r.status,
    probability: r.probability,
    channel: r.channel,
    industry: r.industry,
    segment: r.segment,
    createdAt: r.created_at,
    closedAt: r.closed_at,
    expectedCloseAt: r.expected_close_at,
  }),
  csv: (org) => {
    const c = csvColumns<FactRows['deal']>(org);
    return [
      c.plain('id', (r) => r.id),
      c.plain('external_id', (r) => r.external_id),
      c.plain('name', (r) => r.name),
      c.plain('account_id', (r) => r.account_id),
      c.plain('account', (r) => r.account_name),
      c.plain('owner_id', (r) => r.owner_id),
      c.plain('owner', (r) => r.owner_name),
      c.plain('team_id', (r) => r.team_id),
      c.plain('team', (r) => r.team_name),
      c.money(
        'amount',
        (r) => r.amount,
        (r) => r.currency,
      ),
      c.plain('currency', (r) => r.currency),
      c.plain('units', (r) => r.units),
      c.plain('product', (r) => r.product),
      c.plain('stage', (r) => r.stage),
      c.plain('status', (r) => r.status),
      c.plain('probability', (r) => r.probability),
      c.plain('channel', (r) => r.channel),
      c.plain('industry', (r) => r.industry),
      c.plain('segment', (r) => r.segment),
      c.instant('created_at', (r) => r.created_at),
      c.instant('closed_at', (r) => r.closed_at),
      c.instant('expected_close_at', (r) => r.expected_close_at),
    ];
  },
  scopes: ['org', 'team', 'rep'],
  // closed_at first: revenue, deals won and win rate count deals by when they closed.
  dates: ['closed_at', 'created_at', 'expected_close_at'],
  days: false,
  sorts: [
    'id',
    'name',
    'amount',
    'units',
    'stage',
    'status',
    'probability',
    'product',
    'channel',
    'industry',
    'segment',
    'created_at',
    'closed_at',
    'expected_close_at',
  ],
  defaultSort: { column: 'closed_at', direction: 'desc' },
  filters: {
    status: choiceFilter('status', dealStatuses),
    stage: textFilter('stage'),
    channel: textFilter('channel'),
    segment: textFilter('segment'),
    industry: textFilter('industry'),
    product: textFilter('product'),
    accountId: idFilter('account_id'),
  },
  search: true,
  write: {
    ...body,
    fromRow: (r) => ({
      externalId: r.external_id,
      name: r.name,
      accountId: r.account_id,
      ownerId: r.owner_id,
      amount: r.amount,
      currency: r.currency,
      units: r.units,
      product: r.product,
      stage: r.stage,
      status: r.status,
      probability: r.probability,
      channel: r.channel,
      industry: r.industry,
      segment: r.segment,
      createdAt: r.created_at,
      closedAt: r.closed_at,
      expectedCloseAt: r.expected_close_at,
    }),
    defaults: (ctx, body) => {
      const status = (body.status as DealStatus | undefined) ?? 'open';
      return { currency: ctx.org.currency, units: 1, status, stage: status, createdAt: ctx.now };
    },
    check: (input, org) => {
      checkCurrency(input, org);
      const closed = input.status !== 'open';
      if (closed && input.closedAt == null) {
        throw invalid(
          `A ${String(input.status)} deal needs closedAt: when it was ${String(input.status)}.`,
          'closedAt',
        );
      }
      if (!closed && input.closedAt != null) {
        throw invalid(
          'An open deal has no closedAt: set status to won or lost, or clear closedAt.',
          'closedAt',
        );
      }
      checkOrder(input, 'createdAt', 'closedAt', 'a deal closes after it is created');
    },
    toColumns: (i) => ({
      external_id: field.textOrNull(i, 'externalId'),
      name: field.textOrNull(i, 'name'),
      account_id: field.numOrNull(i, 'accountId'),
      owner_id: field.numOrNull(i, 'ownerId'),
      amount: field.num(i, 'amount'),
      currency: field.text(i, 'currency'),
      units: field.num(i, 'units'),
      product: field.textOrNull(i, 'product'),
      stage: field.text(i, 'stage'),
      status: i.status as DealStatus,
      probability: field.numOrNull(i, 'probability'),
      channel: field.textOrNull(i, 'channel'),
      industry: field.textOrNull(i, 'industry'),
      segment: field.textOrNull(i, 'segment'),
      created_at: field.num(i, 'createdAt'),
      closed_at: field.numOrNull(i, 'closedAt'),
      expected_close_at: field.numOrNull(i, 'expectedCloseAt'),
    }),
    refs: { accountId: 'account', ownerId: 'app_user' },
    people: (i) => [field.numOrNull(i, 'ownerId')],
    // docs/adr/0002: a deal belongs to its owner's team at close; while open, at creation.
    teamOf: (i) => ({
      userId: field.numOrNull(i, 'ownerId'),
      at: field.numOrNull(i, 'closedAt') ?? field.num(i, 'createdAt'),
    }),
    instants: (c) => [c.created_at, c.closed_at, c.expected_close_at] as Array<number | null>,
    rolledUp: true,
  },
};
