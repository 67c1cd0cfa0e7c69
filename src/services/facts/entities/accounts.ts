import { z } from 'zod';
import { type FactRows, subscriptionSpan } from '../../../store/fact-queries.ts';
import type { EntityDef } from '../entity.ts';
import {
  currencyField,
  externalIdField,
  idField,
  instantField,
  moneyField,
  optionalText,
  out,
  refField,
  textField,
} from '../fields.ts';
import { bodySchemas } from './body.ts';
import { checkCurrency, checkOrder, csvColumns, field, idFilter, textFilter } from './common.ts';

const accountItem = z.object({
  id: out.id,
  externalId: out.text,
  name: z.string(),
  industry: out.text,
  segment: out.text,
  channel: out.text,
  ownerId: out.ref,
  ownerName: out.text,
  teamId: out.ref.describe("The owner's team when the account was acquired (or created)."),
  teamName: out.text,
  acquiredAt: out.instant,
  churnedAt: out.instant,
  createdAt: z.number().int(),
});

const accountBody = bodySchemas(
  {
    externalId: externalIdField,
    name: textField,
    industry: optionalText,
    segment: optionalText,
    channel: optionalText,
    ownerId: refField('owner (a user)'),
    acquiredAt: instantField.nullable().describe('When it became a customer.'),
    churnedAt: instantField.nullable().describe('When it stopped being one.'),
    createdAt: instantField.describe('Default: acquiredAt, else now.'),
  },
  ['name'],
);

export const accounts: EntityDef<'account'> = {
  name: 'accounts',
  table: 'account',
  noun: 'account',
  item: accountItem,
  toItem: (r) => ({
    id: r.id,
    externalId: r.external_id,
    name: r.name,
    industry: r.industry,
    segment: r.segment,
    channel: r.channel,
    ownerId: r.owner_id,
    ownerName: r.owner_name,
    teamId: r.team_id,
    teamName: r.team_name,
    acquiredAt: r.acquired_at,
    churnedAt: r.churned_at,
    createdAt: r.created_at,
  }),
  csv: (org) => {
    const c = csvColumns<FactRows['account']>(org);
    return [
      c.plain('id', (r) => r.id),
      c.plain('external_id', (r) => r.external_id),
      c.plain('name', (r) => r.name),
      c.plain('industry', (r) => r.industry),
      c.plain('segment', (r) => r.segment),
      c.plain('channel', (r) => r.channel),
      c.plain('owner_id', (r) => r.owner_id),
      c.plain('owner', (r) => r.owner_name),
      c.plain('team_id', (r) => r.team_id),
      c.plain('team', (r) => r.team_name),
      c.instant('acquired_at', (r) => r.acquired_at),
      c.instant('churned_at', (r) => r.churned_at),
      c.instant('created_at', (r) => r.created_at),
    ];
  },
  scopes: ['org', 'team', 'rep'],
  // acquired_at first: new customers are counted by it.
  dates: ['acquired_at', 'churned_at', 'created_at'],
  days: false,
  sorts: ['id', 'name', 'industry', 'segment', 'channel', 'acquired_at', 'churned_at', 'created_at'],
  defaultSort: { column: 'name', direction: 'asc' },
  filters: {
    channel: textFilter('channel'),
    segment: textFilter('segment'),
    industry: textFilter('industry'),
  },
  search: true,
  write: {
    ...accountBody,
    fromRow: (r) => ({
      externalId: r.external_id,
      name: r.name,
      industry: r.industry,
      segment: r.segment,
      channel: r.channel,
      ownerId: r.owner_id,
      acquiredAt: r.acquired_at,
      churnedAt: r.churned_at,
      createdAt: r.created_at,
    }),
    defaults: (ctx, body) => ({ createdAt: (body.acquiredAt as number | null | undefined) ?? ctx.now }),
    check: (input) => checkOrder(input, 'acquiredAt', 'churnedAt', 'a customer churns after it is acquired'),
    toColumns: (i) => ({
      external_id: field.textOrNull(i, 'externalId'),
      name: field.text(i, 'name'),
      industry: field.textOrNull(i, 'industry'),
      segment: field.textOrNull(i, 'segment'),
      channel: field.textOrNull(i, 'channel'),
      owner_id: field.numOrNull(i, 'ownerId'),
      acquired_at: field.numOrNull(i, 'acquiredAt'),
      churned_at: field.numOrNull(i, 'churnedAt'),
      created_at: field.num(i, 'createdAt'),
    }),
    refs: { ownerId: 'app_user' },
    people: (i) => [field.numOrNull(i, 'ownerId')],
    teamOf: (i) => ({
      userId: field.numOrNull(i, 'ownerId'),
      at: field.numOrNull(i, 'acquiredAt') ?? field.num(i, 'createdAt'),
    }),
    instants: (c) => [c.acquired_at, c.churned_at] as Array<number | null>,
    // Subscriptions count for their account's owner, team and dimensions: their days move with it.
    moreInstants: async (db, orgId, id) => {
      const span = await subscriptionSpan(db, orgId, id);
      return span ? [span.fromMs, span.toMs] : [];
    },
    rolledUp: true,
  },
};

const subscriptionItem = z.object({
  id: out.id,
  externalId: out.text,
  accountId: z.number().int(),
  accountName: z.string(),
  ownerId: out.ref.describe("The account's owner: a subscription counts for them."),
  ownerName: out.text,
  teamId: out.ref.describe("The account's team."),
  teamName: out.text,
  mrr: z.number().int().describe('Monthly recurring revenue in minor units of `currency`.'),
  currency: z.string(),
  startedAt: z.number().int(),
  endedAt: out.instant,
});

const subscriptionBody = bodySchemas(
  {
    externalId: externalIdField,
    accountId: idField.describe('Id of the account.'),
    mrr: moneyField,
    currency: currencyField,
    startedAt: instantField,
    endedAt: instantField.nullable().describe('Null while active.'),
  },
  ['accountId', 'mrr', 'startedAt'],
);

export const subscriptions: EntityDef<'subscription'> = {
  name: 'subscriptions',
  table: 'subscription',
  noun: 'subscription',
  item: subscriptionItem,
  toItem: (r) => ({
    id: r.id,
    externalId: r.external_id,
    accountId: r.account_id,
    accountName: r.account_name,
    ownerId: r.owner_id,
    ownerName: r.owner_name,
    teamId: r.team_id,
    teamName: r.team_name,
    mrr: r.mrr,
    currency: r.currency,
    startedAt: r.started_at,
    endedAt: r.ended_at,
  }),
  csv: (org) => {
    const c = csvColumns<FactRows['subscription']>(org);
    return [
      c.plain('id', (r) => r.id),
      c.plain('external_id', (r) => r.external_id),
      c.plain('account_id', (r) => r.account_id),
      c.plain('account', (r) => r.account_name),
      c.plain('owner_id', (r) => r.owner_id),
      c.plain('owner', (r) => r.owner_name),
      c.plain('team_id', (r) => r.team_id),
      c.plain('team', (r) => r.team_name),
      c.money(
        'mrr',
        (r) => r.mrr,
        (r) => r.currency,
      ),
      c.plain('currency', (r) => r.currency),
      c.instant('started_at', (r) => r.started_at),
      c.instant('ended_at', (r) => r.ended_at),
    ];
  },
  scopes: ['org', 'team', 'rep'],
  dates: ['started_at', 'ended_at'],
  days: false,
  sorts: ['id', 'account_name', 'mrr', 'started_at', 'ended_at'],
  defaultSort: { column: 'started_at', direction: 'desc' },
  filters: {
    accountId: idFilter('account_id'),
    channel: textFilter('channel'),
    segment: textFilter('segment'),
    industry: textFilter('industry'),
  },
  search: true,
  write: {
    ...subscriptionBody,
    fromRow: (r) => ({
      externalId: r.external_id,
      accountId: r.account_id,
      mrr: r.mrr,
      currency: r.currency,
      startedAt: r.started_at,
      endedAt: r.ended_at,
    }),
    defaults: (ctx) => ({ currency: ctx.org.currency }),
    check: (input, org) => {
      checkCurrency(input, org);
      checkOrder(input, 'startedAt', 'endedAt', 'a subscription ends after it starts');
    },
    toColumns: (i) => ({
      external_id: field.textOrNull(i, 'externalId'),
      account_id: field.num(i, 'accountId'),
      mrr: field.num(i, 'mrr'),
      currency: field.text(i, 'currency'),
      started_at: field.num(i, 'startedAt'),
      ended_at: field.numOrNull(i, 'endedAt'),
    }),
    refs: { accountId: 'account' },
    // Whoever may write the account may write its subscriptions.
    people: (_i, refs) => [(refs.accountId?.owner_id as number | null | undefined) ?? null],
    instants: (c) => [c.started_at, c.ended_at] as Array<number | null>,
    rolledUp: true,
  },
};
