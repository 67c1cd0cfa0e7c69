/**
 * Which alerts a new progress reading raises, given what was last alerted.
 *
 * Pure: the state goes in and the next state comes out, so the tick that
 * stores the state and enqueues the alerts can do both in one transaction.
 * A status change alerts once (no_data is a gap in the data, not a change:
 * it neither alerts nor forgets the last real status). A milestone alerts
 * the first time it is reached and never again, even if the value dips back
 * under it and rises again.
 */
import type { Milestone, ProgressStatus } from './types.ts';

export interface AlertState {
  lastStatus: Exclude<ProgressStatus, 'no_data'> | null;
  milestones: Milestone[];
}

export type AlertEvent =
  | {
      kind: 'status_changed';
      from: Exclude<ProgressStatus, 'no_data'>;
      to: Exclude<ProgressStatus, 'no_data'>;
    }
  | { kind: 'milestone'; milestone: Milestone };

const MILESTONE_ORDER: Milestone[] = ['half', 'target', 'stretch'];

export function evaluateAlerts(
  state: AlertState | null,
  reading: { status: ProgressStatus; milestones: readonly Milestone[] },
): { events: AlertEvent[]; next: AlertState } {
  const events: AlertEvent[] = [];
  // A goal seen for the first time is taken to have been on track: turning up at risk is news, starting fine is not.
  const last = state?.lastStatus ?? 'on_track';
  let lastStatus = state?.lastStatus ?? null;
  if (reading.status !== 'no_data') {
    if (reading.status !== last) events.push({ kind: 'status_changed', from: last, to: reading.status });
    lastStatus = reading.status;
  }
  const known = new Set(state?.milestones ?? []);
  for (const milestone of MILESTONE_ORDER) {
    if (reading.milestones.includes(milestone) && !known.has(milestone)) {
      events.push({ kind: 'milestone', milestone });
      known.add(milestone);
    }
  }
  return { events, next: { lastStatus, milestones: MILESTONE_ORDER.filter((m) => known.has(m)) } };
}
