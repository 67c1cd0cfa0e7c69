/**
 * The alert job: for each goal, compare the new progress with what was last
 * alerted, and for each event write the in-app notifications, the e-mails
 * (when SMTP is configured) and the webhook calls, all in ONE transaction
 * with the new alert state. So a crash before the commit leaves everything
 * to be done again by the next tick, a crash after it leaves the outbox rows
 * to be delivered by the next tick, and dedupe keys make a repeat a no-op.
 * Check-in reminders follow the same path; their keys carry the due date.
 */

import { dayOf } from '../../core/periods/index.ts';
import { evaluateAlerts, nextCheckin, type Progress } from '../../core/progress/index.ts';
import type { Member } from '../../store/account-queries.ts';
import { inTransaction } from '../../store/db.ts';
import {
  getAlertStates,
  insertNotification,
  lastCheckinAt,
  type NotificationKind,
  saveAlertState,
  type WebhookRow,
} from '../../store/progress-queries.ts';
import type { Ctx } from '../context.ts';
import { extraAlertRecipients, withExtraRecipients } from '../flow/recipients.ts';
import { enqueueEmail } from '../outbox/enqueue.ts';
import { alertText, localeOf, type TrackingEvent } from './messages.ts';
import { type Directory, recipientsOf } from './recipients.ts';
import type { TrackedGoal } from './sources.ts';
import { enqueueWebhookEvent } from './webhooks.ts';

export interface AlertOptions {
  /** Queue e-mails too (only when a mailer is configured: otherwise they would wait forever). */
  email: boolean;
  webhooks: readonly WebhookRow[];
  directory: Directory;
}

export interface AlertReport {
  events: number;
  notifications: number;
  emails: number;
  webhooks: number;
}

const emptyReport = (): AlertReport => ({ events: 0, notifications: 0, emails: 0, webhooks: 0 });

function add(into: AlertReport, more: AlertReport) {
  into.events += more.events;
  into.notifications += more.notifications;
  into.emails += more.emails;
  into.webhooks += more.webhooks;
}

/** A stable key per alert: status alerts at most once per goal, status and day, milestones once ever. */
function keyOf(goal: TrackedGoal, event: TrackingEvent, day: string): string {
  switch (event.kind) {
    case 'status_changed':
      return `status:${goal.id}:${event.to}:${day}`;
    case 'milestone':
      return `milestone:${goal.id}:${event.milestone}`;
    case 'checkin_due':
    case 'checkin_overdue':
      return `${event.kind}:${goal.id}:${event.dueOn}`;
  }
}

export async function evaluateGoalAlerts(
  ctx: Ctx,
  goals: readonly TrackedGoal[],
  progress: ReadonlyMap<number, Progress>,
  options: AlertOptions,
): Promise<AlertReport> {
  const report = emptyReport();
  const states = await getAlertStates(
    ctx.db,
    ctx.org.id,
    goals.map((g) => g.id),
  );
  const today = dayOf(ctx.now, ctx.org.timeZone);
  // People a goal's author chose to alert too (goal-setting step 5), besides owner and managers.
  const extra = await extraAlertRecipients(ctx, goals, options.directory);
  for (const goal of goals) {
    const reading = progress.get(goal.id);
    if (!reading || reading.phase === 'upcoming') continue;
    const state = states.get(goal.id) ?? null;
    const { events, next } = evaluateAlerts(state, reading);
    const unchanged =
      state !== null &&
      state.lastStatus === next.lastStatus &&
      state.milestones.join() === next.milestones.join();
    if (events.length === 0 && unchanged) continue;
    await inTransaction(ctx.db, async (tx) => {
      const txCtx = { ...ctx, db: tx };
      await saveAlertState(tx, ctx.org.id, goal.id, next, ctx.now);
      for (const event of events) {
        const everyone = recipientsOf(goal, options.directory, ctx.now);
        const to = withExtraRecipients(
          [...(everyone.owner ? [everyone.owner] : []), ...everyone.managers],
          extra.get(goal.id),
        );
        add(report, await deliver(txCtx, goal, event, keyOf(goal, event, today), to, reading, options));
      }
    });
  }
  return report;
}

/** Reminders for check-ins that fall due (to the owner) and overdue ones (to the owner and managers). */
export async function remindCheckins(
  ctx: Ctx,
  goals: readonly TrackedGoal[],
  options: AlertOptions,
): Promise<AlertReport> {
  const report = emptyReport();
  const today = dayOf(ctx.now, ctx.org.timeZone);
  const last = await lastCheckinAt(
    ctx.db,
    ctx.org.id,
    goals.map((g) => g.id),
  );
  for (const goal of goals) {
    if (today < goal.period.start || today > goal.period.end) continue;
    const at = last.get(goal.id);
    const due = nextCheckin({
      interval: goal.checkinInterval,
      period: goal.period,
      lastCheckinOn: at === undefined ? null : dayOf(at, ctx.org.timeZone),
      today,
    });
    if (!due || due.state === 'not_due') continue;
    const everyone = recipientsOf(goal, options.directory, ctx.now);
    const owner = everyone.owner ? [everyone.owner] : everyone.managers;
    const events: Array<[TrackingEvent, Member[]]> = [[{ kind: 'checkin_due', dueOn: due.dueOn }, owner]];
    if (due.state === 'overdue') {
      events.push([
        { kind: 'checkin_overdue', dueOn: due.dueOn },
        [...owner, ...everyone.managers.filter((m) => !owner.includes(m))],
      ]);
    }
    await inTransaction(ctx.db, async (tx) => {
      for (const [event, to] of events) {
        add(
          report,
          await deliver({ ...ctx, db: tx }, goal, event, keyOf(goal, event, today), to, null, options),
        );
      }
    });
  }
  return report;
}

async function deliver(
  ctx: Ctx,
  goal: TrackedGoal,
  event: TrackingEvent,
  key: string,
  to: readonly Member[],
  progress: Progress | null,
  options: AlertOptions,
): Promise<AlertReport> {
  const report = emptyReport();
  const kind: NotificationKind = event.kind;
  const data = {
    event,
    goal: { id: goal.id, title: goal.title, metric: goal.metric },
    progress: progress && {
      status: progress.status,
      actual: progress.actual,
      target: progress.target,
      attainment: progress.attainment,
      paceRatio: progress.paceRatio,
    },
  };
  let anyNew = false;
  for (const member of to) {
    const text = alertText(event, goal, progress, localeOf(member.locale));
    const created = await insertNotification(
      ctx.db,
      ctx.org.id,
      { userId: member.id, goalId: goal.id, kind, dedupeKey: key, title: text.title, body: text.body, data },
      ctx.now,
    );
    if (!created) continue;
    anyNew = true;
    report.notifications++;
    if (options.email) {
      const { created: queued } = await enqueueEmail(
        { db: ctx.db, orgId: ctx.org.id, now: ctx.now },
        { to: member.email, subject: text.title, text: text.body, dedupeKey: `email:${member.id}:${key}` },
      );
      if (queued) report.emails++;
    }
  }
  report.webhooks += await enqueueWebhookEvent(
    { db: ctx.db, orgId: ctx.org.id, now: ctx.now },
    options.webhooks,
    {
      kind,
      key,
      data,
    },
  );
  if (anyNew || report.webhooks > 0) report.events++;
  return report;
}
