import type { Db } from '../../store/db.ts';
import { type DeliveryReport, deliverOutbox, type Sender } from './deliver.ts';
import type { Mailer } from './mailer.ts';

export interface OutboxWorker {
  /** Runs a pass soon (after a message was queued), without waiting for the interval. */
  nudge(): void;
  /** Stops the timer and waits for a pass in progress. */
  stop(): Promise<void>;
}

/**
 * Delivers the outbox every `intervalMs` inside a long-running process
 * (`hadaf serve`). Passes never overlap within the process; several
 * processes may run workers side by side (claims are exclusive).
 */
export function startOutboxWorker(options: {
  db: Db;
  mailer?: Mailer;
  senders?: Record<string, Sender>;
  intervalMs?: number;
  clock?: () => number;
  onPass?: (report: DeliveryReport) => void;
  onError?: (error: unknown) => void;
}): OutboxWorker {
  const clock = options.clock ?? Date.now;
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;

  const pass = (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        try {
          const report = await deliverOutbox({
            db: options.db,
            now: clock(),
            mailer: options.mailer,
            senders: options.senders,
          });
          options.onPass?.(report);
        } catch (error) {
          options.onError?.(error);
        }
      } while (again && !stopped);
    })().finally(() => {
      running = undefined;
    });
    return running;
  };

  const timer = setInterval(() => void pass(), options.intervalMs ?? 15_000);
  timer.unref();
  return {
    nudge: () => {
      if (!stopped) void pass();
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
