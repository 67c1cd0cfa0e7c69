/**
 * The org's people, teams and accounts held in memory during an import: a
 * file names owners, managers, teams and accounts on every row, so each
 * lookup is a map read instead of a query, and names match loosely (case,
 * blanks, any alphabet) the same way on both dialects. Their size is the
 * org's, not the file's. Rows the import creates are added as it goes.
 */
import type { Mapping } from '../../import/mapping.ts';
import { nameKey } from '../../import/text.ts';
import type { AccountRef, ImportTeamRow, MembershipRow, PersonRow } from '../../store/import-queries.ts';

export type Lookup<T> = { found: T } | { ambiguous: number } | { missing: true };

function pick<T>(rows: readonly T[] | undefined): Lookup<T> {
  if (!rows || rows.length === 0) return { missing: true };
  if (rows.length > 1) return { ambiguous: rows.length };
  return { found: rows[0] as T };
}

function addTo<T>(map: Map<string, T[]>, key: string | null, row: T) {
  if (key === null || key === '') return;
  const list = map.get(key);
  if (list) list.push(row);
  else map.set(key, [row]);
}

export class People {
  private readonly byExternalId = new Map<string, PersonRow[]>();
  private readonly byEmail = new Map<string, PersonRow[]>();
  private readonly byName = new Map<string, PersonRow[]>();
  private readonly history = new Map<number, MembershipRow[]>();
  private readonly byId = new Map<number, PersonRow>();

  constructor(people: readonly PersonRow[], memberships: readonly MembershipRow[]) {
    for (const person of people) this.add(person);
    for (const membership of memberships) this.addMembership(membership);
  }

  add(person: PersonRow) {
    this.byId.set(person.id, person);
    addTo(this.byExternalId, person.external_id, person);
    addTo(this.byEmail, person.email.toLowerCase(), person);
    addTo(this.byName, nameKey(person.name), person);
  }

  /** Re-indexes a person whose name, e-mail or external id changed. */
  replace(before: PersonRow, after: PersonRow) {
    const drop = (map: Map<string, PersonRow[]>, key: string | null) => {
      if (key === null) return;
      const list = map.get(key)?.filter((p) => p.id !== before.id);
      if (list && list.length > 0) map.set(key, list);
      else map.delete(key);
    };
    drop(this.byExternalId, before.external_id);
    drop(this.byEmail, before.email.toLowerCase());
    drop(this.byName, nameKey(before.name));
    this.add(after);
  }

  addMembership(membership: MembershipRow) {
    const list = this.history.get(membership.user_id);
    if (list) list.push(membership);
    else this.history.set(membership.user_id, [membership]);
  }

  /** Ends the open membership at `at` and opens one in `teamId`, as moveUserToTeam does in the store. */
  moveTo(userId: number, teamId: number, at: number) {
    for (const m of this.history.get(userId) ?? []) if (m.to_at === null) m.to_at = at;
    this.addMembership({ user_id: userId, team_id: teamId, from_at: at, to_at: null });
    const person = this.byId.get(userId);
    if (person) person.team_id = teamId;
  }

  get(id: number): PersonRow | undefined {
    return this.byId.get(id);
  }

  emailTaken(email: string): boolean {
    return this.byEmail.has(email.toLowerCase());
  }

  /** A person referenced by external id, e-mail or full name; `auto` tries them in that order. */
  find(text: string, by: Mapping['people']): Lookup<PersonRow> {
    const value = text.trim();
    if (by === 'external_id') return pick(this.byExternalId.get(value));
    if (by === 'email') return pick(this.byEmail.get(value.toLowerCase()));
    if (by === 'name') return pick(this.byName.get(nameKey(value)));
    if (value.includes('@')) return pick(this.byEmail.get(value.toLowerCase()));
    const byId = this.byExternalId.get(value);
    return byId ? pick(byId) : pick(this.byName.get(nameKey(value)));
  }

  /**
   * The team a person belonged to at an instant: the membership in force
   * then, else (no history covers it) their current team.
   */
  teamAt(userId: number, at: number): number | null {
    const memberships = this.history.get(userId);
    if (memberships) {
      for (const m of memberships)
        if (m.from_at <= at && (m.to_at === null || at < m.to_at)) return m.team_id;
    }
    return this.byId.get(userId)?.team_id ?? null;
  }
}

export class Teams {
  private readonly byExternalId = new Map<string, ImportTeamRow[]>();
  private readonly byName = new Map<string, ImportTeamRow[]>();
  private readonly byId = new Map<number, ImportTeamRow>();

  constructor(teams: readonly ImportTeamRow[]) {
    for (const team of teams) this.add(team);
  }

  add(team: ImportTeamRow) {
    this.byId.set(team.id, team);
    addTo(this.byExternalId, team.external_id, team);
    addTo(this.byName, nameKey(team.name), team);
  }

  replace(before: ImportTeamRow, after: ImportTeamRow) {
    const drop = (map: Map<string, ImportTeamRow[]>, key: string | null) => {
      if (key === null) return;
      const list = map.get(key)?.filter((t) => t.id !== before.id);
      if (list && list.length > 0) map.set(key, list);
      else map.delete(key);
    };
    drop(this.byExternalId, before.external_id);
    drop(this.byName, nameKey(before.name));
    this.add(after);
    // Descendants' paths changed with a move: keep them in step with the store.
    if (before.path !== after.path) {
      for (const team of this.byId.values()) {
        if (team.id !== after.id && team.path.startsWith(before.path)) {
          team.path = after.path + team.path.slice(before.path.length);
        }
      }
    }
  }

  get(id: number): ImportTeamRow | undefined {
    return this.byId.get(id);
  }

  findByName(name: string): Lookup<ImportTeamRow> {
    return pick(this.byName.get(nameKey(name)));
  }

  findByExternalId(id: string): ImportTeamRow | undefined {
    return this.byExternalId.get(id)?.[0];
  }

  /** Teams a person manages, those under `parent` first. */
  managedBy(userId: number, parent: ImportTeamRow | null): ImportTeamRow[] {
    const teams = [...this.byId.values()].filter((t) => t.manager_id === userId);
    return parent
      ? teams.sort((a, b) => Number(b.parent_id === parent.id) - Number(a.parent_id === parent.id))
      : teams;
  }
}

export class Accounts {
  private readonly byExternalId = new Map<string, AccountRef>();
  private readonly byName = new Map<string, AccountRef[]>();

  constructor(accounts: readonly AccountRef[]) {
    for (const account of accounts) this.add(account);
  }

  add(account: AccountRef) {
    if (account.external_id !== null) this.byExternalId.set(account.external_id, account);
    addTo(this.byName, nameKey(account.name), account);
  }

  replace(before: AccountRef, after: AccountRef) {
    if (before.external_id !== null) this.byExternalId.delete(before.external_id);
    const key = nameKey(before.name);
    const rest = this.byName.get(key)?.filter((a) => a !== before && a.id !== before.id);
    if (rest && rest.length > 0) this.byName.set(key, rest);
    else this.byName.delete(key);
    this.add(after);
  }

  /** An account referenced by external id or name; `auto` tries the external id first. */
  find(text: string, by: Mapping['accounts'] | 'external_id'): Lookup<AccountRef> {
    const value = text.trim();
    if (by !== 'name') {
      const byId = this.byExternalId.get(value);
      if (byId || by === 'external_id') return byId ? { found: byId } : { missing: true };
    }
    return pick(this.byName.get(nameKey(value)));
  }

  named(name: string): readonly AccountRef[] {
    return this.byName.get(nameKey(name)) ?? [];
  }
}
