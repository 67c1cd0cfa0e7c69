import type { z } from 'zod';
import type { Org } from '../../core/org.ts';
import type { Db } from '../../store/db.ts';
import type { FactEntity, FactRows, NewFact, WritableFact } from '../../store/fact-queries.ts';
import type { Ctx } from '../context.ts';
import type { CsvColumn } from '../export/csv.ts';

/** The entities of the API and of `hadaf export`, named as `hadaf import` names them. */
export const API_ENTITIES = [
  'teams',
  'users',
  'accounts',
  'subscriptions',
  'leads',
  'deals',
  'activities',
  'spend',
  'coaching',
] as const;
export type ApiEntity = (typeof API_ENTITIES)[number];

export type ScopeKind = 'org' | 'team' | 'rep';

/** A list filter: the query parameter, the column it compares with, and how its text is read. */
export interface FilterSpec {
  column: string;
  schema: z.ZodType<string | number>;
  /** The stored value a parameter stands for, when it is not the text itself ('true' -> 1). */
  toValue?: (value: string | number) => string | number;
}

/** A body after validation, before it becomes columns. */
export type Input = Record<string, unknown>;

/** Tables a body may point at; each reference must be a row of the same org. */
export type RefTable = 'app_user' | 'account' | 'deal' | 'lead';

/** The rows a body's references point at, by body field. */
export type LoadedRefs = Readonly<Record<string, Record<string, unknown> | undefined>>;

export interface WriteSpec<E extends WritableFact> {
  /** Body of POST: required fields required, every other optional. */
  create: z.ZodObject;
  /** Body of PATCH: every field optional; null clears a nullable one. */
  patch: z.ZodObject;
  /** A stored row as a body, so a patch is merged onto it and checked as a whole. */
  fromRow(row: FactRows[E]): Input;
  /** Values a new row takes when the body leaves them out. */
  defaults(ctx: Ctx, body: Input): Input;
  /** Rules across fields (a won deal has a close date, an end is not before its start); throws with the field. */
  check(input: Input, org: Org): void;
  toColumns(input: Input): Omit<NewFact<E>, 'team_id'>;
  /** Body fields that reference other rows. */
  refs: Readonly<Record<string, RefTable>>;
  /** Whose data the row is: a manager may write it when all of them are theirs. */
  people(input: Input, refs: LoadedRefs): Array<number | null>;
  /**
   * Whose team the row is attributed to, and at which instant (the event
   * time, docs/adr/0002): it sets `team_id`. Absent for tables without one.
   */
  teamOf?: (input: Input) => { userId: number | null; at: number };
  /** Every event instant of a stored row (or of the columns about to be stored): rollups are refreshed over them. */
  instants(columns: Record<string, unknown>): Array<number | null | undefined>;
  /** More instants whose rollups a change of this row moves (an account's subscriptions). */
  moreInstants?: (db: Db, orgId: number, id: number) => Promise<number[]>;
  /** The metric engine rolls this table up (spend it reads raw). */
  rolledUp: boolean;
}

export interface EntityDef<E extends FactEntity = FactEntity> {
  name: ApiEntity;
  table: E;
  /** One row, in messages: 'deal'. */
  noun: string;
  /** JSON of one row. */
  item: z.ZodObject;
  toItem(row: FactRows[E]): Record<string, unknown>;
  csv(org: Org): CsvColumn<FactRows[E]>[];
  scopes: readonly ScopeKind[];
  /** Instant columns `from`/`to`/`period` can apply to; the first is the default `dateField`. Empty: none. */
  dates: readonly string[];
  /** Rows span days (spend): `from`/`to`/`period` select the rows overlapping them. */
  days: boolean;
  /** Columns `sort` accepts. */
  sorts: readonly string[];
  defaultSort: { column: string; direction: 'asc' | 'desc' };
  filters: Readonly<Record<string, FilterSpec>>;
  /** `q` searches the row's name. */
  search: boolean;
  write?: E extends WritableFact ? WriteSpec<E> : never;
}
