import { z } from 'zod';
import { invalid } from '../../../core/errors.ts';
import type { FactRows } from '../../../store/fact-queries.ts';
import type { EntityDef } from '../entity.ts';
import { coachingKinds, externalIdField, instantField, out, refField } from '../fields.ts';
import { bodySchemas } from './body.ts';
import { choiceFilter, csvColumns, field } from './common.ts';

const item = z.object({
  id: out.id,
  externalId: out.text,
  coachId: out.ref,
  coachName: out.text,
  repId: out.ref,
  repName: out.text,
  teamId: out.ref.describe("The rep's team when it took place (the coach's without a rep)."),
  teamName: out.text,
  kind: z.enum(coachingKinds),
  hours: z.number(),
  occurredAt: z.number().int(),
});

const body = bodySchemas(
  {
    externalId: externalIdField,
    coachId: refField('coach (a user)'),
    repId: refField('rep coached or trained (a user)'),
    kind: z.enum(coachingKinds),
    hours: z.number().min(0).max(1000),
    occurredAt: instantField,
  },
  ['kind', 'hours', 'occurredAt'],
);

/** Coaching sessions (hours count for the coach) and trainings (counted for the rep). */
export const coaching: EntityDef<'coaching'> = {
  name: 'coaching',
  table: 'coaching',
  noun: 'coaching record',
  item,
  toItem: (r) => ({
    id: r.id,
    externalId: r.external_id,
    coachId: r.coach_id,
    coachName: r.coach_name,
    repId: r.rep_id,
    repName: r.rep_name,
    teamId: r.team_id,
    teamName: r.team_name,
    kind: r.kind,
    hours: r.hours,
    occurredAt: r.occurred_at,
  }),
  csv: (org) => {
    const c = csvColumns<FactRows['coaching']>(org);
    return [
      c.plain('id', (r) => r.id),
      c.plain('external_id', (r) => r.external_id),
      c.plain('coach_id', (r) => r.coach_id),
      c.plain('coach', (r) => r.coach_name),
      c.plain('rep_id', (r) => r.rep_id),
      c.plain('rep', (r) => r.rep_name),
      c.plain('team_id', (r) => r.team_id),
      c.plain('team', (r) => r.team_name),
      c.plain('kind', (r) => r.kind),
      c.plain('hours', (r) => r.hours),
      c.instant('occurred_at', (r) => r.occurred_at),
    ];
  },
  scopes: ['org', 'team', 'rep'],
  dates: ['occurred_at'],
  days: false,
  sorts: ['id', 'kind', 'hours', 'occurred_at'],
  defaultSort: { column: 'occurred_at', direction: 'desc' },
  filters: { kind: choiceFilter('kind', coachingKinds) },
  search: false,
  write: {
    ...body,
    fromRow: (r) => ({
      externalId: r.external_id,
      coachId: r.coach_id,
      repId: r.rep_id,
      kind: r.kind,
      hours: r.hours,
      occurredAt: r.occurred_at,
    }),
    defaults: () => ({}),
    check: (input) => {
      if (input.coachId == null && input.repId == null) {
        throw invalid('A coaching record needs a coach, a rep, or both.', 'repId');
      }
    },
    toColumns: (i) => ({
      external_id: field.textOrNull(i, 'externalId'),
      coach_id: field.numOrNull(i, 'coachId'),
      rep_id: field.numOrNull(i, 'repId'),
      kind: i.kind as 'coaching' | 'training',
      hours: field.num(i, 'hours'),
      occurred_at: field.num(i, 'occurredAt'),
    }),
    refs: { coachId: 'app_user', repId: 'app_user' },
    people: (i) => [field.numOrNull(i, 'coachId'), field.numOrNull(i, 'repId')],
    // As the demo data and imports do: the team of the rep coached, at the time.
    teamOf: (i) => ({
      userId: field.numOrNull(i, 'repId') ?? field.numOrNull(i, 'coachId'),
      at: field.num(i, 'occurredAt'),
    }),
    instants: (c) => [c.occurred_at] as Array<number | null>,
    rolledUp: true,
  },
};
