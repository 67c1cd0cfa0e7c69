import { createContext, type ReactNode, useContext, useEffect, useState } from 'react';
import { getJson } from './api.ts';
import type { MetricInfo, Page, ScopeType, Team, User } from './api-types.ts';
import { asApiError, type Loadable } from './use-api.ts';

export interface Scope {
  type: ScopeType;
  id: number | null;
}

/**
 * The people, teams and metrics the signed-in user may see, loaded once:
 * names for ids, the team tree for the scope switcher, metric labels and
 * units. Reps see their own team only; managers their subtree.
 */
export class Directory {
  readonly teams: Team[];
  readonly users: User[];
  readonly metrics: Map<string, MetricInfo>;
  private readonly teamIndex: Map<number, Team>;
  private readonly userIndex: Map<number, User>;

  constructor(teams: Team[], users: User[], metrics: MetricInfo[]) {
    this.teams = teams;
    this.users = users;
    this.metrics = new Map(metrics.map((m) => [m.id, m]));
    this.teamIndex = new Map(teams.map((t) => [t.id, t]));
    this.userIndex = new Map(users.map((u) => [u.id, u]));
  }

  team(id: number | null | undefined): Team | undefined {
    return id == null ? undefined : this.teamIndex.get(id);
  }

  user(id: number | null | undefined): User | undefined {
    return id == null ? undefined : this.userIndex.get(id);
  }

  /** The team's direct sub-teams, by name. */
  childTeams(teamId: number): Team[] {
    return this.teams.filter((t) => t.parentId === teamId).sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Teams at the top of what this user sees: the org's regions for an admin, a manager's own team. */
  topTeams(): Team[] {
    return this.teams
      .filter((t) => t.parentId === null || !this.teamIndex.has(t.parentId))
      .sort((a, b) => a.path.localeCompare(b.path));
  }

  /** Current reps of a team itself (not of its sub-teams), by name. */
  repsOf(teamId: number): User[] {
    return this.users
      .filter((u) => u.teamId === teamId && u.role === 'rep' && u.leftAt === null)
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Teams from the top down to this one (inclusive). */
  teamPath(teamId: number): Team[] {
    const path: Team[] = [];
    for (let team = this.team(teamId); team; team = this.team(team.parentId)) path.unshift(team);
    return path;
  }

  /**
   * The scope as the metric API reads it. It names reps by e-mail: it does
   * not take `rep:<id>` (although the dashboard answers with that form).
   */
  metricScope(scope: Scope): string {
    if (scope.type === 'org' || scope.id === null) return 'org';
    if (scope.type === 'team') return `team:${scope.id}`;
    const user = this.user(scope.id);
    return user ? `rep:${user.email}` : `rep:${scope.id}`;
  }
}

/** `org`, `team:4`, `rep:6` ⇄ a scope; anything else is null. */
export function parseScope(text: string | null): Scope | null {
  if (!text) return null;
  if (text === 'org') return { type: 'org', id: null };
  const match = /^(team|rep):(\d+)$/.exec(text);
  return match ? { type: match[1] as 'team' | 'rep', id: Number(match[2]) } : null;
}

export function scopeText(scope: Scope): string {
  return scope.type === 'org' || scope.id === null ? 'org' : `${scope.type}:${scope.id}`;
}

const DirectoryContext = createContext<Loadable<Directory>>({ status: 'loading' });

export function DirectoryProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<Loadable<Directory>>({ status: 'loading' });
  useEffect(() => {
    const abort = new AbortController();
    Promise.all([
      getJson<Page<Team>>('/api/teams?limit=500', abort.signal),
      getJson<{ users: User[] }>('/api/users', abort.signal),
      getJson<{ metrics: MetricInfo[] }>('/api/metrics', abort.signal),
    ]).then(
      ([teams, users, metrics]) => {
        if (!abort.signal.aborted) {
          setState({ status: 'ready', data: new Directory(teams.items, users.users, metrics.metrics) });
        }
      },
      (error: unknown) => {
        if (!abort.signal.aborted) setState({ status: 'failed', error: asApiError(error) });
      },
    );
    return () => abort.abort();
  }, []);
  return <DirectoryContext.Provider value={state}>{children}</DirectoryContext.Provider>;
}

export function useDirectory(): Loadable<Directory> {
  return useContext(DirectoryContext);
}
