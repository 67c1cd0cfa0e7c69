/**
 * Importing teams and users: small files (an org has thousands of people at
 * most) whose rows build on each other — a team names its parent, a rep names
 * a manager whose team may not exist yet — so rows are handled one by one.
 *
 * A `rep, manager, region` file (users with the manager and parent_team
 * fields) builds the tree region -> manager's team -> rep: the rep joins the
 * team the manager manages, created as "<manager>'s team" under the region
 * when missing (with --create-missing). A manager with no team joins the
 * team they manage.
 */
import type { ParsedRow } from '../../import/rows.ts';
import { nameKey, quote } from '../../import/text.ts';
import { detach } from '../../store/bulk-insert.ts';
import {
  type ImportRow,
  type ImportTeamRow,
  insertTeam,
  moveTeam,
  type PersonRow,
  renameTeam,
  updateRow,
} from '../../store/import-queries.ts';
import { setTeamManager } from '../../store/team-queries.ts';
import { createUser, moveUserToTeam } from '../../store/user-queries.ts';
import type { ImportSession } from './session.ts';

/** What this run already decided for a team, so a later row cannot contradict it unnoticed. */
interface TeamDecision {
  line: number;
  parentId: number | null | undefined;
  managerId: number | null | undefined;
}

abstract class TreeImporter {
  /** Team id -> the line that placed it. */
  protected readonly decisions = new Map<number, TeamDecision>();

  constructor(protected readonly session: ImportSession) {}

  async init() {}

  protected get fed() {
    return (field: string) => this.session.plan.columns.has(field) || this.session.plan.defaults.has(field);
  }

  /** Puts `team` under `parent` and gives it `manager`, unless an earlier line of the file said otherwise. */
  protected async place(
    row: ParsedRow,
    team: ImportTeamRow,
    parent: ImportTeamRow | null | undefined,
    managerId: number | null | undefined,
    fields: { parent: string; manager: string },
  ): Promise<boolean> {
    const { session } = this;
    const earlier = this.decisions.get(team.id);
    if (parent !== undefined) {
      const parentId = parent?.id ?? null;
      if (earlier?.parentId !== undefined && earlier.parentId !== parentId) {
        session.problem(
          row,
          fields.parent,
          `puts ${quote(team.name)} under another team than line ${earlier.line} did`,
        );
        return false;
      }
      if (parent?.path.startsWith(team.path)) {
        session.problem(
          row,
          fields.parent,
          `would put ${quote(team.name)} inside its own sub-team ${quote(parent.name)}`,
        );
        return false;
      }
    }
    if (managerId !== undefined && earlier?.managerId !== undefined && earlier.managerId !== managerId) {
      session.problem(
        row,
        fields.manager,
        `gives ${quote(team.name)} another manager than line ${earlier.line} did`,
      );
      return false;
    }
    let changed = false;
    if (parent !== undefined && team.parent_id !== (parent?.id ?? null)) {
      const before = { ...team };
      await moveTeam(session.tx, session.orgId, team, parent);
      team.parent_id = parent?.id ?? null;
      team.path = `${parent?.path ?? '/'}${team.id}/`;
      session.teams.replace(before, team);
      changed = true;
    }
    if (managerId !== undefined && team.manager_id !== managerId) {
      await setTeamManager(session.tx, session.orgId, team.id, managerId);
      team.manager_id = managerId;
      changed = true;
    }
    if (managerId != null) await this.joinIfTeamless(managerId, team);
    this.decisions.set(team.id, {
      line: earlier?.line ?? row.line,
      parentId: parent === undefined ? earlier?.parentId : (parent?.id ?? null),
      managerId: managerId === undefined ? earlier?.managerId : managerId,
    });
    return changed;
  }

  protected async joinIfTeamless(userId: number, team: ImportTeamRow) {
    const person = this.session.people.get(userId);
    if (!person || person.team_id !== null) return;
    await moveUserToTeam(this.session.tx, this.session.orgId, userId, team.id, this.session.now);
    this.session.people.moveTo(userId, team.id, this.session.now);
  }

  /** The team a file row names: by external id, else by name (adopting a team that has no external id). */
  protected existingTeam(row: ParsedRow, name: string): ImportTeamRow | null | undefined {
    const { teams } = this.session;
    const byId = row.externalId === null ? undefined : teams.findByExternalId(row.externalId);
    if (byId) return byId;
    const match = teams.findByName(name);
    if ('ambiguous' in match) {
      this.session.problem(
        row,
        'name',
        `${match.ambiguous} teams are named ${quote(name)}: add an external id column`,
      );
      return null;
    }
    if ('found' in match && (row.externalId === null || match.found.external_id === null)) return match.found;
    return undefined;
  }
}

export class TeamImporter extends TreeImporter {
  private readonly rows: ParsedRow[] = [];

  /** Team files are read whole first: a team may name a parent defined further down. */
  async importBatch(rows: readonly ParsedRow[]) {
    this.rows.push(...rows);
  }

  async finish() {
    const { session } = this;
    const byName = new Map<string, ParsedRow>();
    for (const row of this.rows) {
      if (row.problems.length > 0) continue;
      const key = nameKey(String(row.values.name));
      const first = byName.get(key);
      if (first) session.problem(row, 'name', `names the same team as line ${first.line}`);
      else byName.set(key, row);
    }
    const ordered: ParsedRow[] = [];
    const state = new Map<ParsedRow, 'visiting' | 'done'>();
    const visit = (row: ParsedRow, chain: ParsedRow[]) => {
      if (state.get(row) === 'done') return;
      if (state.get(row) === 'visiting') {
        session.problem(
          row,
          'parent',
          `is part of a loop of parents (${chain.map((r) => `line ${r.line}`).join(' -> ')})`,
        );
        return;
      }
      state.set(row, 'visiting');
      const parent =
        typeof row.values.parent === 'string' ? byName.get(nameKey(row.values.parent)) : undefined;
      if (parent && parent !== row) visit(parent, [...chain, row]);
      state.set(row, 'done');
      ordered.push(row);
    };
    for (const row of this.rows) if (row.problems.length === 0) visit(row, []);
    for (const row of this.rows) if (row.problems.length > 0) await session.reject(row);
    for (const row of ordered) {
      if (row.problems.length === 0) await this.importTeam(row);
      if (row.problems.length > 0) await session.reject(row);
    }
  }

  private async importTeam(row: ParsedRow) {
    const { session } = this;
    const v = row.values;
    const name = detach(String(v.name));
    const team = this.existingTeam(row, name);
    if (team === null) return;
    let parent: ImportTeamRow | null | undefined;
    if (this.fed('parent')) {
      parent = typeof v.parent === 'string' ? await session.team(row, 'parent', v.parent, null) : null;
    }
    let managerId: number | null | undefined;
    if (this.fed('manager')) {
      managerId =
        typeof v.manager === 'string'
          ? ((await session.person(row, 'manager', 'manager'))?.id ?? null)
          : null;
    }
    if (row.problems.length > 0) return;
    if (!team) {
      const created = await insertTeam(
        session.tx,
        session.orgId,
        {
          name,
          parent: parent ?? null,
          managerId: managerId ?? null,
          externalId: row.externalId === null ? null : detach(row.externalId),
        },
        session.now,
      );
      session.teams.add(created);
      this.decisions.set(created.id, {
        line: row.line,
        parentId: parent === undefined ? undefined : (parent?.id ?? null),
        managerId,
      });
      if (managerId != null) await this.joinIfTeamless(managerId, created);
      session.inserted++;
      return;
    }
    const renamed: { name?: string; external_id?: string } = {};
    if (team.name !== name) renamed.name = name;
    if (row.externalId !== null && team.external_id !== row.externalId)
      renamed.external_id = detach(row.externalId);
    const placed = await this.place(row, team, parent, managerId, { parent: 'parent', manager: 'manager' });
    if (row.problems.length > 0) return;
    if (Object.keys(renamed).length > 0) {
      const before = { ...team };
      await renameTeam(session.tx, session.orgId, team.id, renamed);
      Object.assign(team, renamed);
      session.teams.replace(before, team);
    }
    if (placed || Object.keys(renamed).length > 0) session.updated++;
    else session.unchanged++;
  }
}

export class UserImporter extends TreeImporter {
  /** User id -> the line that imported them. */
  private readonly lines = new Map<number, number>();

  async importBatch(rows: readonly ParsedRow[]) {
    for (const row of rows) {
      if (row.problems.length === 0) await this.importUser(row);
      if (row.problems.length > 0) await this.session.reject(row);
    }
  }

  async finish() {}

  private existingUser(row: ParsedRow): PersonRow | null | undefined {
    const { people } = this.session;
    const v = row.values;
    const adoptable = (person: PersonRow) => row.externalId === null || person.external_id === null;
    if (row.externalId !== null) {
      const match = people.find(row.externalId, 'external_id');
      if ('found' in match) return match.found;
    }
    // An e-mail is unique in an org: it identifies the user even when their external id differs.
    if (typeof v.email === 'string') {
      const match = people.find(v.email, 'email');
      return 'found' in match ? match.found : undefined;
    }
    const match = people.find(String(v.name), 'name');
    if ('ambiguous' in match) {
      this.session.problem(
        row,
        'name',
        `${match.ambiguous} users are named ${quote(String(v.name))}: add an email column`,
      );
      return null;
    }
    return 'found' in match && adoptable(match.found) ? match.found : undefined;
  }

  private async importUser(row: ParsedRow) {
    const { session } = this;
    const v = row.values;
    const user = this.existingUser(row);
    if (user === null) return;
    const earlier = user ? this.lines.get(user.id) : undefined;
    if (earlier !== undefined) {
      session.problem(
        row,
        typeof v.email === 'string' ? 'email' : 'name',
        `is the same user as line ${earlier}`,
      );
      return;
    }
    const parent =
      typeof v.parent_team === 'string'
        ? await session.team(row, 'parent_team', v.parent_team, null)
        : undefined;
    const manager =
      typeof v.manager === 'string' ? await session.person(row, 'manager', 'manager') : undefined;
    if (row.problems.length > 0) return;
    const team = await this.teamOf(row, parent ?? null, manager ?? null);
    if (row.problems.length > 0) return;
    if (team) {
      await this.place(row, team, parent, manager?.id, {
        parent: 'parent_team',
        manager: 'manager',
      });
      if (row.problems.length > 0) return;
    }
    if (!user) await this.createUser(row, team);
    else await this.updateUser(row, user, team);
  }

  /** The row's team: named by the team column, else the team its manager manages. */
  private async teamOf(row: ParsedRow, parent: ImportTeamRow | null, manager: PersonRow | null) {
    const { session } = this;
    const v = row.values;
    if (typeof v.team === 'string') return session.team(row, 'team', v.team, parent);
    if (!manager) {
      if (parent)
        session.problem(
          row,
          'parent_team',
          'needs a team or manager column to know which team goes under it',
        );
      return null;
    }
    const managed = session.teams.managedBy(manager.id, parent)[0];
    if (managed) return managed;
    const name = `${manager.name}'s team`;
    if (!session.options.createMissing) {
      session.problem(
        row,
        'manager',
        `${quote(manager.name)} manages no team (--create-missing creates ${quote(name)})`,
      );
      return null;
    }
    return session.createTeam({ name, parent, managerId: manager.id, externalId: null });
  }

  private async createUser(row: ParsedRow, team: ImportTeamRow | null) {
    const { session } = this;
    const v = row.values;
    const name = typeof v.name === 'string' ? v.name : (String(v.email).split('@')[0] ?? String(v.email));
    const email = typeof v.email === 'string' ? v.email : session.placeholderEmail(name);
    if (session.people.emailTaken(email)) {
      session.problem(row, 'email', `${quote(email)} belongs to another user`);
      return;
    }
    const created = await createUser(
      session.tx,
      session.orgId,
      {
        name,
        email,
        role: (v.role as PersonRow['role'] | null) ?? 'rep',
        teamId: team?.id ?? null,
        segment: (v.segment as string | null) ?? null,
        hiredAt: (v.hired_at as number | null) ?? null,
        leftAt: (v.left_at as number | null) ?? null,
        externalId: row.externalId,
      },
      session.now,
    );
    session.people.add({ ...created });
    if (created.team_id !== null) {
      session.people.addMembership({
        user_id: created.id,
        team_id: created.team_id,
        from_at: created.hired_at ?? session.now,
        to_at: created.left_at,
      });
    }
    this.lines.set(created.id, row.line);
    session.inserted++;
  }

  private async updateUser(row: ParsedRow, user: PersonRow, team: ImportTeamRow | null) {
    const { session } = this;
    const v = row.values;
    const changes: ImportRow = {};
    for (const field of ['name', 'email', 'role', 'segment', 'hired_at', 'left_at'] as const) {
      if (!this.fed(field)) continue;
      const value = (v[field] as string | number | null) ?? null;
      // Name, e-mail and role cannot be blank: a blank cell keeps what the user has.
      if (value === null && (field === 'name' || field === 'email' || field === 'role')) continue;
      if (user[field] !== value) changes[field] = value;
    }
    if (typeof changes.email === 'string' && session.people.emailTaken(changes.email)) {
      session.problem(row, 'email', `${quote(changes.email)} belongs to another user`);
      return;
    }
    if (row.externalId !== null && user.external_id !== row.externalId) changes.external_id = row.externalId;
    const moves = team !== null && user.team_id !== team.id;
    if (Object.keys(changes).length > 0) {
      await updateRow(session.tx, session.orgId, 'app_user', user.id, changes);
      const kept = Object.entries(changes).map(([c, v]) => [c, typeof v === 'string' ? detach(v) : v]);
      session.people.replace(user, { ...user, ...(Object.fromEntries(kept) as Partial<PersonRow>) });
    }
    if (moves && team) {
      await moveUserToTeam(session.tx, session.orgId, user.id, team.id, session.now);
      session.people.moveTo(user.id, team.id, session.now);
    }
    this.lines.set(user.id, row.line);
    if (moves || Object.keys(changes).length > 0) session.updated++;
    else session.unchanged++;
  }
}
