/**
 * Reading one CSV record into typed field values, and the checks that need
 * nothing but the row itself (a won deal needs a close date, amounts are not
 * negative...). Every problem names the line, the column and the value.
 * Every unreadable cell of a row is reported; the row rules run once all its
 * cells read (a rule about a value that could not be read would only repeat it).
 *
 * References to people, accounts, teams, deals and leads stay text here:
 * resolving them needs the database (src/services/import).
 */
import { createHash } from 'node:crypto';
import { dayOf, parsePeriod } from '../core/periods/index.ts';
import type { DealStatus } from '../store/schema.ts';
import { dayText } from './dates.ts';
import type { FieldSpec } from './entities.ts';
import {
  type Decimal,
  decimalToNumber,
  isCurrencyCode,
  minorDigits,
  notANumber,
  toMinorUnits,
} from './numbers.ts';
import { columnLabel, feeds, type ImportPlan, stageKey } from './plan.ts';
import { looseKey, nameKey, quote } from './text.ts';

export interface Problem {
  /** 1-based line in the file. */
  line: number;
  /** Header label of the column (or the field name when no column feeds it). */
  column: string;
  value: string;
  reason: string;
}

/** A record read into field values; `values` holds only fields the plan feeds. */
export interface ParsedRow {
  line: number;
  cells: readonly string[];
  values: Record<string, unknown>;
  /** The row's external id: from the file, or derived from its key fields (facts only). */
  externalId: string | null;
  problems: Problem[];
}

class Refusal {
  constructor(readonly reason: string) {}
}

type Reader = (text: string) => unknown;

interface FieldReader {
  field: string;
  index: number;
  label: string;
  fallback: string | undefined;
  map: ReadonlyMap<string, string> | undefined;
  read: Reader;
}

const TRUE = new Set(['true', 't', 'yes', 'y', '1', 'x', 'on', 'checked']);
const FALSE = new Set(['false', 'f', 'no', 'n', '0', 'off', 'unchecked']);

function readerFor(plan: ImportPlan, spec: FieldSpec): Reader {
  const { dates, clock, numbers, org } = plan;
  switch (spec.kind) {
    case 'money':
      return (text) => numbers.read(text) ?? new Refusal(notANumber(text, numbers));
    case 'integer':
    case 'decimal':
      return (text) => {
        const value = numbers.read(text);
        if (!value) return new Refusal(notANumber(text, numbers));
        if (value.negative) return new Refusal(`${quote(text)} is negative: use 0 or more`);
        if (spec.kind === 'integer' && /[1-9]/.test(value.fraction)) {
          return new Refusal(`${quote(text)} is not a whole number`);
        }
        return spec.kind === 'integer' ? Number(value.whole) : decimalToNumber(value);
      };
    case 'percent':
      return (text) => {
        const value = numbers.read(text.replace(/\s*%$/, ''));
        if (!value) return new Refusal(notANumber(text, numbers));
        const n = decimalToNumber(value);
        if (n < 0 || n > 100) return new Refusal(`${quote(text)} is not a percentage from 0 to 100`);
        return Math.round(n);
      };
    case 'currency':
      return (text) => {
        const code = text.toUpperCase();
        return isCurrencyCode(code)
          ? code
          : new Refusal(`${quote(text)} is not an ISO 4217 currency code such as USD`);
      };
    case 'instant':
      return (text) => {
        const reading = dates.read(text);
        return typeof reading === 'string' ? new Refusal(reading) : clock.instant(reading);
      };
    case 'day':
      return (text) => {
        const reading = dates.read(text);
        if (typeof reading === 'string') return new Refusal(reading);
        return reading.offsetMinutes === null
          ? dayText(reading)
          : dayOf(clock.instant(reading), clock.timeZone);
      };
    case 'period':
      return (text) => {
        try {
          return parsePeriod(text, org);
        } catch (error) {
          return new Refusal((error as Error).message.replace(/\.$/, ''));
        }
      };
    case 'bool':
      return (text) => {
        const key = text.toLowerCase();
        if (TRUE.has(key)) return 1;
        if (FALSE.has(key)) return 0;
        return new Refusal(`${quote(text)} is not true or false (use true/false, yes/no or 1/0)`);
      };
    case 'choice': {
      const choices = spec.choices ?? [];
      const byKey = new Map(choices.map((choice) => [looseKey(choice), choice]));
      return (text) =>
        byKey.get(looseKey(text)) ?? new Refusal(`${quote(text)} is not one of ${choices.join(', ')}`);
    }
    default:
      return (text) => text;
  }
}

/** Reads records of one plan: built once, then called per row. */
export class RowReader {
  private readonly readers: FieldReader[];
  private readonly width: number;
  private readonly stageStatus = new Map<string, DealStatus>();

  constructor(private readonly plan: ImportPlan) {
    this.width = plan.header.length;
    this.readers = Object.entries(plan.entity.fields)
      .filter(([field]) => feeds(plan, field))
      .map(([field, spec]) => ({
        field,
        index: plan.columns.get(field) ?? -1,
        label: columnLabel(plan, field),
        fallback: plan.defaults.get(field),
        map: plan.valueMaps.get(field),
        read: readerFor(plan, spec),
      }));
  }

  read(line: number, cells: readonly string[]): ParsedRow {
    const values: Record<string, unknown> = {};
    const row: ParsedRow = { line, cells, values, externalId: null, problems: [] };
    if (cells.length > this.width && cells.slice(this.width).some((cell) => cell.trim() !== '')) {
      row.problems.push({
        line,
        column: '',
        value: '',
        reason: `has ${cells.length} values but the header has ${this.width} columns (an unquoted comma?)`,
      });
      return row;
    }
    for (const reader of this.readers) {
      const raw = reader.index < 0 ? '' : (cells[reader.index] ?? '');
      let text = raw.trim();
      if (reader.map) {
        const mapped = reader.map.get(nameKey(text)) ?? reader.map.get('*');
        if (mapped !== undefined) text = mapped.trim();
      }
      if (text === '' && reader.fallback !== undefined) text = reader.fallback.trim();
      if (text === '') {
        values[reader.field] = null;
        continue;
      }
      const value = text.includes('\0')
        ? new Refusal('holds a NUL character, which cannot be stored')
        : reader.read(text);
      if (value instanceof Refusal) {
        row.problems.push({ line, column: reader.label, value: raw, reason: value.reason });
        values[reader.field] = null;
      } else {
        values[reader.field] = value;
      }
    }
    if (row.problems.length === 0) this.check(row);
    return row;
  }

  private problem(row: ParsedRow, field: string, reason: string) {
    addProblem(this.plan, row, field, reason);
  }

  /** Entity rules that need only the row; also sets the row's external id. */
  private check(row: ParsedRow) {
    const { plan } = this;
    const v = row.values;
    for (const group of plan.entity.required) {
      const present = group.filter((field) => feeds(plan, field));
      if (present.every((field) => v[field] == null)) {
        this.problem(
          row,
          present[0] ?? group[0] ?? '',
          `is blank, and every row of ${plan.entity.name} needs a value here`,
        );
      }
    }
    if (row.problems.length > 0) return;
    switch (plan.entity.name) {
      case 'deals':
        this.checkDeal(row);
        break;
      case 'subscriptions':
        this.money(row, 'mrr');
        if (v.ended_at != null && (v.ended_at as number) < (v.started_at as number)) {
          this.problem(row, 'ended_at', 'is before started_at');
        }
        break;
      case 'spend':
        this.checkSpend(row);
        break;
      case 'users':
        if (typeof v.email === 'string') {
          const email = v.email.toLowerCase();
          v.email = email;
          if (!/^[^\s@]+@[^\s@]+$/.test(email))
            this.problem(row, 'email', `${quote(email)} is not an e-mail address`);
        }
        break;
      default:
        break;
    }
    if (row.problems.length === 0) this.identify(row);
  }

  private checkDeal(row: ParsedRow) {
    const v = row.values;
    const plan = this.plan;
    if (feeds(plan, 'amount')) this.money(row, 'amount');
    let status = v.status as DealStatus | null | undefined;
    if (status == null && (v.is_won != null || v.is_closed != null)) {
      status = v.is_won === 1 ? 'won' : v.is_closed === 1 ? 'lost' : 'open';
    }
    if (status == null) status = this.statusOfStage(typeof v.stage === 'string' ? v.stage : '');
    v.status = status;
    v.stage = v.stage ?? status;
    const closeField = ['closed_at', status === 'won' ? 'won_at' : 'lost_at', 'close_date'].find(
      (field) => v[field] != null,
    );
    if (status === 'open') {
      if (v.closed_at != null) {
        this.problem(
          row,
          'closed_at',
          'is set on an open deal (map the column to close_date if it is the expected close)',
        );
      }
      v.closed_at = null;
      if (feeds(plan, 'expected_close_at') || feeds(plan, 'close_date')) {
        v.expected_close_at = v.expected_close_at ?? v.close_date ?? null;
      }
    } else if (closeField === undefined) {
      const column = ['closed_at', 'close_date', status === 'won' ? 'won_at' : 'lost_at'].find((f) =>
        feeds(plan, f),
      );
      this.problem(
        row,
        column ?? (feeds(plan, 'status') ? 'status' : 'stage'),
        `a ${status} deal needs a close date`,
      );
    } else {
      v.closed_at = v[closeField];
    }
  }

  private statusOfStage(stage: string): DealStatus {
    let status = this.stageStatus.get(stage);
    if (status === undefined) {
      status = this.stageRule(stage);
      // A file has a handful of stage names; the cap only guards against a column of unique values.
      if (this.stageStatus.size < 10_000) this.stageStatus.set(stage, status);
    }
    return status;
  }

  private stageRule(stage: string): DealStatus {
    const key = stageKey(stage);
    const mapped = this.plan.stageStatus.get(key) ?? this.plan.stageStatus.get('*');
    if (mapped) return mapped;
    if (key === 'won' || key === 'closedwon') return 'won';
    if (key === 'lost' || key === 'closedlost') return 'lost';
    return 'open';
  }

  private checkSpend(row: ParsedRow) {
    const v = row.values;
    this.money(row, 'amount');
    const period = v.period as { start: string; end: string } | null | undefined;
    if (period) {
      v.period_start = v.period_start ?? period.start;
      v.period_end = v.period_end ?? period.end;
    }
    if (v.period_end == null) v.period_end = v.period_start;
    if ((v.period_end as string) < (v.period_start as string)) {
      this.problem(
        row,
        'period_end',
        `${quote(String(v.period_end))} is before the period start ${v.period_start}`,
      );
    }
  }

  /**
   * Turns a money cell into minor units of the row's currency: the currency
   * column, else a code written beside the amount, else the plan's currency.
   */
  private money(row: ParsedRow, field: string) {
    const v = row.values;
    const amount = v[field] as Decimal | null;
    const column = v.currency as string | null | undefined;
    let currency = column ?? this.plan.currency;
    if (amount?.currency) {
      if (column && column !== amount.currency) {
        this.problem(row, field, `is in ${amount.currency}, but the row's currency is ${column}`);
        return;
      }
      if (!isCurrencyCode(amount.currency)) {
        this.problem(row, field, `${quote(amount.currency)} is not an ISO 4217 currency code`);
        return;
      }
      currency = amount.currency;
    }
    v.currency = currency;
    if (amount == null) {
      v[field] = 0;
      return;
    }
    const minor = toMinorUnits(amount, minorDigits(currency));
    if (minor === null) this.problem(row, field, 'is too large');
    else if (minor < 0) this.problem(row, field, 'is negative: amounts must be 0 or more');
    else v[field] = minor;
  }

  private identify(row: ParsedRow) {
    const given = row.values.external_id;
    if (typeof given === 'string') {
      row.externalId = given;
      return;
    }
    const keyFields = this.plan.entity.keyFields;
    if (!keyFields) return;
    const key = keyFields.map((field) => {
      const value = row.values[field];
      return typeof value === 'string' ? nameKey(value) : (value ?? null);
    });
    if (key.every((value) => value === null)) {
      this.problem(
        row,
        'external_id',
        `has no external id and none of ${keyFields.join(', ')} to tell it apart`,
      );
      return;
    }
    row.externalId = derivedId(this.plan.entity.name, key);
  }
}

/** A stable id for a row without one: re-importing the same row finds it again. */
export function derivedId(entity: string, key: unknown[]): string {
  return `~${createHash('sha1')
    .update(JSON.stringify([entity, ...key]))
    .digest('base64url')
    .slice(0, 22)}`;
}

/** Records a problem with `field` on a row, naming the column that feeds it and the cell's text. */
export function addProblem(plan: ImportPlan, row: ParsedRow, field: string, reason: string) {
  const index = plan.columns.get(field);
  const value = index === undefined ? '' : (row.cells[index] ?? '');
  row.problems.push({
    line: row.line,
    column: columnLabel(plan, field),
    value,
    reason: reasonAbout(value, reason),
  });
}

/** One line a person reads: `line 14, column "Close Date": "31/02/2024" is not a date (expected YYYY-MM-DD)`. */
export function describeProblem(problem: Problem): string {
  return `line ${problem.line}${problem.column ? `, column ${quote(problem.column)}` : ''}: ${problem.reason}`;
}

/** A reason about the value ("is negative") is prefixed with the value itself, quoted. */
export function reasonAbout(value: string, reason: string): string {
  return /^(is|has) /.test(reason) && value !== '' ? `${quote(value)} ${reason}` : reason;
}
