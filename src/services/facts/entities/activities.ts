import { z } from 'zod';
import { invalid } from '../../../core/errors.ts';
import type { FactRows } from '../../../store/fact-queries.ts';
import type { ActivityType } from '../../../store/schema.ts';
import type { EntityDef } from '../entity.ts';
import { activityTypes, externalIdField, instantField, out, refField } from '../fields.ts';
import { bodySchemas } from './body.ts';
import { choiceFilter, csvColumns, field, idFilter } from './common.ts';

const item = z.object({
  id: out.id,
  externalId: out.text,
  ownerId: out.ref,
  ownerName: out.text,
  teamId: out.ref.describe("The owner's team when it happened."),
  teamName: out.text,
  type: z.enum(activityTypes),
  occurredAt: z.number().int(),
  bookedAt: out.instant,
  qualified: z.boolean(),
  dealId: out.ref,
  dealName: out.text,
  leadId: out.ref,
  leadName: out.text,
  accountId: out.ref,
  accountName: out.text,
});

const body = bodySchemas(
  {
    externalId: externalIdField,
    ownerId: refField('user who did it (default: you)'),
    type: z.enum(activityTypes),
    occurredAt: instantField.describe('When it happened; for a demo, when it takes place.'),
    bookedAt: instantField.nullable().describe('Demos only: when the demo was booked.'),
    qualified: z.boolean().describe('Counts as a qualified sales conversation.'),
    dealId: refField('deal'),
    leadId: refField('lead'),
    accountId: refField('account'),
  },
  ['type', 'occurredAt'],
);

export const activities: EntityDef<'activity'> = {
  name: 'activities',
  table: 'activity',
  noun: 'activity',
  item,
  toItem: (r) => ({
    id: r.id,
    externalId: r.external_id,
    ownerId: r.owner_id,
    ownerName: r.owner_name,
    teamId: r.team_id,
    teamName: r.team_name,
    type: r.type,
    occurredAt: r.occurred_at,
    bookedAt: r.booked_at,
    qualified: r.qualified === 1,
    dealId: r.deal_id,
    dealName: r.deal_name,
    leadId: r.lead_id,
    leadName: r.lead_name,
    accountId: r.account_id,
    accountName: r.account_name,
  }),
  csv: (org) => {
    const c = csvColumns<FactRows['activity']>(org);
    return [
      c.plain('id', (r) => r.id),
      c.plain('external_id', (r) => r.external_id),
      c.plain('owner_id', (r) => r.owner_id),
      c.plain('owner', (r) => r.owner_name),
      c.plain('team_id', (r) => r.team_id),
      c.plain('team', (r) => r.team_name),
      c.plain('type', (r) => r.type),
      c.instant('occurred_at', (r) => r.occurred_at),
      c.instant('booked_at', (r) => r.booked_at),
      c.plain('qualified', (r) => r.qualified === 1),
      c.plain('deal_id', (r) => r.deal_id),
      c.plain('deal', (r) => r.deal_name),
      c.plain('lead_id', (r) => r.lead_id),
      c.plain('lead', (r) => r.lead_name),
      c.plain('account_id', (r) => r.account_id),
      c.plain('account', (r) => r.account_name),
    ];
  },
  scopes: ['org', 'team', 'rep'],
  // booked_at: demos booked are counted by when they were booked.
  dates: ['occurred_at', 'booked_at'],
  days: false,
  sorts: ['id', 'type', 'occurred_at', 'booked_at', 'qualified'],
  defaultSort: { column: 'occurred_at', direction: 'desc' },
  filters: {
    type: choiceFilter('type', activityTypes),
    qualified: {
      column: 'qualified',
      schema: z.enum(['true', 'false']).describe('true or false'),
      toValue: (v) => (v === 'true' ? 1 : 0),
    },
    dealId: idFilter('deal_id'),
    leadId: idFilter('lead_id'),
    accountId: idFilter('account_id'),
  },
  search: false,
  write: {
    ...body,
    fromRow: (r) => ({
      externalId: r.external_id,
      ownerId: r.owner_id,
      type: r.type,
      occurredAt: r.occurred_at,
      bookedAt: r.booked_at,
      qualified: r.qualified === 1,
      dealId: r.deal_id,
      leadId: r.lead_id,
      accountId: r.account_id,
    }),
    // Reps log their own activities: the owner defaults to whoever logs it.
    defaults: (ctx) => ({ ownerId: ctx.actor.kind === 'user' ? ctx.actor.userId : null, qualified: false }),
    check: (input) => {
      if (input.bookedAt != null && input.type !== 'demo') {
        throw invalid('Only demos have a booking time: clear bookedAt or set type to demo.', 'bookedAt');
      }
    },
    toColumns: (i) => ({
      external_id: field.textOrNull(i, 'externalId'),
      owner_id: field.numOrNull(i, 'ownerId'),
      type: i.type as ActivityType,
      occurred_at: field.num(i, 'occurredAt'),
      booked_at: field.numOrNull(i, 'bookedAt'),
      qualified: i.qualified === true ? 1 : 0,
      deal_id: field.numOrNull(i, 'dealId'),
      lead_id: field.numOrNull(i, 'leadId'),
      account_id: field.numOrNull(i, 'accountId'),
    }),
    refs: { ownerId: 'app_user', dealId: 'deal', leadId: 'lead', accountId: 'account' },
    people: (i) => [field.numOrNull(i, 'ownerId')],
    teamOf: (i) => ({ userId: field.numOrNull(i, 'ownerId'), at: field.num(i, 'occurredAt') }),
    instants: (c) => [c.occurred_at, c.booked_at] as Array<number | null>,
    rolledUp: true,
  },
};
