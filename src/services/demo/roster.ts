import type { Role } from '../../core/org.ts';
import { atWorkingTime, DAY_MS, monthStart } from './local-time.ts';
import { emailLocalPart, personName, type Segment } from './names.ts';
import type { Random } from './random.ts';

/**
 * Who works at the demo company and in which team, planned in memory before
 * anything is written. Ids are assigned here (from the first free id of each
 * table) so that teams, managers and memberships can point at each other.
 *
 * One "floor" is 3 regions with 5 sub-teams, 8 managers and 31 reps:
 * 2 leavers, 3 new hires, 2 reps who joined in the first year of data, and
 * 1 rep who moved from Riyadh SMB to Jeddah SMB in the middle of last year. `scale` N repeats the floor's sub-teams N times
 * inside the same 3 regions ("Riyadh SMB 2", ...), so volume grows with
 * headcount while every rep keeps a realistic workload.
 */

export const EMAIL_DOMAIN = 'demo.hadaf.dev';

type RepStory = 'tenured' | 'joined_first_year' | 'new_hire' | 'leaver_recent' | 'leaver_last_year' | 'mover';

interface SubTeamTemplate {
  key: string;
  name: string;
  reps: readonly (readonly [Segment, RepStory])[];
}

const tenured = (segment: Segment, n: number) =>
  Array.from({ length: n }, () => [segment, 'tenured'] as const);

const floorPlan: readonly { name: string; subTeams: readonly SubTeamTemplate[] }[] = [
  {
    name: 'Central Region',
    subTeams: [
      {
        key: 'riyadh-ent',
        name: 'Riyadh Enterprise',
        reps: [...tenured('enterprise', 4), ['enterprise', 'joined_first_year']],
      },
      {
        key: 'riyadh-smb',
        name: 'Riyadh SMB',
        reps: [...tenured('smb', 5), ['smb', 'mover'], ['smb', 'new_hire'], ['smb', 'leaver_recent']],
      },
    ],
  },
  {
    name: 'Western Region',
    subTeams: [
      { key: 'jeddah-ent', name: 'Jeddah Enterprise', reps: tenured('enterprise', 4) },
      {
        key: 'jeddah-smb',
        name: 'Jeddah SMB',
        reps: [
          ...tenured('smb', 4),
          ['smb', 'joined_first_year'],
          ['smb', 'leaver_last_year'],
          ['smb', 'new_hire'],
        ],
      },
    ],
  },
  {
    name: 'Eastern Region',
    subTeams: [
      {
        key: 'eastern',
        name: 'Eastern Province',
        reps: [...tenured('enterprise', 3), ...tenured('smb', 3), ['smb', 'new_hire']],
      },
    ],
  },
];

/** Where the mover goes: the Jeddah SMB team of the same floor copy. */
const moverTarget = 'jeddah-smb';

export interface Membership {
  teamId: number;
  from: number;
  to: number | null;
}

export interface PlannedTeam {
  id: number;
  name: string;
  parentId: number | null;
  managerId: number;
  path: string;
  /** Index of the region (0..2) the team belongs to. */
  region: number;
}

/** What makes one rep's numbers differ from another's. */
export interface RepTraits {
  /** Stream number of the rep's own random source. */
  stream: number;
  /** Multiplies win probability (around 1). */
  skill: number;
  /** Multiplies deal volume and activity per deal (around 1, rises with skill). */
  hustle: number;
  /** Chance of the monthly touch in a new customer's first 3 months. */
  diligence: number;
  /** Days between touches after a customer's first 3 months. */
  touchEveryDays: number;
}

export interface PlannedUser {
  id: number;
  name: string;
  email: string;
  role: Role;
  /** Current (or last) team. */
  teamId: number | null;
  segment: Segment | null;
  hiredAt: number;
  leftAt: number | null;
  locale: 'ar' | 'en';
  memberships: Membership[];
  /** Set for reps only. */
  traits: RepTraits | null;
  /** For managers: coaching sessions per rep per month. */
  coachingRate: number;
}

export interface Roster {
  admin: PlannedUser;
  regions: PlannedTeam[];
  subTeams: PlannedTeam[];
  teams: PlannedTeam[];
  users: PlannedUser[];
  reps: PlannedUser[];
  teamById: Map<number, PlannedTeam>;
  userById: Map<number, PlannedUser>;
}

export interface RosterInput {
  rng: Random;
  scale: number;
  now: number;
  /** First year of the data window (January 1, local). */
  firstYear: number;
  firstTeamId: number;
  firstUserId: number;
}

export function planRoster({ rng, scale, now, firstYear, firstTeamId, firstUserId }: RosterInput): Roster {
  const windowStart = monthStart(firstYear, 0);
  const lastYear = firstYear + 1;
  let nextTeamId = firstTeamId;
  let nextUserId = firstUserId;
  const emails = new Set<string>();
  const users: PlannedUser[] = [];
  const teams: PlannedTeam[] = [];

  const person = (role: Role, hiredAt: number, teamId: number | null, segment: Segment | null) => {
    const { name, locale } = personName(rng);
    let local = emailLocalPart(name);
    for (let n = 2; emails.has(local); n++) local = `${emailLocalPart(name)}${n}`;
    emails.add(local);
    const user: PlannedUser = {
      id: nextUserId++,
      name,
      email: `${local}@${EMAIL_DOMAIN}`,
      role,
      teamId,
      segment,
      hiredAt,
      leftAt: null,
      locale,
      memberships: teamId == null ? [] : [{ teamId, from: hiredAt, to: null }],
      traits: null,
      coachingRate: role === 'manager' ? rng.between(0.6, 2.4) : 0,
    };
    users.push(user);
    return user;
  };
  /** A long-serving employee: hired 1 to 6 years before the data starts. */
  const veteranHire = () => atWorkingTime(windowStart - rng.between(365, 6 * 365) * DAY_MS, rng);

  const admin = person('admin', veteranHire(), null, null);
  admin.email = `admin@${EMAIL_DOMAIN}`;
  admin.locale = 'en';

  const regions = floorPlan.map((region, index) => {
    const team: PlannedTeam = {
      id: nextTeamId++,
      name: region.name,
      parentId: null,
      managerId: 0,
      path: '',
      region: index,
    };
    team.path = `/${team.id}/`;
    team.managerId = person('manager', veteranHire(), team.id, null).id;
    teams.push(team);
    return team;
  });

  const subTeams: PlannedTeam[] = [];
  const reps: PlannedUser[] = [];
  for (let copy = 1; copy <= scale; copy++) {
    const byKey = new Map<string, PlannedTeam>();
    const movers: PlannedUser[] = [];
    floorPlan.forEach((region, regionIndex) => {
      const parent = regions[regionIndex] as PlannedTeam;
      for (const template of region.subTeams) {
        const team: PlannedTeam = {
          id: nextTeamId++,
          name: copy === 1 ? template.name : `${template.name} ${copy}`,
          parentId: parent.id,
          managerId: 0,
          path: '',
          region: regionIndex,
        };
        team.path = `${parent.path}${team.id}/`;
        team.managerId = person('manager', veteranHire(), team.id, null).id;
        teams.push(team);
        subTeams.push(team);
        byKey.set(template.key, team);
        for (const [segment, story] of template.reps) {
          const rep = person('rep', hireDate(story), team.id, segment);
          rep.traits = repTraits(rng, reps.length);
          if (story === 'leaver_recent')
            rep.leftAt = atWorkingTime(now - rng.between(120, 170) * DAY_MS, rng);
          if (story === 'leaver_last_year') {
            rep.leftAt = atWorkingTime(now - rng.between(400, 470) * DAY_MS, rng);
          }
          if (rep.leftAt != null) (rep.memberships[0] as Membership).to = rep.leftAt;
          if (story === 'mover') movers.push(rep);
          reps.push(rep);
        }
      }
    });
    for (const mover of movers) {
      const target = byKey.get(moverTarget) as PlannedTeam;
      const movedAt = atWorkingTime(monthStart(lastYear, 5) + rng.between(0, 60) * DAY_MS, rng);
      (mover.memberships[0] as Membership).to = movedAt;
      mover.memberships.push({ teamId: target.id, from: movedAt, to: null });
      mover.teamId = target.id;
    }
  }

  function hireDate(story: RepStory): number {
    if (story === 'new_hire') return atWorkingTime(now - rng.between(45, 210) * DAY_MS, rng);
    if (story === 'joined_first_year') return atWorkingTime(windowStart + rng.between(30, 150) * DAY_MS, rng);
    return veteranHire();
  }

  return {
    admin,
    regions,
    subTeams,
    teams,
    users,
    reps,
    teamById: new Map(teams.map((t) => [t.id, t])),
    userById: new Map(users.map((u) => [u.id, u])),
  };
}

function repTraits(rng: Random, index: number): RepTraits {
  const skill = clamp(rng.normal(1, 0.22), 0.6, 1.5);
  const diligence = rng.between(0.55, 1);
  return {
    stream: 1000 + index,
    skill,
    hustle: clamp(Math.sqrt(skill) * rng.normal(1, 0.12), 0.6, 1.5),
    diligence,
    // The most diligent keep the two-week rhythm; the least let it slip to seven weeks.
    touchEveryDays: 14 + (1 - diligence) * 80 * rng.between(0.8, 1.2),
  };
}

export const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));

/** The team a user belonged to at `at` (their first team before they joined, their last after they left). */
export function teamAt(user: PlannedUser, at: number): number | null {
  const memberships = user.memberships;
  if (memberships.length === 0) return user.teamId;
  for (let i = memberships.length - 1; i >= 0; i--) {
    const m = memberships[i] as Membership;
    if (at >= m.from) return m.teamId;
  }
  return (memberships[0] as Membership).teamId;
}
