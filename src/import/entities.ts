/**
 * What can be imported: every entity of SPEC §1 and the fields a file can
 * feed. A field name is also the column header Hadaf reads without a preset
 * or mapping (matched loosely, so "Closed At" feeds closed_at).
 */
import type { FactTable } from '../store/schema.ts';

export type EntityName =
  | 'teams'
  | 'users'
  | 'accounts'
  | 'subscriptions'
  | 'leads'
  | 'deals'
  | 'activities'
  | 'spend'
  | 'coaching';

export const ENTITY_NAMES: readonly EntityName[] = [
  'teams',
  'users',
  'accounts',
  'subscriptions',
  'leads',
  'deals',
  'activities',
  'spend',
  'coaching',
];

const ALIASES: Record<string, EntityName> = {
  team: 'teams',
  user: 'users',
  rep: 'users',
  reps: 'users',
  account: 'accounts',
  customers: 'accounts',
  subscription: 'subscriptions',
  lead: 'leads',
  deal: 'deals',
  opportunities: 'deals',
  activity: 'activities',
  training: 'coaching',
};

/** The entity a name (plural, singular or alias) stands for, or undefined. */
export function entityNamed(name: string): EntityName | undefined {
  const key = name.trim().toLowerCase();
  return (ENTITY_NAMES as readonly string[]).includes(key) ? (key as EntityName) : ALIASES[key];
}

export type FieldKind =
  | 'id'
  | 'text'
  | 'money'
  | 'currency'
  | 'instant'
  | 'day'
  | 'period'
  | 'bool'
  | 'integer'
  | 'decimal'
  | 'percent'
  | 'choice'
  | 'person'
  | 'account'
  | 'team'
  | 'deal'
  | 'lead';

export interface FieldSpec {
  kind: FieldKind;
  /** For `choice`: the stored values. */
  choices?: readonly string[];
  doc: string;
}

export interface EntitySpec {
  name: EntityName;
  table: FactTable;
  fields: Readonly<Record<string, FieldSpec>>;
  /** Each inner list: at least one of these fields needs a column. */
  required: readonly (readonly string[])[];
  /**
   * Fields whose values identify a row that has no external id (hashed into
   * a stable one). Null: the entity is matched by its name or e-mail instead.
   */
  keyFields: readonly string[] | null;
}

const externalId: FieldSpec = {
  kind: 'id',
  doc: 'Id of the row in the source system; re-imports update by it.',
};
const text = (doc: string): FieldSpec => ({ kind: 'text', doc });
const instant = (doc: string): FieldSpec => ({ kind: 'instant', doc });
const person = (doc: string): FieldSpec => ({ kind: 'person', doc });

export const ENTITIES: Readonly<Record<EntityName, EntitySpec>> = {
  teams: {
    name: 'teams',
    table: 'team',
    fields: {
      external_id: externalId,
      name: text('Team name (teams are matched by name when there is no external id).'),
      parent: { kind: 'team', doc: 'Name of the parent team; blank for a top-level team.' },
      manager: person('The team manager: external id, e-mail or full name of a user.'),
    },
    required: [['name']],
    keyFields: null,
  },
  users: {
    name: 'users',
    table: 'app_user',
    fields: {
      external_id: externalId,
      name: text('Full name.'),
      email: text('E-mail; users are matched by it when there is no external id.'),
      role: {
        kind: 'choice',
        choices: ['admin', 'manager', 'rep'],
        doc: 'admin, manager or rep (default rep).',
      },
      team: { kind: 'team', doc: 'Name of the team the user belongs to.' },
      parent_team: { kind: 'team', doc: 'Name of the parent of that team (builds the tree).' },
      manager: person(
        "The user's manager; without a team column the user joins the team this person manages.",
      ),
      segment: text('Segment the rep sells to, e.g. enterprise or SMB.'),
      hired_at: instant('Hire date; team history starts here.'),
      left_at: instant('Leaving date.'),
    },
    required: [['name', 'email']],
    keyFields: null,
  },
  accounts: {
    name: 'accounts',
    table: 'account',
    fields: {
      external_id: externalId,
      name: text('Account (customer) name; matched by name when there is no external id.'),
      industry: text('Industry.'),
      segment: text('Segment.'),
      channel: text('Source or channel the customer came from.'),
      owner: person('Account owner.'),
      acquired_at: instant('When it became a customer.'),
      churned_at: instant('When it stopped being one.'),
      created_at: instant('When the account was created (default: acquired_at, else the import time).'),
    },
    required: [['name']],
    keyFields: null,
  },
  subscriptions: {
    name: 'subscriptions',
    table: 'subscription',
    fields: {
      external_id: externalId,
      account: { kind: 'account', doc: 'The account: its external id or name.' },
      mrr: { kind: 'money', doc: 'Monthly recurring revenue, in `currency`.' },
      currency: {
        kind: 'currency',
        doc: 'ISO 4217 code (default: mapping currency, else the org currency).',
      },
      started_at: instant('Start.'),
      ended_at: instant('End (blank while active).'),
    },
    required: [['account'], ['mrr'], ['started_at']],
    keyFields: ['account', 'started_at'],
  },
  leads: {
    name: 'leads',
    table: 'lead',
    fields: {
      external_id: externalId,
      name: text('Lead name.'),
      owner: person('Lead owner.'),
      account: { kind: 'account', doc: 'Account the lead belongs to.' },
      channel: text('Source or channel.'),
      industry: text('Industry.'),
      segment: text('Segment.'),
      created_at: instant('When the lead came in.'),
      mql_at: instant('Became a marketing-qualified lead.'),
      sql_at: instant('Became a sales-qualified lead.'),
      converted_at: instant('Became a customer.'),
      disqualified_at: instant('Was disqualified.'),
    },
    required: [['created_at']],
    keyFields: ['name', 'account', 'channel', 'created_at'],
  },
  deals: {
    name: 'deals',
    table: 'deal',
    fields: {
      external_id: externalId,
      name: text('Deal name.'),
      account: { kind: 'account', doc: 'The account: its external id or name.' },
      owner: person('Deal owner.'),
      amount: { kind: 'money', doc: 'Deal value in `currency`; blank is 0; negative is refused.' },
      currency: {
        kind: 'currency',
        doc: 'ISO 4217 code (default: mapping currency, else the org currency).',
      },
      units: { kind: 'integer', doc: 'Units sold (default 1).' },
      product: text('Product.'),
      stage: text('Pipeline stage as the CRM names it.'),
      status: {
        kind: 'choice',
        choices: ['open', 'won', 'lost'],
        doc: 'open, won or lost; without it, derived from the stage.',
      },
      is_won: { kind: 'bool', doc: 'Salesforce IsWon: true makes the deal won.' },
      is_closed: { kind: 'bool', doc: 'Salesforce IsClosed: true and not won makes the deal lost.' },
      probability: { kind: 'percent', doc: 'Win probability 0-100.' },
      channel: text('Source or channel.'),
      industry: text('Industry.'),
      segment: text('Segment.'),
      created_at: instant('When the deal was created.'),
      closed_at: instant('When it was won or lost (refused on an open deal).'),
      close_date: instant(
        "A CRM's close date: when the deal closed if it is won or lost, the expected close while it is open.",
      ),
      won_at: instant('Won time (Pipedrive): the close date of a won deal.'),
      lost_at: instant('Lost time (Pipedrive): the close date of a lost deal.'),
      expected_close_at: instant('Expected close date.'),
    },
    required: [['created_at']],
    keyFields: ['name', 'account', 'product', 'created_at'],
  },
  activities: {
    name: 'activities',
    table: 'activity',
    fields: {
      external_id: externalId,
      owner: person('Who did it.'),
      type: {
        kind: 'choice',
        choices: ['call', 'email', 'meeting', 'demo', 'discovery_call'],
        doc: 'call, email, meeting, demo or discovery_call.',
      },
      occurred_at: instant('When it happened (for a demo: when it takes place).'),
      booked_at: instant('For demos: when it was booked.'),
      qualified: { kind: 'bool', doc: 'Counts as qualified (true/false, yes/no, 1/0).' },
      deal: { kind: 'deal', doc: 'External id of the deal it belongs to.' },
      lead: { kind: 'lead', doc: 'External id of the lead it belongs to.' },
      account: { kind: 'account', doc: 'The account: its external id or name.' },
    },
    required: [['type'], ['occurred_at']],
    keyFields: ['owner', 'type', 'occurred_at', 'deal', 'lead', 'account'],
  },
  spend: {
    name: 'spend',
    table: 'spend',
    fields: {
      external_id: externalId,
      period: { kind: 'period', doc: 'The period covered: 2024-03, 2024-Q1, 2024, FY2025...' },
      period_start: { kind: 'day', doc: 'First day covered.' },
      period_end: { kind: 'day', doc: 'Last day covered (inclusive).' },
      channel: text('Channel the money went to.'),
      category: { kind: 'choice', choices: ['sales', 'marketing'], doc: 'sales or marketing.' },
      amount: { kind: 'money', doc: 'Amount spent in `currency`.' },
      currency: {
        kind: 'currency',
        doc: 'ISO 4217 code (default: mapping currency, else the org currency).',
      },
    },
    required: [['period', 'period_start'], ['category'], ['amount']],
    keyFields: ['period_start', 'period_end', 'channel', 'category'],
  },
  coaching: {
    name: 'coaching',
    table: 'coaching',
    fields: {
      external_id: externalId,
      coach: person('Who coached or trained.'),
      rep: person('Who was coached or trained.'),
      kind: { kind: 'choice', choices: ['coaching', 'training'], doc: 'coaching or training.' },
      hours: { kind: 'decimal', doc: 'Hours spent.' },
      occurred_at: instant('When it took place.'),
    },
    required: [['kind'], ['hours'], ['occurred_at']],
    keyFields: ['coach', 'rep', 'kind', 'occurred_at'],
  },
};
