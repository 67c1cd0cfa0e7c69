import type { Command } from 'commander';
import { invalid } from '../../core/errors.ts';
import {
  FILTER_KEYS,
  type FunnelStepId,
  formatValue,
  type Goal,
  type GoalFilters,
  minorDigits,
  type SmartReport,
} from '../../core/goals/index.ts';
import { isMetricId, metricDef } from '../../core/metrics/index.ts';
import type { Org } from '../../core/org.ts';
import { parsePeriod } from '../../core/periods/index.ts';
import type { Ctx } from '../../services/context.ts';
import { checkGoal } from '../../services/goals/check.ts';
import { createGoal } from '../../services/goals/create.ts';
import { acceptFunnel, previewFunnel } from '../../services/goals/funnel.ts';
import { listGoals } from '../../services/goals/list.ts';
import { showGoal } from '../../services/goals/show.ts';
import { applySplit, parseMembers, previewSplit, type SplitRuleInput } from '../../services/goals/split.ts';
import { resolveScope } from '../../services/metrics/scope.ts';
import { systemContextFor } from '../../services/tracking/org-context.ts';
import { dbOption, withStore } from '../shared.ts';

interface Common {
  db: string;
  org?: string;
  json?: boolean;
  lang?: 'en' | 'ar';
}

const out = (text: string): void => {
  process.stdout.write(`${text}\n`);
};
const json = (value: unknown) => out(JSON.stringify(value, null, 2));

async function run(options: Common, label: string, work: (ctx: Ctx) => Promise<void>) {
  await withStore(options.db, async (store) =>
    work(await systemContextFor(store, options.org, Date.now(), label)),
  );
}

/** A target as people type it: money in major units ("1200000.50"), percentages as "30%" or 0.30. */
export function parseTarget(text: string, metric: string, org: Org): number {
  const def = metricDef(metric);
  const percent = /^\s*(-?\d+(?:\.\d+)?)\s*%\s*$/.exec(text);
  const value = percent ? Number(percent[1]) / 100 : Number(text.replaceAll(',', ''));
  if (text.trim() === '' || !Number.isFinite(value)) throw invalid(`"${text}" is not a number.`, '--target');
  return def.unit === 'currency' ? Math.round(value * 10 ** minorDigits(org.currency)) : value;
}

/** "+10%", "-5%" or 0.10 → a fraction. */
export function parseChange(text: string): number {
  const percent = /^\s*([+-]?\d+(?:\.\d+)?)\s*%\s*$/.exec(text);
  const value = percent ? Number(percent[1]) / 100 : Number(text);
  if (!Number.isFinite(value)) throw invalid(`"${text}" is not a change: use e.g. +10% or 0.10.`, '--change');
  return value;
}

function parseFilters(values: string[]): GoalFilters {
  const filters: Record<string, string> = {};
  for (const item of values) {
    const [key, ...rest] = item.split('=');
    if (!key || rest.length === 0 || !(FILTER_KEYS as readonly string[]).includes(key)) {
      throw invalid(
        `"${item}" is not a filter: use ${FILTER_KEYS.join('|')}=<value>, e.g. channel=web.`,
        '--filter',
      );
    }
    filters[key] = rest.join('=');
  }
  return filters;
}

const collect = (value: string, previous: string[]) => [...previous, value];

function goalLine(goal: Goal, org: Org): string {
  const unit = isMetricId(goal.metric) ? metricDef(goal.metric).unit : 'count';
  const scope = goal.scope.type === 'org' ? 'org' : `${goal.scope.type}:${goal.scope.id}`;
  return [
    `#${goal.id}`.padEnd(6),
    goal.status.padEnd(8),
    `${goal.period.start}..${goal.period.end}`,
    scope.padEnd(9),
    `${goal.metric} ${formatValue(goal.target, unit, org.currency).en}`,
    `"${goal.title}"`,
  ].join('  ');
}

function printReport(report: SmartReport, lang: 'en' | 'ar') {
  const mark = { pass: 'PASS', warn: 'WARN', fail: 'FAIL' } as const;
  for (const v of report.verdicts) {
    out(`${mark[v.verdict]}  ${v.name[lang]}: ${v.reason[lang]}`);
    if (v.fix) out(`      → ${v.fix[lang]}`);
  }
}

/** `hadaf goal ...`: create, list, show, check, split and derive the funnel of goals, as the system. */
export function goalCommand(program: Command) {
  const goal = program
    .command('goal')
    .description('set SMART goals: create, list, show, check, split, funnel');
  const common = (c: Command) =>
    c
      .addOption(dbOption())
      .option('--org <slug>', 'the org (needed when the database holds several)')
      .option('--json', 'print JSON');

  common(goal.command('create'))
    .description('create a goal (money in major units, e.g. --target 1200000)')
    .option('--template <id>', 'start from a template (see GET /api/templates)')
    .option('--title <text>', 'the goal, in a line')
    .option('--description <text>', 'how it will be reached')
    .option('--metric <id>', 'a metric of the catalog, e.g. revenue')
    .option('--scope <scope>', 'org, team:<name or id> or rep:<email, name or id>', 'org')
    .option('--period <period>', 'e.g. FY2027, 2027-Q2, 2027-05 or 2027-01-01..2027-06-30')
    .option('--target <value>', 'the number to reach, e.g. 1200000 or 30%')
    .option('--change <change>', 'a change against the same period last year, e.g. +10%')
    .option('--baseline <value>', 'type the baseline instead of computing it')
    .option('--direction <direction>', 'increase, decrease, reach or stay_below')
    .option('--filter <key=value>', 'channel, segment, industry or product (repeatable)', collect, [])
    .option('--active', 'create it active rather than as a draft')
    .action(async (o: Common & Record<string, string | string[] | boolean | undefined>) => {
      await run(o, 'cli goal', async (ctx) => {
        const scope = await resolveScope(ctx, o.scope as string);
        const metric = (o.metric as string | undefined) ?? undefined;
        const period = typeof o.period === 'string' ? parsePeriod(o.period, ctx.org) : undefined;
        const numberFor = (text: string) => {
          if (!metric) throw invalid('Give --metric with --target or --baseline.', '--metric');
          return parseTarget(text, metric, ctx.org);
        };
        const created = await createGoal({
          ctx,
          input: {
            scope: { type: scope.type, id: scope.id },
            ...(o.template ? { templateId: o.template as string } : {}),
            ...(o.title ? { title: o.title as string } : {}),
            ...(o.description ? { description: o.description as string } : {}),
            ...(metric ? { metric } : {}),
            ...(period ? { period: { start: period.start, end: period.end } } : {}),
            ...(o.target ? { target: numberFor(o.target as string) } : {}),
            ...(o.change ? { targetChange: parseChange(o.change as string) } : {}),
            ...(o.baseline ? { baseline: numberFor(o.baseline as string) } : {}),
            ...(o.direction ? { direction: o.direction as Goal['direction'] } : {}),
            ...((o.filter as string[]).length ? { filters: parseFilters(o.filter as string[]) } : {}),
            ...(o.active ? { status: 'active' as const } : {}),
          },
        });
        if (o.json) return json(created);
        out(goalLine(created, ctx.org));
      });
    });

  common(goal.command('list'))
    .description('list goals')
    .option('--status <statuses>', 'comma-separated, e.g. draft,active')
    .option('--metric <id>', 'only this metric')
    .action(async (o: Common & { status?: string; metric?: string }) => {
      await run(o, 'cli goal', async (ctx) => {
        const goals = await listGoals({
          ctx,
          input: {
            ...(o.status ? { status: o.status.split(',') as Goal['status'][] } : {}),
            ...(o.metric ? { metric: o.metric } : {}),
            limit: 500,
          },
        });
        if (o.json) return json(goals);
        if (goals.length === 0) return out('No goals.');
        for (const g of goals) out(goalLine(g, ctx.org));
      });
    });

  common(goal.command('show'))
    .description('show a goal, its target history and its children')
    .argument('<id>', 'goal id')
    .option('--as-of <day>', 'also show the target in force on this day')
    .action(async (id: string, o: Common & { asOf?: string }) => {
      await run(o, 'cli goal', async (ctx) => {
        const detail = await showGoal({
          ctx,
          input: { goalId: goalId(id), ...(o.asOf ? { asOf: o.asOf } : {}) },
        });
        if (o.json) return json(detail);
        const unit = metricDef(detail.goal.metric).unit;
        const money = (v: number) => formatValue(v, unit, ctx.org.currency).en;
        out(goalLine(detail.goal, ctx.org));
        if (detail.goal.description) out(`  how: ${detail.goal.description}`);
        for (const c of detail.targetHistory)
          out(`  target ${money(c.target)} from ${c.effectiveFrom}: ${c.reason}`);
        if (detail.targetAsOf) {
          const t = detail.targetAsOf.target;
          out(`  target on ${detail.targetAsOf.day}: ${t === null ? '—' : money(t)}`);
        }
        for (const c of detail.children) out(`  └ ${goalLine(c, ctx.org)}`);
        if (detail.assignment.mode === 'sum') {
          out(
            `  assigned ${money(detail.assignment.assigned ?? 0)} of ${money(detail.goal.target)}: ${detail.assignment.state}`,
          );
        }
      });
    });

  common(goal.command('check'))
    .description('run the SMART coach on a goal')
    .argument('<id>', 'goal id')
    .option('--lang <lang>', 'en or ar', 'en')
    .action(async (id: string, o: Common) => {
      await run(o, 'cli goal', async (ctx) => {
        const report = await checkGoal({ ctx, input: { goalId: goalId(id) } });
        if (o.json) return json(report);
        printReport(report, o.lang === 'ar' ? 'ar' : 'en');
      });
    });

  common(goal.command('split'))
    .description('preview (or --apply) a split into periods or members')
    .argument('<id>', 'goal id')
    .requiredOption('--by <by>', 'period or member')
    .option('--grain <grain>', 'week, month, quarter or fiscal_quarter (by period)')
    .option('--method <method>', 'equal or seasonal (period); equal, last_year_share or weights (member)')
    .option('--members <list>', 'team:<id>[:weight] or rep:<id>[:weight], comma-separated')
    .option('--apply', 'create the children')
    .action(
      async (
        id: string,
        o: Common & { by: string; grain?: string; method?: string; members?: string; apply?: boolean },
      ) => {
        await run(o, 'cli goal', async (ctx) => {
          const rule = splitRule(o);
          const input = { goalId: goalId(id), rule };
          if (o.apply) {
            const result = await applySplit({ ctx, input });
            if (o.json) return json(result);
            for (const c of result.children) out(goalLine(c, ctx.org));
            return;
          }
          const preview = await previewSplit({ ctx, input });
          if (o.json) return json(preview);
          const goalRow = await showGoal({ ctx, input: { goalId: goalId(id) } });
          const unit = metricDef(goalRow.goal.metric).unit;
          out(preview.explanation.en);
          for (const c of preview.children) {
            out(
              `  ${c.name.padEnd(24)} ${c.period.start}..${c.period.end}  ${formatValue(c.target, unit, ctx.org.currency).en}`,
            );
          }
        });
      },
    );

  common(goal.command('funnel'))
    .description('derive the activity that would produce an outcome goal; --accept turns steps into goals')
    .argument('<id>', 'goal id')
    .option('--accept <steps>', 'comma-separated step ids, e.g. calls,demos_booked')
    .option('--per-rep', 'one activity goal per rep')
    .action(async (id: string, o: Common & { accept?: string; perRep?: boolean }) => {
      await run(o, 'cli goal', async (ctx) => {
        if (o.accept) {
          const created = await acceptFunnel({
            ctx,
            input: {
              goalId: goalId(id),
              steps: o.accept.split(',') as FunnelStepId[],
              perRep: o.perRep === true,
            },
          });
          if (o.json) return json(created);
          for (const c of created) out(goalLine(c, ctx.org));
          return;
        }
        const funnel = await previewFunnel({ ctx, input: { goalId: goalId(id) } });
        if (o.json) return json(funnel);
        for (const s of funnel.steps) {
          const perWeek = s.perRepPerWeek === null ? '' : `  (${s.perRepPerWeek} per rep per week)`;
          out(`${s.id.padEnd(16)} ${String(s.total).padStart(8)}${perWeek}  ${s.explanation.en}`);
        }
        for (const m of funnel.missing) out(`${m.id.padEnd(16)}        —  ${m.reason.en}`);
      });
    });
}

function goalId(text: string): number {
  if (!/^\d+$/.test(text)) throw invalid(`"${text}" is not a goal id.`, 'id');
  return Number(text);
}

function splitRule(o: { by: string; grain?: string; method?: string; members?: string }): SplitRuleInput {
  if (o.by === 'period') {
    const grains = ['week', 'month', 'quarter', 'fiscal_quarter'];
    if (!o.grain || !grains.includes(o.grain))
      throw invalid(`--grain must be one of ${grains.join(', ')}.`, '--grain');
    if (o.method && o.method !== 'equal' && o.method !== 'seasonal')
      throw invalid('--method is equal or seasonal.', '--method');
    return { by: 'period', grain: o.grain as 'month', ...(o.method ? { method: o.method as 'equal' } : {}) };
  }
  if (o.by !== 'member') throw invalid('--by is period or member.', '--by');
  const methods = ['equal', 'last_year_share', 'weights'];
  if (o.method && !methods.includes(o.method))
    throw invalid(`--method is one of ${methods.join(', ')}.`, '--method');
  const members = o.members ? parseMembers(o.members, '--members') : undefined;
  return {
    by: 'member',
    ...(o.method ? { method: o.method as 'equal' } : {}),
    ...(members ? { members } : {}),
  };
}
