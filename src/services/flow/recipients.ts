/**
 * Step 5 of the goal-setting flow: how a goal is tracked. The check-in
 * interval is a field of the goal (changed through the goal verbs); the
 * alert recipients are the goal's owner and the managers above them
 * (src/services/tracking/recipients.ts) plus the people chosen here, who
 * get the goal's status and milestone alerts too (check-in reminders stay
 * with the owner and their managers). A chosen recipient must be able to
 * read the goal; one who has left, or can no longer read it, is dropped at
 * alert time.
 */
import { canReadGoal } from '../../core/access.ts';
import { invalid } from '../../core/errors.ts';
import type { CheckinInterval } from '../../core/goals/index.ts';
import type { Member } from '../../store/account-queries.ts';
import { inTransaction } from '../../store/db.ts';
import { listAlertRecipients, replaceAlertRecipients } from '../../store/flow-queries.ts';
import { actorOf } from '../accounts/sessions.ts';
import type { Ctx } from '../context.ts';
import { auditGoal, loadGoal } from '../goals/common.ts';
import { updateGoal } from '../goals/update.ts';
import { accessScopeOf, loadDirectory } from '../tracking/progress.ts';
import { type Directory, recipientsOf } from '../tracking/recipients.ts';
import { loadGoals, type TrackedGoal } from '../tracking/sources.ts';

export interface Person {
  id: number;
  name: string;
  role: Member['role'];
}

export interface TrackingSettings {
  goalId: number;
  checkinInterval: CheckinInterval;
  /** Who the alerts reach without being chosen: the owner and the managers above them. */
  defaultRecipients: Person[];
  /** Who was chosen besides them. */
  extraRecipients: Person[];
}

export const MAX_RECIPIENTS = 50;

const personOf = (m: Member): Person => ({ id: m.id, name: m.name, role: m.role });
const stillHere = (m: Member | undefined, now: number): m is Member =>
  m !== undefined && (m.left_at === null || m.left_at > now);

async function settingsOf(ctx: Ctx, goalId: number, directory: Directory): Promise<TrackingSettings> {
  const [tracked] = await loadGoals(ctx, { ids: [goalId] });
  if (!tracked) throw invalid(`Goal ${goalId} has no metric of the catalog to track.`, 'goalId');
  const defaults = recipientsOf(tracked, directory, ctx.now);
  const chosen = (await listAlertRecipients(ctx.db, ctx.org.id, [goalId])).get(goalId) ?? [];
  return {
    goalId,
    checkinInterval: tracked.checkinInterval,
    defaultRecipients: [...(defaults.owner ? [defaults.owner] : []), ...defaults.managers].map(personOf),
    extraRecipients: chosen
      .map((id) => directory.members.get(id))
      .filter((m): m is Member => m !== undefined)
      .map(personOf),
  };
}

export async function showTrackingSettings({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { goalId: number };
}): Promise<TrackingSettings> {
  await loadGoal(ctx, input.goalId, 'read');
  return settingsOf(ctx, input.goalId, await loadDirectory(ctx));
}

export interface TrackingSettingsInput {
  goalId: number;
  checkinInterval?: CheckinInterval;
  /** The extra recipients, exactly (an empty list removes them all). */
  recipients?: number[];
}

export async function updateTrackingSettings({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: TrackingSettingsInput;
}): Promise<TrackingSettings> {
  const { info } = await loadGoal(ctx, input.goalId, 'write');
  const directory = await loadDirectory(ctx);
  const recipients = input.recipients === undefined ? undefined : [...new Set(input.recipients)];
  if (recipients && recipients.length > MAX_RECIPIENTS) {
    throw invalid(`A goal's alerts can go to at most ${MAX_RECIPIENTS} extra people.`, 'recipients');
  }
  if (recipients) {
    recipients.forEach((id, i) => {
      const member = directory.members.get(id);
      if (!stillHere(member, ctx.now))
        throw invalid(`There is no current member ${id} in this org.`, `recipients.${i}`);
      if (!canReadGoal(actorOf(member), info.access)) {
        throw invalid(
          `${member.name} may not see this goal, so cannot receive its alerts.`,
          `recipients.${i}`,
        );
      }
    });
  }
  return inTransaction(ctx.db, async (tx) => {
    const txCtx = { ...ctx, db: tx };
    if (input.checkinInterval !== undefined) {
      await updateGoal({
        ctx: txCtx,
        input: { goalId: input.goalId, checkinInterval: input.checkinInterval },
      });
    }
    if (recipients) {
      const before = (await listAlertRecipients(tx, ctx.org.id, [input.goalId])).get(input.goalId) ?? [];
      const actorId = ctx.actor.kind === 'user' ? ctx.actor.userId : null;
      await replaceAlertRecipients(tx, ctx.org.id, input.goalId, recipients, actorId, ctx.now);
      await auditGoal(txCtx, input.goalId, 'alert_recipients', { recipients: before }, { recipients });
    }
    return settingsOf(txCtx, input.goalId, directory);
  });
}

/**
 * For the tracking alert job (src/services/tracking/alerts.ts): each goal's
 * chosen extra recipients who are still with the org and may still read
 * the goal. Goals without any are absent. Merge with `withExtraRecipients`.
 */
export async function extraAlertRecipients(
  ctx: Ctx,
  goals: ReadonlyArray<Pick<TrackedGoal, 'id' | 'scope'>>,
  directory: Directory,
): Promise<Map<number, Member[]>> {
  const chosen = await listAlertRecipients(
    ctx.db,
    ctx.org.id,
    goals.map((g) => g.id),
  );
  const out = new Map<number, Member[]>();
  for (const goal of goals) {
    const ids = chosen.get(goal.id);
    if (!ids) continue;
    const scope = accessScopeOf(goal, directory);
    const members = ids
      .map((id) => directory.members.get(id))
      .filter((m): m is Member => stillHere(m, ctx.now) && canReadGoal(actorOf(m), scope));
    if (members.length) out.set(goal.id, members);
  }
  return out;
}

/** The default recipients with the extra ones added, each person once. */
export function withExtraRecipients(to: readonly Member[], extra: readonly Member[] | undefined): Member[] {
  const out = [...to];
  for (const m of extra ?? []) if (!out.some((o) => o.id === m.id)) out.push(m);
  return out;
}
