import type { Command } from 'commander';
import { formatPercent, formatValue, minorDigits } from '../../core/goals/text.ts';
import type { ProgressStatus } from '../../core/progress/index.ts';
import { systemContextFor } from '../../services/tracking/org-context.ts';
import { dashboard, type GoalProgressView } from '../../services/tracking/progress.ts';
import { dbOption, withStore } from '../shared.ts';

const STATUS_COLOUR: Record<ProgressStatus, string> = {
  achieved: '\x1b[1;32m',
  on_track: '\x1b[32m',
  at_risk: '\x1b[33m',
  off_track: '\x1b[31m',
  no_data: '\x1b[90m',
};
const RESET = '\x1b[0m';
const STATUS_TEXT: Record<ProgressStatus, string> = {
  achieved: 'achieved',
  on_track: 'on track',
  at_risk: 'at risk',
  off_track: 'off track',
  no_data: 'no data',
};

/** `hadaf progress`: every active goal of a scope with actual, target, pace, forecast and status. */
export function progressCommand(program: Command) {
  program
    .command('progress')
    .description('show the progress of every active goal of a scope')
    .addOption(dbOption())
    .option('--org <slug>', 'the org (needed when the database holds several)')
    .option('--scope <scope>', 'org, team:<name or id> or rep:<email, name or id>', 'org')
    .option('--json', 'print JSON instead of a table')
    .action(async (options: { db: string; org?: string; scope: string; json?: boolean }) => {
      await withStore(options.db, async (store) => {
        const ctx = await systemContextFor(store, options.org, Date.now(), 'cli');
        const view = await dashboard({ ctx, input: { scope: options.scope } });
        if (options.json) {
          process.stdout.write(`${JSON.stringify(view, null, 2)}\n`);
          return;
        }
        const colour = process.stdout.isTTY === true && !process.env.NO_COLOR;
        process.stdout.write(`${view.scope.label}: ${view.goals.length} active goal(s)\n`);
        if (view.goals.length > 0) process.stdout.write(`${table(view.goals, ctx.org.currency, colour)}\n`);
      });
    });
}

/** A forecast is an estimate: whole currency units (and whole counts) say all it knows. */
function roughly(value: number, unit: GoalProgressView['goal']['unit'], currency: string): number {
  if (unit === 'currency') {
    const minor = 10 ** minorDigits(currency);
    return Math.round(value / minor) * minor;
  }
  return unit === 'count' ? Math.round(value) : value;
}

export function table(goals: readonly GoalProgressView[], currency: string, colour: boolean): string {
  const value = (v: number | null, unit: GoalProgressView['goal']['unit']) =>
    v === null ? '—' : formatValue(v, unit, currency).en;
  const pct = (v: number | null) => (v === null ? '—' : formatPercent(v).en);
  const header = ['Goal', 'Actual', 'Target', 'Attained', 'Pace', 'Forecast', 'Days left', 'Status'];
  const rows = goals.map(({ goal, progress: p }) => [
    goal.title.length > 40 ? `${goal.title.slice(0, 39)}…` : goal.title,
    value(p.actual, goal.unit),
    value(p.target, goal.unit),
    pct(p.attainment),
    pct(p.paceRatio),
    p.forecast ? value(roughly(p.forecast.value, goal.unit, currency), goal.unit) : '—',
    String(p.daysLeft),
    STATUS_TEXT[p.status],
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[], statusOf?: ProgressStatus) =>
    cells
      .map((cell, i) => {
        const padded =
          i === 0 || i === cells.length - 1 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0);
        return statusOf && colour && i === cells.length - 1
          ? `${STATUS_COLOUR[statusOf]}${padded}${RESET}`
          : padded;
      })
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map((r, i) => line(r, goals[i]?.progress.status))].join('\n');
}
