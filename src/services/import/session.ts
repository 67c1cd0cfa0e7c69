/**
 * The state one import run shares between its steps: the transaction, the
 * in-memory directories, the counts, the rejected rows, and the span of
 * instants written (which rollups to refresh).
 */
import { notFound } from '../../core/errors.ts';
import type { ImportPlan } from '../../import/plan.ts';
import type { RejectsFile } from '../../import/rejects.ts';
import { addProblem, type ParsedRow, type Problem } from '../../import/rows.ts';
import { quote } from '../../import/text.ts';
import { detach } from '../../store/bulk-insert.ts';
import type { Db } from '../../store/db.ts';
import {
  type ImportTeamRow,
  insertAccount,
  insertTeam,
  loadAccounts,
  loadPeople,
  loadTeams,
  orgExists,
  type PersonRow,
} from '../../store/import-queries.ts';
import { createUser } from '../../store/user-queries.ts';
import { Accounts, People, Teams } from './directory.ts';

/** Problems kept in the report; the rest are counted, streamed to `onReject` and to the rejects file. */
export const MAX_REPORTED_PROBLEMS = 10_000;

export interface SessionOptions {
  createMissing: boolean;
  rejects: RejectsFile | null;
  onReject: ((problem: Problem) => void) | undefined;
}

export class ImportSession {
  inserted = 0;
  updated = 0;
  unchanged = 0;
  rejectedRows = 0;
  readonly problems: Problem[] = [];
  readonly created = { users: 0, teams: 0, accounts: 0 };
  fromMs = Number.POSITIVE_INFINITY;
  toMs = Number.NEGATIVE_INFINITY;
  /** Set when a change reaches rollup days outside the span of instants written. */
  refreshEverything = false;
  people!: People;
  teams!: Teams;
  /** Loaded only by imports that reference or import accounts. */
  accounts!: Accounts;

  constructor(
    readonly tx: Db,
    readonly orgId: number,
    readonly now: number,
    readonly plan: ImportPlan,
    readonly options: SessionOptions,
  ) {}

  async load() {
    // The import writes the org's id into every row it inserts.
    if (!(await orgExists(this.tx, this.orgId))) throw notFound(`Org ${this.orgId} does not exist.`);
    const { people, memberships } = await loadPeople(this.tx, this.orgId);
    this.people = new People(people, memberships);
    this.teams = new Teams(await loadTeams(this.tx, this.orgId));
    const { fields, name } = this.plan.entity;
    if (name === 'accounts' || ('account' in fields && this.plan.columns.has('account'))) {
      this.accounts = new Accounts(await loadAccounts(this.tx, this.orgId));
    }
  }

  /** Widens the span of instants whose rollups need refreshing. */
  touch(instant: unknown) {
    if (typeof instant !== 'number') return;
    if (instant < this.fromMs) this.fromMs = instant;
    if (instant > this.toMs) this.toMs = instant;
  }

  problem(row: ParsedRow, field: string, reason: string) {
    addProblem(this.plan, row, field, reason);
  }

  async reject(row: ParsedRow) {
    this.rejectedRows++;
    for (const problem of row.problems) {
      if (this.problems.length < MAX_REPORTED_PROBLEMS)
        this.problems.push({ ...problem, value: detach(problem.value) });
      this.options.onReject?.(problem);
    }
    const reason = row.problems.map((p) => (p.column ? `${p.column}: ${p.reason}` : p.reason)).join('; ');
    await this.options.rejects?.write(row.cells, reason);
  }

  /**
   * The person a cell names, created when missing under --create-missing;
   * null (with a problem on the row) when there is no single match.
   */
  async person(row: ParsedRow, field: string, role: PersonRow['role'] = 'rep'): Promise<PersonRow | null> {
    const text = row.values[field];
    if (typeof text !== 'string') return null;
    const by = this.plan.refModes.get(field) ?? this.plan.people;
    const match = this.people.find(text, by);
    if ('found' in match) return match.found;
    if ('ambiguous' in match) {
      this.problem(
        row,
        field,
        `${match.ambiguous} users match ${quote(text)}: reference them by e-mail or external id`,
      );
      return null;
    }
    if (!this.options.createMissing) {
      const how = by === 'auto' ? 'external id, e-mail or name' : by.replace('_', ' ');
      this.problem(row, field, `no user has the ${how} ${quote(text)} (--create-missing creates one)`);
      return null;
    }
    return this.createPerson(text, by, role, null);
  }

  /**
   * The account a cell names (by external id, then name), created when
   * missing under --create-missing; null (with a problem) otherwise.
   */
  async account(row: ParsedRow, field: string): Promise<number | null> {
    const text = row.values[field];
    if (typeof text !== 'string') return null;
    const by = this.plan.refModes.get(field) ?? this.plan.accounts;
    const match = this.accounts.find(text, by);
    if ('found' in match) return match.found.id;
    if ('ambiguous' in match) {
      this.problem(
        row,
        field,
        `${match.ambiguous} accounts are named ${quote(text)}: reference it by external id`,
      );
      return null;
    }
    if (!this.options.createMissing) {
      const how = by === 'auto' ? 'external id or name' : by.replace('_', ' ');
      this.problem(row, field, `no account has the ${how} ${quote(text)} (--create-missing creates it)`);
      return null;
    }
    const value = text.trim();
    const created = await insertAccount(
      this.tx,
      this.orgId,
      { name: value, externalId: by === 'external_id' ? value : null },
      this.now,
    );
    this.accounts.add(created);
    this.created.accounts++;
    return created.id;
  }

  async createPerson(
    text: string,
    by: string,
    role: PersonRow['role'],
    teamId: number | null,
  ): Promise<PersonRow> {
    const value = text.trim();
    const isEmail = by === 'email' || (by === 'auto' && value.includes('@'));
    const name = isEmail ? nameFromEmail(value) : value;
    const row = await createUser(
      this.tx,
      this.orgId,
      {
        name,
        email: isEmail ? value : this.placeholderEmail(name),
        role,
        teamId,
        externalId: by === 'external_id' ? value : null,
      },
      this.now,
    );
    const person: PersonRow = {
      id: row.id,
      name: row.name,
      email: row.email,
      external_id: row.external_id,
      role: row.role,
      team_id: row.team_id,
      segment: row.segment,
      hired_at: row.hired_at,
      left_at: row.left_at,
    };
    this.people.add(person);
    if (teamId !== null)
      this.people.addMembership({ user_id: row.id, team_id: teamId, from_at: this.now, to_at: null });
    this.created.users++;
    return person;
  }

  /**
   * An address for a user the file gives no e-mail for. The reserved .invalid
   * domain (RFC 2606) can never deliver mail, so nobody is signed up by accident;
   * an admin replaces it before inviting the user.
   */
  placeholderEmail(name: string): string {
    const slug =
      name
        .normalize('NFKD')
        .replace(/\p{M}/gu, '')
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '.')
        .replace(/^\.+|\.+$/g, '') || 'user';
    let email = `${slug}@users.invalid`;
    for (let n = 2; this.people.emailTaken(email); n++) email = `${slug}.${n}@users.invalid`;
    return email;
  }

  /** A team by name, created (top-level, or under `parent`) when missing under --create-missing. */
  async team(
    row: ParsedRow,
    field: string,
    name: string,
    parent: ImportTeamRow | null,
  ): Promise<ImportTeamRow | null> {
    const match = this.teams.findByName(name);
    if ('found' in match) return match.found;
    if ('ambiguous' in match) {
      this.problem(
        row,
        field,
        `${match.ambiguous} teams are named ${quote(name)}: rename one or import teams by external id`,
      );
      return null;
    }
    if (!this.options.createMissing) {
      this.problem(row, field, `no team is named ${quote(name)} (--create-missing creates it)`);
      return null;
    }
    return this.createTeam({ name, parent, managerId: null, externalId: null });
  }

  async createTeam(team: {
    name: string;
    parent: ImportTeamRow | null;
    managerId: number | null;
    externalId: string | null;
  }): Promise<ImportTeamRow> {
    const row = await insertTeam(
      this.tx,
      this.orgId,
      {
        ...team,
        name: detach(team.name),
        externalId: team.externalId === null ? null : detach(team.externalId),
      },
      this.now,
    );
    this.teams.add(row);
    this.created.teams++;
    return row;
  }
}

function nameFromEmail(email: string): string {
  const local = email.split('@')[0] ?? email;
  const words = local.split(/[._-]+/).filter(Boolean);
  return words.length > 0 ? words.map((w) => (w[0] ?? '').toUpperCase() + w.slice(1)).join(' ') : email;
}
