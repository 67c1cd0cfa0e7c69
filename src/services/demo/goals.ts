import type { SplitRule } from '../../core/goals/index.ts';
import type { BulkTable, BulkWriter, TableName } from '../../store/bulk-insert.ts';
import type { GoalDirection, GoalLayer, GoalStatus } from '../../store/schema.ts';
import { rampAt } from './facts.ts';
import { DAY_MS, dayText, monthIndex, monthStart } from './local-time.ts';
import type { PlannedTeam, PlannedUser, Roster } from './roster.ts';
import { type DemoStats, quarterValue } from './stats.ts';

export const GOAL_TABLES: readonly BulkTable[] = [
  {
    name: 'goal',
    columns: [
      'id',
      'org_id',
      'title',
      'description',
      'metric',
      'scope_type',
      'scope_id',
      'filters',
      'target',
      'target_mode',
      'target_change',
      'baseline',
      'baseline_start',
      'baseline_end',
      'baseline_overridden',
      'direction',
      'period_start',
      'period_end',
      'recurrence',
      'kind',
      'layer',
      'stretch_target',
      'pace_model',
      'checkin_interval',
      'owner_id',
      'parent_id',
      'split_rule',
      'status',
      'reason',
      'created_by',
      'created_at',
      'updated_at',
    ],
  },
  {
    name: 'goal_target_change',
    columns: ['id', 'org_id', 'goal_id', 'target', 'effective_from', 'changed_by', 'changed_at', 'reason'],
  },
  { name: 'goal_bonus_tier', columns: ['id', 'org_id', 'goal_id', 'attainment', 'payout'] },
];

/** Money targets are round: 1,000 SAR for the org, regions and teams, 100 SAR for reps (in halalas). */
const TEAM_UNIT = 100_000;
const REP_UNIT = 10_000;
const MONTH_MS = 30.44 * DAY_MS;
const WEEKS_PER_QUARTER = 13;

export interface GoalContext {
  orgId: number;
  now: number;
  /** First year of data; the current fiscal year is firstYear + 2. */
  firstYear: number;
  roster: Roster;
  stats: DemoStats;
  writer: BulkWriter;
  ids: Record<TableName, number>;
}

interface GoalSpec {
  title: string;
  description: string;
  metric: string;
  scope: { type: 'org' | 'team' | 'rep'; id: number | null };
  filters?: Record<string, string>;
  target: number;
  /** Set for targets stated as a change against the baseline, e.g. 0.12 for +12%. */
  change?: number;
  baseline: number | null;
  baselinePeriod?: { start: string; end: string };
  direction: GoalDirection;
  period: { start: string; end: string };
  kind: 'outcome' | 'activity';
  layer: GoalLayer;
  stretch?: number;
  pace?: 'linear' | 'working_days' | 'seasonal';
  checkin?: 'weekly' | 'biweekly' | 'monthly';
  ownerId: number;
  parentId?: number;
  splitRule?: SplitRule;
  status?: GoalStatus;
  reason?: string;
  createdAt: number;
}

/**
 * A believable goal tree for the current fiscal year, set from last year's
 * actuals the way a sales leader would:
 * - annual (org): revenue +12% (cascaded), new customers, win rate, churn, partner revenue;
 * - team: each region's share of the annual revenue (last year's share), split into
 *   quarters by last year's seasonality, and the current quarter split over sub-teams;
 * - individual: each active rep's part of their sub-team's quarter, by run-rate,
 *   ramped for new hires, with bonus tiers;
 * - activity: calls and booked demos per sub-team for the quarter, split over reps;
 * - stretch: the org's +20% and a stretch quota for the three strongest reps.
 * Revenue and activity children sum exactly to their parent (largest remainder).
 */
export function generateGoals(ctx: GoalContext): void {
  const { orgId, now, firstYear, roster, stats, writer, ids } = ctx;
  const admin = roster.admin;
  const year = firstYear + 2;
  const today = dayText(now);
  const fyStart = monthStart(year, 0);
  const qNow = Math.floor(monthIndex(now, firstYear) / 3);
  const qLastYear = qNow - 4;
  const qLabel = `Q${(qNow % 4) + 1} ${year}`;
  const quarterPeriod = (q: number) => ({
    start: dayText(monthStart(firstYear, q * 3)),
    end: dayText(monthStart(firstYear, q * 3 + 3) - 1),
  });
  const yearPeriod = (y: number) => ({
    start: dayText(monthStart(y, 0)),
    end: dayText(monthStart(y + 1, 0) - 1),
  });
  const planDay = fyStart - 12 * DAY_MS;
  const quarterPlanDay = monthStart(firstYear, qNow * 3) - 5 * DAY_MS;

  const add = (spec: GoalSpec): number => {
    const id = ids.goal++;
    writer.add('goal', [
      id,
      orgId,
      spec.title,
      spec.description,
      spec.metric,
      spec.scope.type,
      spec.scope.id,
      JSON.stringify(spec.filters ?? {}),
      spec.target,
      spec.change == null ? 'absolute' : 'relative',
      spec.change ?? null,
      spec.baseline,
      spec.baselinePeriod?.start ?? null,
      spec.baselinePeriod?.end ?? null,
      0,
      spec.direction,
      spec.period.start,
      spec.period.end,
      'none',
      spec.kind,
      spec.layer,
      spec.stretch ?? null,
      spec.pace ?? 'linear',
      spec.checkin ?? 'weekly',
      spec.ownerId,
      spec.parentId ?? null,
      spec.splitRule ? JSON.stringify(spec.splitRule) : null,
      spec.status ?? 'active',
      spec.reason ?? null,
      admin.id,
      spec.createdAt,
      spec.createdAt,
    ]);
    writer.add('goal_target_change', [
      ids.goal_target_change++,
      orgId,
      id,
      spec.target,
      spec.period.start,
      admin.id,
      spec.createdAt,
      'Initial target',
    ]);
    return id;
  };
  const bonusTiers = (goalId: number, tiers: readonly (readonly [number, number])[]) => {
    for (const [attainment, payout] of tiers) {
      writer.add('goal_bonus_tier', [ids.goal_bonus_tier++, orgId, goalId, attainment, payout]);
    }
  };

  // Annual layer.
  const lastRevenue = stats.revenueByYear[1] as number;
  const annualTarget = roundTo(lastRevenue * 1.12, TEAM_UNIT);
  const annualId = add({
    title: `FY${year} revenue +12%: ${sar(annualTarget)}`,
    description:
      `Grow new-business revenue 12% over FY${year - 1} (${sar(lastRevenue)}): ramp the new SMB hires in ` +
      'Riyadh, Jeddah and the Eastern Province, lift the win rate on referral and partner leads, and run a ' +
      'Q4 campaign selling Nakhla Analytics to existing ERP customers.',
    metric: 'revenue',
    scope: { type: 'org', id: null },
    target: annualTarget,
    change: 0.12,
    baseline: lastRevenue,
    baselinePeriod: yearPeriod(year - 1),
    direction: 'increase',
    period: yearPeriod(year),
    kind: 'outcome',
    layer: 'annual',
    stretch: roundTo(lastRevenue * 1.2, TEAM_UNIT),
    pace: 'seasonal',
    checkin: 'monthly',
    ownerId: admin.id,
    splitRule: byShare(roster.regions.map((r) => ({ type: 'team', id: r.id }))),
    reason: `Board plan for FY${year}: keep double-digit growth.`,
    createdAt: planDay,
  });

  const lastNew = stats.newCustomersByYear[1] as number;
  add({
    title: `Win ${fmt(Math.round(lastNew * 1.1))} new customers in FY${year}`,
    description:
      'Win 10% more new customers than last year, mostly SMB retailers and clinics from website and partner ' +
      'leads, with a same-week demo for every SQL.',
    metric: 'new_customers',
    scope: { type: 'org', id: null },
    target: Math.round(lastNew * 1.1),
    change: 0.1,
    baseline: lastNew,
    baselinePeriod: yearPeriod(year - 1),
    direction: 'increase',
    period: yearPeriod(year),
    kind: 'outcome',
    layer: 'annual',
    checkin: 'monthly',
    ownerId: admin.id,
    createdAt: planDay,
  });

  const decided = (stats.wonByYear[1] as number) + (stats.lostByYear[1] as number);
  const lastWinRate = decided === 0 ? 0 : (stats.wonByYear[1] as number) / decided;
  const winRateTarget = round4(lastWinRate * 1.08);
  add({
    title: `Raise the win rate to ${pct(winRateTarget)} in FY${year}`,
    description:
      `Raise the win rate 8% (from ${pct(lastWinRate)}) by qualifying out weak opportunities before the proposal ` +
      'stage and running a demo in every qualified deal.',
    metric: 'win_rate',
    scope: { type: 'org', id: null },
    target: winRateTarget,
    change: 0.08,
    baseline: round4(lastWinRate),
    baselinePeriod: yearPeriod(year - 1),
    direction: 'increase',
    period: yearPeriod(year),
    kind: 'outcome',
    layer: 'annual',
    checkin: 'monthly',
    ownerId: admin.id,
    createdAt: planDay,
  });

  const activeAtStart = stats.activeCustomersAtYearStart[1] as number;
  const lastChurn = activeAtStart === 0 ? 0 : (stats.churnedByYear[1] as number) / activeAtStart;
  const churnTarget = round4(lastChurn * 0.9);
  add({
    title: `Keep FY${year} customer churn below ${pct(churnTarget)}`,
    description:
      `Cut customer churn 10% (from ${pct(lastChurn)}): a monthly check-in with every new customer for three ` +
      'months, then one every two weeks, and a save call before any renewal at risk.',
    metric: 'churn_rate',
    scope: { type: 'org', id: null },
    target: churnTarget,
    change: -0.1,
    baseline: round4(lastChurn),
    baselinePeriod: yearPeriod(year - 1),
    direction: 'decrease',
    period: yearPeriod(year),
    kind: 'outcome',
    layer: 'annual',
    checkin: 'monthly',
    ownerId: admin.id,
    createdAt: planDay,
  });

  const lastPartner = stats.partnerRevenueByYear[1] as number;
  add({
    title: `Partner-sourced revenue +20% in FY${year}`,
    description:
      'Grow revenue from partner-sourced deals 20% by onboarding two implementation partners in Jeddah and ' +
      'Dammam and co-selling Nakhla ERP with them.',
    metric: 'revenue',
    scope: { type: 'org', id: null },
    filters: { channel: 'partner' },
    target: roundTo(lastPartner * 1.2, TEAM_UNIT),
    change: 0.2,
    baseline: lastPartner,
    baselinePeriod: yearPeriod(year - 1),
    direction: 'increase',
    period: yearPeriod(year),
    kind: 'outcome',
    layer: 'annual',
    checkin: 'monthly',
    ownerId: admin.id,
    createdAt: planDay,
  });

  // Team layer: regions for the year, their quarters, the current quarter over sub-teams.
  const subTeamsOf = (region: PlannedTeam) => roster.subTeams.filter((t) => t.parentId === region.id);
  const regionRevenue = (region: PlannedTeam, quarter: number) =>
    subTeamsOf(region).reduce((sum, team) => sum + quarterValue(stats.teamRevenue, team.id, quarter), 0);
  const regionYear = (region: PlannedTeam, y: number) =>
    [0, 1, 2, 3].reduce((sum, q) => sum + regionRevenue(region, y * 4 + q), 0);

  const regionTargets = splitByWeights(
    annualTarget,
    roster.regions.map((r) => regionYear(r, 1)),
    TEAM_UNIT,
  );
  const currentQuarterGoals = new Map<number, { id: number; target: number }>();
  roster.regions.forEach((region, index) => {
    const target = regionTargets[index] as number;
    const baseline = regionYear(region, 1);
    const regionId = add({
      title: `${region.name}: ${sar(target)} in FY${year}`,
      description:
        `${region.name}'s share of the FY${year} revenue plan, in proportion to its FY${year - 1} revenue ` +
        `(${sar(baseline)}); enterprise teams lead with ERP and Analytics, SMB teams with POS and HR bundles.`,
      metric: 'revenue',
      scope: { type: 'team', id: region.id },
      target,
      baseline,
      baselinePeriod: yearPeriod(year - 1),
      direction: 'increase',
      period: yearPeriod(year),
      kind: 'outcome',
      layer: 'team',
      pace: 'seasonal',
      checkin: 'monthly',
      ownerId: region.managerId,
      parentId: annualId,
      splitRule: { by: 'period', grain: 'quarter', method: 'seasonal' },
      createdAt: planDay,
    });
    const lastYearQuarters = [0, 1, 2, 3].map((q) => regionRevenue(region, 4 + q));
    const quarterTargets = splitByWeights(target, lastYearQuarters, TEAM_UNIT);
    quarterTargets.forEach((quarterTarget, q) => {
      const quarter = 8 + q;
      const period = quarterPeriod(quarter);
      const status: GoalStatus =
        period.end >= today
          ? 'active'
          : regionRevenue(region, quarter) >= quarterTarget
            ? 'achieved'
            : 'missed';
      const id = add({
        title: `${region.name}: ${sar(quarterTarget)} in Q${q + 1} ${year}`,
        description:
          `Q${q + 1} slice of ${region.name}'s FY${year} target, weighted by last year's quarters ` +
          `(Q${q + 1} ${year - 1}: ${sar(lastYearQuarters[q] as number)}).`,
        metric: 'revenue',
        scope: { type: 'team', id: region.id },
        target: quarterTarget,
        baseline: lastYearQuarters[q] as number,
        baselinePeriod: quarterPeriod(4 + q),
        direction: 'increase',
        period,
        kind: 'outcome',
        layer: 'team',
        checkin: 'weekly',
        ownerId: region.managerId,
        parentId: regionId,
        splitRule:
          quarter === qNow ? byShare(subTeamsOf(region).map((t) => ({ type: 'team', id: t.id }))) : undefined,
        status,
        createdAt: planDay,
      });
      if (quarter === qNow) currentQuarterGoals.set(region.id, { id, target: quarterTarget });
    });
  });

  const active = (rep: PlannedUser) => rep.hiredAt <= now && rep.leftAt == null;
  const quarterStart = monthStart(firstYear, qNow * 3);
  const teamGoals = new Map<number, { id: number; target: number }>();
  for (const region of roster.regions) {
    const parent = currentQuarterGoals.get(region.id) as { id: number; target: number };
    const teams = subTeamsOf(region);
    const lastYear = teams.map((t) => quarterValue(stats.teamRevenue, t.id, qLastYear));
    const targets = splitByWeights(parent.target, lastYear, TEAM_UNIT);
    teams.forEach((team, index) => {
      const target = targets[index] as number;
      const id = add({
        title: `${team.name}: ${sar(target)} in ${qLabel}`,
        description:
          `${team.name}'s part of ${region.name}'s ${qLabel} target, from its share of the region's revenue in ` +
          `the same quarter last year; weekly pipeline review every Sunday.`,
        metric: 'revenue',
        scope: { type: 'team', id: team.id },
        target,
        baseline: lastYear[index] as number,
        baselinePeriod: quarterPeriod(qLastYear),
        direction: 'increase',
        period: quarterPeriod(qNow),
        kind: 'outcome',
        layer: 'team',
        pace: 'working_days',
        ownerId: team.managerId,
        parentId: parent.id,
        splitRule: byShare(
          roster.reps
            .filter((r) => r.teamId === team.id && active(r))
            .map((r) => ({ type: 'rep', id: r.id })),
          [0.25, 0.5, 0.75],
        ),
        createdAt: quarterPlanDay,
      });
      teamGoals.set(team.id, { id, target });
    });
  }

  // Individual layer: each active rep's part of their team's quarter, by run-rate and ramp.
  const repsOf = (team: PlannedTeam) => roster.reps.filter((r) => r.teamId === team.id && active(r));
  const individual: { rep: PlannedUser; id: number; target: number; weight: number }[] = [];
  for (const team of roster.subTeams) {
    const parent = teamGoals.get(team.id) as { id: number; target: number };
    const reps = repsOf(team);
    const weights = runRateWeights(reps, stats.repRevenue, qNow, quarterStart, firstYear);
    const targets = splitByWeights(parent.target, weights, REP_UNIT);
    reps.forEach((rep, index) => {
      const target = targets[index] as number;
      const ramp = quarterRamp(rep, quarterStart);
      const enterprise = rep.segment === 'enterprise';
      const id = add({
        title: `${rep.name}: ${sar(target)} in ${qLabel}`,
        description:
          `${firstName(rep)}'s ${qLabel} quota from their run-rate over the last four quarters` +
          `${ramp < 1 ? `, at ${Math.round(ramp * 100)}% while ramping up as a new hire` : ''}: keep 3× pipeline ` +
          'coverage, demo every qualified opportunity, and review each deal in the weekly one-to-one.',
        metric: 'revenue',
        scope: { type: 'rep', id: rep.id },
        target,
        baseline:
          rep.hiredAt < monthStart(firstYear, qLastYear * 3)
            ? quarterValue(stats.repRevenue, rep.id, qLastYear)
            : null,
        baselinePeriod: quarterPeriod(qLastYear),
        direction: 'increase',
        period: quarterPeriod(qNow),
        kind: 'outcome',
        layer: 'individual',
        stretch: roundTo(target * 1.25, REP_UNIT),
        pace: 'working_days',
        ownerId: rep.id,
        parentId: parent.id,
        createdAt: Math.max(quarterPlanDay, rep.hiredAt),
      });
      const bonus = enterprise ? 1_200_000 : 800_000;
      bonusTiers(id, [
        [1, bonus],
        [1.1, bonus * 1.5],
        [1.25, bonus * 2],
      ]);
      individual.push({ rep, id, target, weight: weights[index] as number });
    });
  }

  // Activity layer: calls and booked demos per sub-team, 10% above the same quarter last year.
  const activityMetrics = [
    { metric: 'calls', noun: 'calls', team: stats.teamCalls, rep: stats.repCalls },
    { metric: 'demos_booked', noun: 'booked demos', team: stats.teamDemosBooked, rep: stats.repDemosBooked },
  ] as const;
  for (const { metric, noun, team: teamSeries, rep: repSeries } of activityMetrics) {
    for (const team of roster.subTeams) {
      const baseline = quarterValue(teamSeries, team.id, qLastYear);
      const target = Math.round(baseline * 1.1);
      const teamId = add({
        title: `${team.name}: ${fmt(target)} ${noun} in ${qLabel}`,
        description:
          `${fmt(target)} ${noun} this quarter (about ${fmt(Math.round(target / WEEKS_PER_QUARTER))} a week), 10% ` +
          `above ${qLabel.replace(String(year), String(year - 1))}: the conversations the team's revenue goal ` +
          'needs at its current conversion rates.',
        metric,
        scope: { type: 'team', id: team.id },
        target,
        change: 0.1,
        baseline,
        baselinePeriod: quarterPeriod(qLastYear),
        direction: 'increase',
        period: quarterPeriod(qNow),
        kind: 'activity',
        layer: 'activity',
        pace: 'working_days',
        ownerId: team.managerId,
        splitRule: byShare(
          roster.reps
            .filter((r) => r.teamId === team.id && active(r))
            .map((r) => ({ type: 'rep', id: r.id })),
          [0.25, 0.5, 0.75],
        ),
        createdAt: quarterPlanDay,
      });
      const reps = repsOf(team);
      const targets = splitByWeights(
        target,
        runRateWeights(reps, repSeries, qNow, quarterStart, firstYear),
        1,
      );
      reps.forEach((rep, index) => {
        const repTarget = targets[index] as number;
        add({
          title: `${rep.name}: ${fmt(repTarget)} ${noun} in ${qLabel}`,
          description:
            `About ${fmt(Math.max(1, Math.round(repTarget / WEEKS_PER_QUARTER)))} ${noun} a week, planned every ` +
            'Sunday in the pipeline review.',
          metric,
          scope: { type: 'rep', id: rep.id },
          target: repTarget,
          baseline: null,
          direction: 'increase',
          period: quarterPeriod(qNow),
          kind: 'activity',
          layer: 'activity',
          pace: 'working_days',
          ownerId: rep.id,
          parentId: teamId,
          createdAt: Math.max(quarterPlanDay, rep.hiredAt),
        });
      });
    }
  }

  // Stretch layer.
  const stretchTarget = roundTo(lastRevenue * 1.2, TEAM_UNIT);
  add({
    title: `Stretch: FY${year} revenue +20% (${sar(stretchTarget)})`,
    description:
      'The stretch case: +20% if the new SMB hires reach full productivity by mid-year and partner-sourced ' +
      'revenue grows 20%; the whole sales team shares an extra bonus pool when it is reached.',
    metric: 'revenue',
    scope: { type: 'org', id: null },
    target: stretchTarget,
    change: 0.2,
    baseline: lastRevenue,
    baselinePeriod: yearPeriod(year - 1),
    direction: 'increase',
    period: yearPeriod(year),
    kind: 'outcome',
    layer: 'stretch',
    pace: 'seasonal',
    checkin: 'monthly',
    ownerId: admin.id,
    createdAt: planDay,
  });
  const strongest = [...individual].sort((a, b) => b.weight - a.weight || a.rep.id - b.rep.id).slice(0, 3);
  for (const { rep, target } of strongest) {
    const stretch = roundTo(target * 1.3, REP_UNIT);
    const id = add({
      title: `Stretch for ${rep.name}: ${sar(stretch)} in ${qLabel}`,
      description:
        `30% above ${firstName(rep)}'s quarterly goal, for one of the strongest run-rates in the company: ` +
        'two extra enterprise-size proposals a month and a referral ask after every win.',
      metric: 'revenue',
      scope: { type: 'rep', id: rep.id },
      target: stretch,
      change: 0.3,
      baseline: target,
      direction: 'increase',
      period: quarterPeriod(qNow),
      kind: 'outcome',
      layer: 'stretch',
      pace: 'working_days',
      ownerId: rep.id,
      createdAt: quarterPlanDay,
    });
    bonusTiers(id, [[1, 2_500_000]]);
  }
}

/**
 * Splits `total` (a multiple of `unit`) into multiples of `unit` in proportion
 * to `weights`, by largest remainder: the parts always sum exactly to `total`.
 * All-zero weights split equally.
 */
export function splitByWeights(total: number, weights: readonly number[], unit: number): number[] {
  if (weights.length === 0) return [];
  const units = Math.round(total / unit);
  const sum = weights.reduce((a, b) => a + Math.max(0, b), 0);
  const shares = weights.map((w) => (sum > 0 ? (Math.max(0, w) / sum) * units : units / weights.length));
  const parts = shares.map(Math.floor);
  let left = units - parts.reduce((a, b) => a + b, 0);
  const order = shares
    .map((s, i) => [s - Math.floor(s), i] as const)
    .sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order) {
    if (left <= 0) break;
    parts[i] = (parts[i] as number) + 1;
    left--;
  }
  return parts.map((p) => p * unit);
}

/**
 * Each rep's monthly run-rate of a series over the four quarters before the
 * current one, times their ramp this quarter. Reps with less than a month of
 * history get the median run-rate of their teammates.
 */
function runRateWeights(
  reps: readonly PlannedUser[],
  series: Map<number, number[]>,
  qNow: number,
  quarterStart: number,
  firstYear: number,
): number[] {
  const from = monthStart(firstYear, (qNow - 4) * 3);
  const rates = reps.map((rep) => {
    const months = (quarterStart - Math.max(from, rep.hiredAt)) / MONTH_MS;
    if (months < 1) return null;
    let total = 0;
    for (let q = qNow - 4; q < qNow; q++) total += quarterValue(series, rep.id, q);
    return total / months;
  });
  const known = rates.filter((r): r is number => r != null).sort((a, b) => a - b);
  const median = known.length === 0 ? 1 : (known[Math.floor(known.length / 2)] as number);
  return reps.map((rep, i) => (rates[i] ?? median) * quarterRamp(rep, quarterStart));
}

/** A rep's mean ramp-up factor over the quarter's three months. */
function quarterRamp(rep: PlannedUser, quarterStart: number): number {
  let sum = 0;
  for (let m = 0; m < 3; m++) sum += rampAt(rep.hiredAt, quarterStart + (m + 0.5) * MONTH_MS);
  // Someone who joined in the quarter's last weeks still gets a first, small quota.
  return Math.max(sum / 3, 0.25 / 3);
}

const firstName = (user: PlannedUser) => user.name.split(' ')[0] as string;
const roundTo = (value: number, unit: number) => Math.max(unit, Math.round(value / unit) * unit);
const round4 = (value: number) => Math.round(value * 10_000) / 10_000;
const numberFormat = new Intl.NumberFormat('en-US');
const fmt = (value: number) => numberFormat.format(value);
/** Halalas as whole riyals, e.g. "SAR 1,250,000". */
const sar = (halalas: number) => `SAR ${fmt(Math.round(halalas / 100))}`;
const pct = (fraction: number) => `${(fraction * 100).toFixed(1)}%`;

/** The split rule the goals API reads back: by last year's share, with ramp-up for new hires. */
function byShare(members: Array<{ type: 'team' | 'rep'; id: number }>, rampUp: number[] = []): SplitRule {
  return { by: 'member', method: 'last_year_share', members, rampUp, prorate: rampUp.length > 0 };
}
