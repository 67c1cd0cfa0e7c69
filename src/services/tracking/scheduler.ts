/**
 * The scheduler inside `hadaf serve`: a tick every interval, never two at
 * once within the process (and the lease keeps other processes out).
 */
import type { Db } from '../../store/db.ts';
import type { Mailer } from '../outbox/mailer.ts';
import { defaultHolder, type TickReport, tick } from './tick.ts';

export const DEFAULT_TICK_INTERVAL_MS = 60_000;

export interface Scheduler {
  /** Stops the timer and waits for a tick in progress. */
  stop(): Promise<void>;
}

export function startScheduler(options: {
  db: Db;
  mailer?: Mailer;
  intervalMs?: number;
  clock?: () => number;
  onTick?: (report: TickReport) => void;
  onError?: (error: unknown) => void;
}): Scheduler {
  const clock = options.clock ?? Date.now;
  const holder = defaultHolder();
  let running: Promise<void> | undefined;
  const run = () => {
    if (running) return;
    running = tick({
      db: options.db,
      now: clock(),
      holder,
      ...(options.mailer ? { mailer: options.mailer } : {}),
    })
      .then((report) => options.onTick?.(report))
      .catch((error) => options.onError?.(error))
      .finally(() => {
        running = undefined;
      });
  };
  const timer = setInterval(run, options.intervalMs ?? DEFAULT_TICK_INTERVAL_MS);
  timer.unref();
  // The first tick right away: a server restarted after a day away catches up now, not in a minute.
  run();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
