import { describe, expect, it } from 'vitest';
import {
  assertAllowed,
  canChangeRole,
  canCheckIn,
  canInvite,
  canMoveUser,
  canReadAudit,
  canReadCheckinComment,
  canReadGoal,
  canReadScope,
  canReadScopeDetails,
  canReadUser,
  canSeeInvitation,
  canSeeLeaderboard,
  canSeePayout,
  canWriteGoal,
  inSubtree,
  type Scope,
} from '../../src/core/access.ts';
import { HadafError } from '../../src/core/errors.ts';
import type { Actor, Role } from '../../src/core/org.ts';

// The tree: Sales /1/ -> East /1/2/ -> East SMB /1/2/5/ ; West /1/3/ ; and /1/20/ to catch prefix slips.
const sales = '/1/';
const east = '/1/2/';
const eastSmb = '/1/2/5/';
const west = '/1/3/';
const team20 = '/1/20/';

const user = (userId: number, role: Role, teamPath: string | null): Actor => ({
  kind: 'user',
  userId,
  role,
  teamId: null,
  teamPath,
});

const admin = user(1, 'admin', null);
const topManager = user(2, 'manager', sales);
const eastManager = user(3, 'manager', east);
const westManager = user(4, 'manager', west);
const eastRep = user(10, 'rep', east);
const eastRep2 = user(11, 'rep', east);
const smbRep = user(12, 'rep', eastSmb);
const westRep = user(13, 'rep', west);
const teamlessManager = user(5, 'manager', null);
const legacyActor: Actor = { kind: 'user', userId: 6, role: 'manager', teamId: 2 }; // no teamPath loaded
const system: Actor = { kind: 'system', label: 'scheduler' };

const org: Scope = { type: 'org' };
const team = (teamPath: string, teamId = 0): Scope => ({ type: 'team', teamId, teamPath });
const rep = (userId: number, teamPath: string | null): Scope => ({ type: 'rep', userId, teamPath });

describe('inSubtree', () => {
  it('matches the team itself and teams below it, never a sibling sharing digits', () => {
    expect(inSubtree(east, east)).toBe(true);
    expect(inSubtree(eastSmb, east)).toBe(true);
    expect(inSubtree(team20, '/1/2/')).toBe(false);
    expect(inSubtree(east, eastSmb)).toBe(false);
    expect(inSubtree(null, east)).toBe(false);
    expect(inSubtree(east, null)).toBe(false);
  });
});

describe('canReadScope (aggregates)', () => {
  it('lets admins and the system read the whole org', () => {
    for (const actor of [admin, system]) {
      expect(canReadScope(actor, org)).toBe(true);
      expect(canReadScope(actor, team(west))).toBe(true);
      expect(canReadScope(actor, rep(13, west))).toBe(true);
    }
  });

  it('limits a manager to their subtree and its reps', () => {
    expect(canReadScope(eastManager, team(east))).toBe(true);
    expect(canReadScope(eastManager, team(eastSmb))).toBe(true);
    expect(canReadScope(eastManager, rep(12, eastSmb))).toBe(true);
    expect(canReadScope(eastManager, team(west))).toBe(false);
    expect(canReadScope(eastManager, team(sales))).toBe(false);
    expect(canReadScope(eastManager, rep(13, west))).toBe(false);
    expect(canReadScope(eastManager, org)).toBe(false);
    expect(canReadScope(topManager, team(west))).toBe(true);
  });

  it('lets a manager read their own rep scope but not a peer manager outside the subtree', () => {
    expect(canReadScope(eastManager, rep(3, east))).toBe(true);
    expect(canReadScope(eastManager, rep(4, west))).toBe(false);
  });

  it('gives a rep their own scope and their own team aggregate only', () => {
    expect(canReadScope(eastRep, rep(10, east))).toBe(true);
    expect(canReadScope(eastRep, team(east))).toBe(true);
    expect(canReadScope(eastRep, rep(11, east))).toBe(false);
    expect(canReadScope(eastRep, team(eastSmb))).toBe(false);
    expect(canReadScope(eastRep, team(sales))).toBe(false);
    expect(canReadScope(eastRep, team(west))).toBe(false);
    expect(canReadScope(eastRep, org)).toBe(false);
    // a rep of a sub-team does not see the parent team's total
    expect(canReadScope(smbRep, team(eastSmb))).toBe(true);
    expect(canReadScope(smbRep, team(east))).toBe(false);
  });

  it('denies managers whose team is unknown', () => {
    expect(canReadScope(teamlessManager, team(east))).toBe(false);
    expect(canReadScope(legacyActor, team(east))).toBe(false);
    expect(canReadScope(teamlessManager, rep(10, null))).toBe(false);
  });
});

describe('canReadScopeDetails (the rows behind a number)', () => {
  it('keeps a rep out of their team rows while a manager sees them', () => {
    expect(canReadScopeDetails(eastRep, team(east))).toBe(false);
    expect(canReadScopeDetails(eastRep, rep(10, east))).toBe(true);
    expect(canReadScopeDetails(eastManager, team(eastSmb))).toBe(true);
    expect(canReadScopeDetails(eastManager, team(west))).toBe(false);
    expect(canReadScopeDetails(eastManager, org)).toBe(false);
    expect(canReadScopeDetails(admin, org)).toBe(true);
  });
});

describe('leaderboard and goals', () => {
  it('shows a rep the leaderboard of their team but not a per-rep board', () => {
    expect(canSeeLeaderboard(eastRep, team(east))).toBe(true);
    expect(canSeeLeaderboard(eastRep, team(west))).toBe(false);
    expect(canSeeLeaderboard(eastRep, rep(10, east))).toBe(false);
    expect(canSeeLeaderboard(admin, org)).toBe(true);
  });

  it('reads goals where the scope is readable', () => {
    expect(canReadGoal(eastRep2, rep(10, east))).toBe(false);
    expect(canReadGoal(eastRep2, team(east))).toBe(true);
  });

  it('lets managers write goals in their subtree but not their own personal goal; reps write none', () => {
    expect(canWriteGoal(eastManager, team(east))).toBe(true);
    expect(canWriteGoal(eastManager, rep(12, eastSmb))).toBe(true);
    expect(canWriteGoal(eastManager, rep(3, east))).toBe(false);
    expect(canWriteGoal(eastManager, team(west))).toBe(false);
    expect(canWriteGoal(eastManager, org)).toBe(false);
    expect(canWriteGoal(topManager, rep(3, east))).toBe(true);
    expect(canWriteGoal(eastRep, rep(10, east))).toBe(false);
    expect(canWriteGoal(admin, org)).toBe(true);
  });

  it('lets the rep owner check in on their goal, and their managers, but not a teammate', () => {
    expect(canCheckIn(eastRep, rep(10, east))).toBe(true);
    expect(canCheckIn(eastRep2, rep(10, east))).toBe(false);
    expect(canCheckIn(eastManager, rep(10, east))).toBe(true);
    expect(canCheckIn(westManager, rep(10, east))).toBe(false);
    expect(canCheckIn(eastRep, team(east))).toBe(false);
  });
});

describe('payouts and private comments', () => {
  it('never shows a rep another rep’s payout', () => {
    expect(canSeePayout(eastRep, { userId: 10, teamPath: east })).toBe(true);
    expect(canSeePayout(eastRep2, { userId: 10, teamPath: east })).toBe(false);
    expect(canSeePayout(westRep, { userId: 10, teamPath: east })).toBe(false);
    expect(canSeePayout(eastManager, { userId: 10, teamPath: east })).toBe(true);
    expect(canSeePayout(westManager, { userId: 10, teamPath: east })).toBe(false);
    expect(canSeePayout(admin, { userId: 10, teamPath: east })).toBe(true);
  });

  it('keeps private check-in comments to the author, the managers above and admins', () => {
    const comment = { authorId: 10, authorTeamPath: east, private: true };
    expect(canReadCheckinComment(eastRep, comment)).toBe(true);
    expect(canReadCheckinComment(eastRep2, comment)).toBe(false);
    expect(canReadCheckinComment(eastManager, comment)).toBe(true);
    expect(canReadCheckinComment(topManager, comment)).toBe(true);
    expect(canReadCheckinComment(westManager, comment)).toBe(false);
    expect(canReadCheckinComment(admin, comment)).toBe(true);
    expect(canReadCheckinComment(eastRep2, { ...comment, private: false })).toBe(true);
    expect(canReadCheckinComment(eastManager, { ...comment, authorId: null })).toBe(false);
  });
});

describe('people', () => {
  it('shows a rep their own team, a manager their subtree, an admin everyone', () => {
    expect(canReadUser(eastRep, { userId: 11, teamPath: east })).toBe(true);
    expect(canReadUser(eastRep, { userId: 12, teamPath: eastSmb })).toBe(false);
    expect(canReadUser(eastRep, { userId: 13, teamPath: west })).toBe(false);
    expect(canReadUser(eastManager, { userId: 12, teamPath: eastSmb })).toBe(true);
    expect(canReadUser(eastManager, { userId: 13, teamPath: west })).toBe(false);
    expect(canReadUser(admin, { userId: 13, teamPath: null })).toBe(true);
    expect(canReadUser(teamlessManager, { userId: 5, teamPath: null })).toBe(true);
  });

  it('lets managers invite reps into their subtree only', () => {
    expect(canInvite(eastManager, { role: 'rep', teamPath: eastSmb })).toBe(true);
    expect(canInvite(eastManager, { role: 'manager', teamPath: eastSmb })).toBe(false);
    expect(canInvite(eastManager, { role: 'rep', teamPath: west })).toBe(false);
    expect(canInvite(eastManager, { role: 'rep', teamPath: null })).toBe(false);
    expect(canInvite(eastRep, { role: 'rep', teamPath: east })).toBe(false);
    expect(canInvite(admin, { role: 'admin', teamPath: null })).toBe(true);
    expect(canSeeInvitation(eastManager, { teamPath: eastSmb })).toBe(true);
    expect(canSeeInvitation(eastManager, { teamPath: null })).toBe(false);
    expect(canSeeInvitation(eastRep, { teamPath: east })).toBe(false);
  });

  it('leaves role changes and the audit log to admins', () => {
    expect(canChangeRole(admin)).toBe(true);
    expect(canChangeRole(topManager)).toBe(false);
    expect(canReadAudit(admin)).toBe(true);
    expect(canReadAudit(eastManager)).toBe(false);
    expect(canReadAudit(eastRep)).toBe(false);
  });

  it('lets a manager move a rep between teams of their subtree, nothing more', () => {
    expect(canMoveUser(eastManager, { userId: 10, teamPath: east, role: 'rep' }, eastSmb)).toBe(true);
    expect(canMoveUser(eastManager, { userId: 10, teamPath: east, role: 'rep' }, west)).toBe(false);
    expect(canMoveUser(eastManager, { userId: 13, teamPath: west, role: 'rep' }, east)).toBe(false);
    expect(canMoveUser(topManager, { userId: 3, teamPath: east, role: 'manager' }, west)).toBe(false);
    expect(canMoveUser(eastManager, { userId: 3, teamPath: east, role: 'rep' }, eastSmb)).toBe(false);
    expect(canMoveUser(eastRep, { userId: 10, teamPath: east, role: 'rep' }, eastSmb)).toBe(false);
    expect(canMoveUser(admin, { userId: 3, teamPath: east, role: 'manager' }, west)).toBe(true);
  });
});

describe('assertAllowed', () => {
  it('throws the forbidden error when denied and nothing when allowed', () => {
    expect(() => assertAllowed(true)).not.toThrow();
    try {
      assertAllowed(false, 'Only admins can read the audit log.');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(HadafError);
      expect((error as HadafError).code).toBe('forbidden');
      expect((error as HadafError).message).toBe('Only admins can read the audit log.');
    }
  });
});
