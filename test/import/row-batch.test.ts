import { describe, expect, it } from 'vitest';
import { CsvParser, type CsvRecord } from '../../src/import/csv.ts';
import { ENTITIES, type EntityName } from '../../src/import/entities.ts';
import { buildPlan } from '../../src/import/plan.ts';
import { packRows, unpackRows } from '../../src/import/row-batch.ts';
import { type ParsedRow, RowReader } from '../../src/import/rows.ts';
import { org } from './org.ts';

/** The rows of `text` as RowReader reads them, with the records they came from. */
function read(entity: EntityName, text: string) {
  const parser = new CsvParser(',', { keepText: true });
  const records = parser.end(parser.push(text));
  const header = (records.shift() as CsvRecord).values;
  const reader = new RowReader(buildPlan({ entity: ENTITIES[entity], org, header }));
  return { records, rows: records.map((r) => reader.read(r.line, r.values)) };
}

/** Everything a row holds, its cells and the order of its value keys included. */
const whole = (row: ParsedRow) => ({
  line: row.line,
  cells: [...row.cells],
  values: row.values,
  keys: Object.keys(row.values),
  externalId: row.externalId,
  problems: row.problems,
});

/** Packs, posts (a structured clone, as postMessage makes) and unpacks. */
function roundTrip(rows: ParsedRow[], records: CsvRecord[]) {
  const batch = structuredClone(
    packRows(
      rows,
      records.map((r) => r.text as string),
    ),
  );
  return unpackRows(batch, ',');
}

describe('row batches', () => {
  it('give back the rows RowReader read: values and their order, ids, problems, and the cells', () => {
    const text = [
      'external_id,name,owner,amount,stage,created_at,closed_at,probability',
      'D1,"Acme, Inc.",ann@x.test,"1,200.50",Won,2024-01-02 9:05,2024-02-01,40',
      'D2,"Says ""hi""\nacross lines",bob@x.test,,Open,2024-01-03,,',
      'D3,Bad,ann@x.test,-5,Won,2024-13-01,,',
      'D4,Wide,ann@x.test,1,Open,2024-01-03,,,extra',
      ',No id,,7,Lost,2024-01-04,2024-01-05,101',
      'D6,Plain,cy@x.test,3,Open,2024-01-05,,0',
    ].join('\r\n');
    const { rows, records } = read('deals', text);
    expect(rows.some((r) => r.problems.length > 0)).toBe(true);
    expect(roundTrip(rows, records).map(whole)).toEqual(rows.map(whole));
  });

  it('give back columns of many distinct texts, numbers and nulls, and a row that set fewer keys', () => {
    const lines = ['external_id,name,stage,amount,created_at'];
    // Every stage distinct: too many for a dictionary, so the texts travel joined.
    for (let i = 0; i < 300; i++) lines.push(`D${i},Deal ${i},Stage ${i},${i % 7 === 0 ? '' : i},2024-01-01`);
    lines.push('D300,"Extra, too",Stage x,1,2024-01-01,surplus');
    const { rows, records } = read('deals', `${lines.join('\n')}\n`);
    const last = rows.at(-1) as ParsedRow;
    expect(Object.keys(last.values)).toEqual([]);
    expect(roundTrip(rows, records).map(whole)).toEqual(rows.map(whole));
  });

  it('give back the rows of other entities, objects among the values', () => {
    const text = 'period,channel,category,amount\n2024-03,Web,marketing,"1,000"\n2024-Q2,,sales,5\n';
    const { rows, records } = read('spend', text);
    expect(typeof rows[0]?.values.period).toBe('object');
    expect(roundTrip(rows, records).map(whole)).toEqual(rows.map(whole));
  });
});
