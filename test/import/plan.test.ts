import { describe, expect, it } from 'vitest';
import { ENTITIES } from '../../src/import/entities.ts';
import { parseMapping } from '../../src/import/mapping.ts';
import { buildPlan } from '../../src/import/plan.ts';
import { detectPreset, PRESETS } from '../../src/import/presets/index.ts';
import { describeProblem, RowReader } from '../../src/import/rows.ts';
import { org } from './org.ts';

describe('mapping file', () => {
  it('names the key that is wrong', () => {
    expect(() => parseMapping({ columns: {}, number: { thousands: ',', decimal: ',' } })).toThrow(
      /Mapping file: number: thousands and decimal separators must differ/,
    );
    expect(() => parseMapping({ number: { thousands: ',', decimal: ':' } })).toThrow(
      /Mapping file: number\.decimal:/,
    );
    expect(() => parseMapping({ colums: {} })).toThrow(/Mapping file: colums: is not a mapping key/);
    expect(() => parseMapping({ currency: 'DOLLARS' })).toThrow(/currency: is not an ISO 4217 currency code/);
    expect(() => parseMapping({ dateFormat: ['DD/MM'] })).toThrow(/dateFormat\.0: "DD\/MM" needs a year/);
    expect(() => parseMapping({ columns: { Rep: 7 } })).toThrow(/columns\.Rep:/);
    expect(() => parseMapping({ entity: 'opportunities' })).toThrow(/entity:/);
  });

  it('checks field names against the entity when the plan is built', () => {
    const mapping = parseMapping({ columns: { Rep: 'ownr' } });
    expect(() => buildPlan({ entity: ENTITIES.deals, org, header: ['Rep', 'created_at'], mapping })).toThrow(
      /columns\.Rep: "ownr" is not a field of deals \(fields: external_id, name, account, owner/,
    );
    const missing = parseMapping({ columns: { 'Rep Email': 'owner' } });
    expect(() =>
      buildPlan({ entity: ENTITIES.deals, org, header: ['Rep', 'created_at'], mapping: missing }),
    ).toThrow(/columns\.Rep Email: the file has no column "Rep Email" \(its columns: Rep, created_at\)/);
  });

  it('refuses a file that cannot feed a required field, before reading any row', () => {
    expect(() => buildPlan({ entity: ENTITIES.deals, org, header: ['name', 'amount'] })).toThrow(
      /Importing deals needs a created_at column, and no column is named so/,
    );
  });
});

describe('columns', () => {
  it('match field names loosely: case, blanks and punctuation do not count', () => {
    const plan = buildPlan({
      entity: ENTITIES.deals,
      org,
      header: ['External ID', 'Created At', 'CLOSED_AT', 'Expected close at', 'Notes'],
    });
    expect([...plan.columns]).toEqual([
      ['external_id', 0],
      ['created_at', 1],
      ['closed_at', 2],
      ['expected_close_at', 3],
    ]);
    expect(plan.ignored).toEqual(['Notes']);
  });
});

describe('presets', () => {
  it('are recognized from the header row', () => {
    const hubspot = [
      'Record ID',
      'Deal Name',
      'Deal Stage',
      'Amount',
      'Deal owner',
      'Close Date',
      'Create Date',
      'Pipeline',
    ];
    const report = [
      'Opportunity Owner',
      'Account Name',
      'Opportunity Name',
      'Stage',
      'Amount',
      'Close Date',
      'Created Date',
      'Probability (%)',
    ];
    const loader = [
      'Id',
      'OwnerId',
      'AccountId',
      'StageName',
      'Amount',
      'CloseDate',
      'CreatedDate',
      'IsClosed',
      'IsWon',
    ];
    const pipedrive = [
      'Deal - Title',
      'Deal - Value',
      'Deal - Currency of value',
      'Deal - Owner',
      'Deal - Stage',
      'Deal - Status',
      'Deal - Deal created',
    ];
    expect(detectPreset(hubspot)?.id).toBe('hubspot');
    expect(detectPreset(report)?.id).toBe('salesforce');
    expect(detectPreset(loader)?.id).toBe('salesforce');
    expect(detectPreset(pipedrive)?.id).toBe('pipedrive');
    expect(detectPreset(['external_id', 'name', 'stage', 'created_at'])).toBeUndefined();
  });

  it('match their labels loosely', () => {
    const plan = buildPlan({
      entity: ENTITIES.deals,
      org,
      preset: PRESETS.pipedrive,
      header: ['deal title', 'DEAL – VALUE', 'Deal-Deal Created', 'deal - status'],
    });
    expect([...plan.columns.keys()]).toEqual(['name', 'amount', 'status', 'created_at']);
  });
});

describe('row rules', () => {
  const read = (header: string[], cells: string[], mapping?: unknown) => {
    const plan = buildPlan({
      entity: ENTITIES.deals,
      org,
      header,
      mapping: mapping === undefined ? undefined : parseMapping(mapping),
    });
    return new RowReader(plan).read(2, cells);
  };
  const header = ['external_id', 'stage', 'amount', 'created_at', 'close_date'];

  it('derive the status from the stage and place the close date by it', () => {
    const won = read(header, ['1', 'Closed Won', '10', '2024-01-01', '2024-02-01']);
    expect(won.values).toMatchObject({ status: 'won', closed_at: Date.UTC(2024, 0, 31, 21) });
    const open = read(header, ['2', 'Demo', '10', '2024-01-01', '2024-02-01']);
    expect(open.values).toMatchObject({
      status: 'open',
      closed_at: null,
      expected_close_at: Date.UTC(2024, 0, 31, 21),
    });
    const mapped = read(header, ['3', 'Signed', '10', '2024-01-01', '2024-02-01'], {
      values: { status: { Signed: 'won', '*': 'open' } },
    });
    expect(mapped.values.status).toBe('won');
  });

  it('report every problem of a row with its column and value', () => {
    const row = read(header, ['4', 'won', '-5', 'soon', '']);
    expect(row.problems.map(describeProblem)).toEqual([
      'line 2, column "created_at": "soon" is not a date (expected YYYY-MM-DD)',
    ]);
    const money = read(header, ['5', 'won', '-5', '2024-01-01', '']);
    expect(money.problems.map(describeProblem)).toEqual([
      'line 2, column "amount": "-5" is negative: amounts must be 0 or more',
      'line 2, column "close_date": a won deal needs a close date',
    ]);
  });

  it('derive a stable external id from the key fields when the file has none', () => {
    const h = ['name', 'created_at', 'amount'];
    const a = read(h, ['Acme', '2024-01-01', '5']);
    const b = read(h, ['  acme ', '2024-01-01', '99']);
    const c = read(h, ['Acme', '2024-01-02', '5']);
    expect(a.externalId).toMatch(/^~/);
    // Blanks and case of the name, and non-key fields such as the amount, do not change the id.
    expect(b.externalId).toBe(a.externalId);
    expect(c.externalId).not.toBe(a.externalId);
  });
});
