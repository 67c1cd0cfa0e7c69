/**
 * Daily snapshots: once a day is over, each goal's progress at the end of it
 * is written once and never recomputed, so burn-up charts and "how did we
 * get here" show what was known, not today's guess about the past. A day the
 * scheduler did not run stays a gap.
 */
import { addDays, dayOf, startOfDayMs } from '../../core/periods/index.ts';
import { insertSnapshot, listSnapshots } from '../../store/progress-queries.ts';
import type { Ctx } from '../context.ts';
import { progressOfGoals } from './progress.ts';
import type { TrackedGoal } from './sources.ts';

/** Writes yesterday's snapshot of each goal whose period covers it and has none; returns how many were written. */
export async function takeSnapshots(ctx: Ctx, goals: readonly TrackedGoal[]): Promise<number> {
  const today = dayOf(ctx.now, ctx.org.timeZone);
  const yesterday = addDays(today, -1);
  const covering = goals.filter((g) => g.period.start <= yesterday && yesterday <= g.period.end);
  if (covering.length === 0) return 0;
  const done = new Set(
    (
      await listSnapshots(
        ctx.db,
        ctx.org.id,
        covering.map((g) => g.id),
        { from: yesterday, to: yesterday },
      )
    ).map((s) => s.goal_id),
  );
  const missing = covering.filter((g) => !done.has(g.id));
  if (missing.length === 0) return 0;
  // Read at the stroke of midnight: yesterday complete, nothing of today.
  const endOfYesterday = startOfDayMs(today, ctx.org.timeZone);
  const progress = await progressOfGoals(ctx, missing, endOfYesterday);
  let written = 0;
  for (const goal of missing) {
    const p = progress.get(goal.id);
    if (!p) continue;
    const created = await insertSnapshot(
      ctx.db,
      ctx.org.id,
      {
        goal_id: goal.id,
        day: yesterday,
        actual: p.actual,
        target: p.target,
        expected: p.expected,
        pace_ratio: p.paceRatio,
        attainment: p.attainment,
        forecast: p.forecast?.value ?? null,
        forecast_low: p.forecast?.low ?? null,
        forecast_high: p.forecast?.high ?? null,
        status: p.status,
      },
      ctx.now,
    );
    if (created) written++;
  }
  return written;
}
