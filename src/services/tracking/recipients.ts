/**
 * Who hears about a goal: its owner and the managers above them. A goal
 * without an owner reaches the managers of its team (team goals) or the
 * admins (org goals). People who have left are skipped.
 */
import type { Member } from '../../store/account-queries.ts';
import type { TeamRow } from '../../store/schema.ts';
import type { TrackedGoal } from './sources.ts';

export interface Directory {
  members: Map<number, Member>;
  teams: Map<number, TeamRow>;
}

export function directoryOf(members: readonly Member[], teams: readonly TeamRow[]): Directory {
  return { members: new Map(members.map((m) => [m.id, m])), teams: new Map(teams.map((t) => [t.id, t])) };
}

/** Managers of every team on the path from the root to `teamPath`, nearest first. */
function managersAlong(directory: Directory, teamPath: string | null): number[] {
  if (!teamPath) return [];
  const ids = teamPath.split('/').filter(Boolean).map(Number).reverse();
  const managers: number[] = [];
  for (const id of ids) {
    const manager = directory.teams.get(id)?.manager_id;
    if (manager != null && !managers.includes(manager)) managers.push(manager);
  }
  return managers;
}

export interface Recipients {
  owner: Member | null;
  /** The owner's managers (or, without an owner, whoever answers for the goal's scope). */
  managers: Member[];
}

export function recipientsOf(goal: TrackedGoal, directory: Directory, now: number): Recipients {
  const active = (id: number | null | undefined) => {
    const m = id == null ? undefined : directory.members.get(id);
    return m && (m.left_at === null || m.left_at > now) ? m : undefined;
  };
  const owner = active(goal.ownerId) ?? null;
  let managerIds: number[];
  if (owner) managerIds = managersAlong(directory, owner.team_path);
  else if (goal.scope.type === 'team' && goal.scope.id !== null) {
    managerIds = managersAlong(directory, directory.teams.get(goal.scope.id)?.path ?? null);
  } else if (goal.scope.type === 'rep' && goal.scope.id !== null) {
    const rep = active(goal.scope.id);
    managerIds = [...(rep ? [rep.id] : []), ...managersAlong(directory, rep?.team_path ?? null)];
  } else {
    managerIds = [...directory.members.values()].filter((m) => m.role === 'admin').map((m) => m.id);
  }
  const managers = managerIds
    .filter((id) => id !== owner?.id)
    .map(active)
    .filter((m): m is Member => m !== undefined);
  return { owner, managers };
}
