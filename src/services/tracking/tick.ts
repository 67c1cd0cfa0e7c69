/**
 * One run of the scheduler, for every org: yesterday's snapshots, alerts on
 * status changes and milestones, check-in reminders, then delivery of the
 * outbox (e-mail and webhooks).
 *
 * Idempotent: a second run in the same minute finds the snapshots written,
 * the alert state current and every notification and outbox row already
 * there under its dedupe key, so it sends nothing twice. Two processes
 * (`hadaf serve` and a cron `hadaf tick`) do not run it at once: a lease row
 * lets one through and the other skips; even past the lease, dedupe keys
 * and the outbox's exclusive claims keep every alert single.
 */

import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Kysely } from 'kysely';
import { dayOf } from '../../core/periods/index.ts';
import type { Progress } from '../../core/progress/index.ts';
import type { Db } from '../../store/db.ts';
import { dialectOf } from '../../store/dialect.ts';
import { listOrgs } from '../../store/org-queries.ts';
import {
  acquireLease,
  finishRun,
  listWebhooks,
  pruneRuns,
  releaseLease,
  startRun,
} from '../../store/progress-queries.ts';
import { type Ctx, systemActor } from '../context.ts';
import { transitionGoal } from '../goals/transition.ts';
import { type DeliveryReport, deliverOutbox } from '../outbox/deliver.ts';
import type { Mailer } from '../outbox/mailer.ts';
import { type AlertReport, evaluateGoalAlerts, remindCheckins } from './alerts.ts';
import { loadDirectory, progressOfGoals } from './progress.ts';
import { takeSnapshots } from './snapshots.ts';
import { loadGoals, type TrackedGoal } from './sources.ts';
import { WEBHOOK_CHANNEL, webhookSender } from './webhooks.ts';

export const TICK_JOB = 'tick';
const DEFAULT_LEASE_MS = 10 * 60_000;
const RUN_LOG_DAYS = 7;

export interface TickOptions {
  db: Db;
  now: number;
  /** Sends alert e-mails; without it no e-mail is queued. */
  mailer?: Mailer;
  /** Who holds the lease; defaults to this host and process. */
  holder?: string;
  leaseMs?: number;
  /** Deliver the outbox at the end of the run (default true). */
  deliver?: boolean;
  /** Time limit per webhook call. */
  webhookTimeoutMs?: number;
}

export interface TickReport {
  /** Set when another process held the lease and this run did nothing. */
  skipped?: 'lease_held';
  orgs: number;
  goals: number;
  snapshots: number;
  alerts: AlertReport;
  reminders: AlertReport;
  /** Goals whose period ended, closed as achieved or missed. */
  closed: number;
  delivery: DeliveryReport | null;
  /** Orgs whose part of the run failed, with the reason; the other orgs still ran. */
  errors: Array<{ orgId: number; error: string }>;
}

const emptyAlerts = (): AlertReport => ({ events: 0, notifications: 0, emails: 0, webhooks: 0 });

export const defaultHolder = () => `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;

export async function tick(options: TickOptions): Promise<TickReport> {
  const { db, now } = options;
  const holder = options.holder ?? defaultHolder();
  const report: TickReport = {
    orgs: 0,
    goals: 0,
    snapshots: 0,
    alerts: emptyAlerts(),
    reminders: emptyAlerts(),
    closed: 0,
    delivery: null,
    errors: [],
  };
  if (!(await acquireLease(db, TICK_JOB, holder, now, now + (options.leaseMs ?? DEFAULT_LEASE_MS)))) {
    return { ...report, skipped: 'lease_held' };
  }
  const runId = await startRun(db, TICK_JOB, holder, now);
  try {
    const dialect = dialectOf(db as unknown as Kysely<unknown>);
    for (const org of await listOrgs(db)) {
      const ctx: Ctx = { db, dialect, org, actor: systemActor('scheduler'), now };
      try {
        await tickOrg(ctx, options, report);
      } catch (error) {
        // One org's bad data must not stop the alerts of every other org.
        report.errors.push({ orgId: org.id, error: error instanceof Error ? error.message : String(error) });
      }
      report.orgs++;
    }
    if (options.deliver !== false) {
      report.delivery = await deliverOutbox({
        db,
        now,
        ...(options.mailer ? { mailer: options.mailer } : {}),
        senders: { [WEBHOOK_CHANNEL]: webhookSender(db, { timeoutMs: options.webhookTimeoutMs }) },
      });
    }
    await pruneRuns(db, now - RUN_LOG_DAYS * 86_400_000);
    await finishRun(db, runId, { result: report }, now);
    return report;
  } catch (error) {
    await finishRun(db, runId, { error: error instanceof Error ? error.message : String(error) }, now);
    throw error;
  } finally {
    await releaseLease(db, TICK_JOB, holder);
  }
}

async function tickOrg(ctx: Ctx, options: TickOptions, report: TickReport) {
  const goals = await loadGoals(ctx, { status: 'active' });
  report.goals += goals.length;
  if (goals.length === 0) return;
  report.snapshots += await takeSnapshots(ctx, goals);
  const [directory, webhooks] = await Promise.all([
    loadDirectory(ctx),
    listWebhooks(ctx.db, ctx.org.id, { activeOnly: true }),
  ]);
  const alertOptions = { email: options.mailer !== undefined, webhooks, directory };
  const progress = await progressOfGoals(ctx, goals);
  addReport(report.alerts, await evaluateGoalAlerts(ctx, goals, progress, alertOptions));
  addReport(report.reminders, await remindCheckins(ctx, goals, alertOptions));
  report.closed += await closeEndedGoals(ctx, goals, progress);
}

/**
 * Once a goal's last day is over in the org's time zone, it closes as
 * achieved or missed from its final progress (after the day's alerts went
 * out), so it leaves the active list. Goals without data stay open for a
 * person to decide.
 */
async function closeEndedGoals(
  ctx: Ctx,
  goals: readonly TrackedGoal[],
  progress: ReadonlyMap<number, Progress>,
) {
  const today = dayOf(ctx.now, ctx.org.timeZone);
  let closed = 0;
  for (const goal of goals) {
    const reading = progress.get(goal.id);
    if (goal.period.end >= today || !reading || reading.status === 'no_data') continue;
    const to = reading.status === 'achieved' ? 'achieved' : 'missed';
    await transitionGoal({ ctx, input: { goalId: goal.id, to, note: `period ended ${goal.period.end}` } });
    closed++;
  }
  return closed;
}

function addReport(into: AlertReport, more: AlertReport) {
  into.events += more.events;
  into.notifications += more.notifications;
  into.emails += more.emails;
  into.webhooks += more.webhooks;
}
