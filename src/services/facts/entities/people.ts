import { z } from 'zod';
import type { FactRows } from '../../../store/fact-queries.ts';
import type { EntityDef } from '../entity.ts';
import { out, roles } from '../fields.ts';
import { choiceFilter, csvColumns, idFilter, textFilter } from './common.ts';

const teamItem = z.object({
  id: out.id,
  externalId: out.text,
  name: z.string(),
  parentId: out.ref,
  parentName: out.text,
  managerId: out.ref,
  managerName: out.text,
  path: z.string().describe("Ids from the root, '/1/4/9/': a subtree is every path starting with a team's."),
  depth: z.number().int().describe('0 for a top-level team, 1 for its children...'),
  createdAt: z.number().int(),
});

/** Teams, read-only here. Sorted by path (the default) the list is the tree in order: each team after its parent, every subtree contiguous. */
export const teams: EntityDef<'team'> = {
  name: 'teams',
  table: 'team',
  noun: 'team',
  item: teamItem,
  toItem: (r) => ({
    id: r.id,
    externalId: r.external_id,
    name: r.name,
    parentId: r.parent_id,
    parentName: r.parent_name,
    managerId: r.manager_id,
    managerName: r.manager_name,
    path: r.path,
    depth: r.path.split('/').length - 3,
    createdAt: r.created_at,
  }),
  csv: (org) => {
    const c = csvColumns<FactRows['team']>(org);
    return [
      c.plain('id', (r) => r.id),
      c.plain('external_id', (r) => r.external_id),
      c.plain('name', (r) => r.name),
      c.plain('parent_id', (r) => r.parent_id),
      c.plain('parent', (r) => r.parent_name),
      c.plain('manager_id', (r) => r.manager_id),
      c.plain('manager', (r) => r.manager_name),
      c.plain('path', (r) => r.path),
      c.instant('created_at', (r) => r.created_at),
    ];
  },
  scopes: ['org', 'team'],
  dates: [],
  days: false,
  sorts: ['id', 'name', 'path', 'created_at'],
  defaultSort: { column: 'path', direction: 'asc' },
  filters: { parentId: idFilter('parent_id') },
  search: true,
};

const userItem = z.object({
  id: out.id,
  externalId: out.text,
  name: z.string(),
  email: z.string(),
  role: z.enum(roles),
  teamId: out.ref,
  teamName: out.text,
  segment: out.text,
  hiredAt: out.instant,
  leftAt: out.instant,
  createdAt: z.number().int(),
});

/** People, read-only here (inviting, roles and team moves are the accounts services'). */
export const users: EntityDef<'app_user'> = {
  name: 'users',
  table: 'app_user',
  noun: 'user',
  item: userItem,
  toItem: (r) => ({
    id: r.id,
    externalId: r.external_id,
    name: r.name,
    email: r.email,
    role: r.role,
    teamId: r.team_id,
    teamName: r.team_name,
    segment: r.segment,
    hiredAt: r.hired_at,
    leftAt: r.left_at,
    createdAt: r.created_at,
  }),
  csv: (org) => {
    const c = csvColumns<FactRows['app_user']>(org);
    return [
      c.plain('id', (r) => r.id),
      c.plain('external_id', (r) => r.external_id),
      c.plain('name', (r) => r.name),
      c.plain('email', (r) => r.email),
      c.plain('role', (r) => r.role),
      c.plain('team_id', (r) => r.team_id),
      c.plain('team', (r) => r.team_name),
      c.plain('segment', (r) => r.segment),
      c.instant('hired_at', (r) => r.hired_at),
      c.instant('left_at', (r) => r.left_at),
      c.instant('created_at', (r) => r.created_at),
    ];
  },
  scopes: ['org', 'team', 'rep'],
  // hired_at first; left_at is the drill-down of rep turnover.
  dates: ['hired_at', 'left_at', 'created_at'],
  days: false,
  sorts: ['id', 'name', 'email', 'role', 'segment', 'hired_at', 'left_at', 'created_at'],
  defaultSort: { column: 'name', direction: 'asc' },
  filters: {
    role: choiceFilter('role', roles),
    segment: textFilter('segment'),
    teamId: idFilter('team_id'),
  },
  search: true,
};
