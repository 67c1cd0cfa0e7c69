import { z } from 'zod';
import type { FactRows } from '../../../store/fact-queries.ts';
import type { EntityDef } from '../entity.ts';
import { externalIdField, instantField, optionalText, out, refField } from '../fields.ts';
import { bodySchemas } from './body.ts';
import { checkOrder, csvColumns, field, idFilter, textFilter } from './common.ts';

type Row = FactRows['lead'];

const item = z.object({
  id: out.id,
  externalId: out.text,
  name: out.text,
  ownerId: out.ref,
  ownerName: out.text,
  teamId: out.ref.describe("The owner's team when the lead came in."),
  teamName: out.text,
  accountId: out.ref,
  accountName: out.text,
  channel: out.text,
  industry: out.text,
  segment: out.text,
  createdAt: z.number().int(),
  mqlAt: out.instant,
  sqlAt: out.instant,
  convertedAt: out.instant,
  disqualifiedAt: out.instant,
});

const stages = ['mqlAt', 'sqlAt', 'convertedAt', 'disqualifiedAt'] as const;

const body = bodySchemas(
  {
    externalId: externalIdField,
    name: optionalText,
    ownerId: refField('owner (a user)'),
    accountId: refField('account'),
    channel: optionalText,
    industry: optionalText,
    segment: optionalText,
    createdAt: instantField,
    mqlAt: instantField.nullable(),
    sqlAt: instantField.nullable(),
    convertedAt: instantField.nullable().describe('When the lead became a customer.'),
    disqualifiedAt: instantField.nullable(),
  },
  [],
);

export const leads: EntityDef<'lead'> = {
  name: 'leads',
  table: 'lead',
  noun: 'lead',
  item,
  toItem: (r) => ({
    id: r.id,
    externalId: r.external_id,
    name: r.name,
    ownerId: r.owner_id,
    ownerName: r.owner_name,
    teamId: r.team_id,
    teamName: r.team_name,
    accountId: r.account_id,
    accountName: r.account_name,
    channel: r.channel,
    industry: r.industry,
    segment: r.segment,
    createdAt: r.created_at,
    mqlAt: r.mql_at,
    sqlAt: r.sql_at,
    convertedAt: r.converted_at,
    disqualifiedAt: r.disqualified_at,
  }),
  csv: (org) => {
    const c = csvColumns<Row>(org);
    return [
      c.plain('id', (r) => r.id),
      c.plain('external_id', (r) => r.external_id),
      c.plain('name', (r) => r.name),
      c.plain('owner_id', (r) => r.owner_id),
      c.plain('owner', (r) => r.owner_name),
      c.plain('team_id', (r) => r.team_id),
      c.plain('team', (r) => r.team_name),
      c.plain('account_id', (r) => r.account_id),
      c.plain('account', (r) => r.account_name),
      c.plain('channel', (r) => r.channel),
      c.plain('industry', (r) => r.industry),
      c.plain('segment', (r) => r.segment),
      c.instant('created_at', (r) => r.created_at),
      c.instant('mql_at', (r) => r.mql_at),
      c.instant('sql_at', (r) => r.sql_at),
      c.instant('converted_at', (r) => r.converted_at),
      c.instant('disqualified_at', (r) => r.disqualified_at),
    ];
  },
  scopes: ['org', 'team', 'rep'],
  dates: ['created_at', 'mql_at', 'sql_at', 'converted_at', 'disqualified_at'],
  days: false,
  sorts: [
    'id',
    'name',
    'channel',
    'industry',
    'segment',
    'created_at',
    'mql_at',
    'sql_at',
    'converted_at',
    'disqualified_at',
  ],
  defaultSort: { column: 'created_at', direction: 'desc' },
  filters: {
    channel: textFilter('channel'),
    segment: textFilter('segment'),
    industry: textFilter('industry'),
    accountId: idFilter('account_id'),
  },
  search: true,
  write: {
    ...body,
    fromRow: (r) => ({
      externalId: r.external_id,
      name: r.name,
      ownerId: r.owner_id,
      accountId: r.account_id,
      channel: r.channel,
      industry: r.industry,
      segment: r.segment,
      createdAt: r.created_at,
      mqlAt: r.mql_at,
      sqlAt: r.sql_at,
      convertedAt: r.converted_at,
      disqualifiedAt: r.disqualified_at,
    }),
    defaults: (ctx) => ({ createdAt: ctx.now }),
    check: (input) => {
      for (const stage of stages) checkOrder(input, 'createdAt', stage, 'a lead moves on after it comes in');
    },
    toColumns: (i) => ({
      external_id: field.textOrNull(i, 'externalId'),
      name: field.textOrNull(i, 'name'),
      owner_id: field.numOrNull(i, 'ownerId'),
      account_id: field.numOrNull(i, 'accountId'),
      channel: field.textOrNull(i, 'channel'),
      industry: field.textOrNull(i, 'industry'),
      segment: field.textOrNull(i, 'segment'),
      created_at: field.num(i, 'createdAt'),
      mql_at: field.numOrNull(i, 'mqlAt'),
      sql_at: field.numOrNull(i, 'sqlAt'),
      converted_at: field.numOrNull(i, 'convertedAt'),
      disqualified_at: field.numOrNull(i, 'disqualifiedAt'),
    }),
    refs: { ownerId: 'app_user', accountId: 'account' },
    people: (i) => [field.numOrNull(i, 'ownerId')],
    teamOf: (i) => ({ userId: field.numOrNull(i, 'ownerId'), at: field.num(i, 'createdAt') }),
    instants: (c) =>
      [c.created_at, c.mql_at, c.sql_at, c.converted_at, c.disqualified_at] as Array<number | null>,
    rolledUp: true,
  },
};
