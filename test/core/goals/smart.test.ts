import { describe, expect, it } from 'vitest';
import {
  achievability,
  checkSmart,
  type GoalDraft,
  isVague,
  type SmartContext,
  type SmartCriterion,
  type SmartReport,
} from '../../../src/core/goals/index.ts';
import { metricDef } from '../../../src/core/metrics/index.ts';

const calendar = { timeZone: 'UTC', fiscalYearStartMonth: 1, weekStart: 1 };
/** Eight past years of revenue growth, typically about +10%. */
const growthHistory = [0.06, 0.08, 0.09, 0.1, 0.11, 0.12, 0.1, 0.14];

const context = (extra: Partial<SmartContext> = {}): SmartContext => ({
  calendar,
  currency: 'USD',
  today: '2027-01-05',
  metric: metricDef('revenue'),
  hasData: true,
  baseline: 70_000_000,
  history: growthHistory,
  ...extra,
});

const goodDraft: GoalDraft = {
  title: 'Grow 2027 revenue',
  description:
    'Use consultative selling to grow revenue of our core product with existing enterprise accounts.',
  metric: 'revenue',
  scope: { type: 'org', id: null },
  target: 77_000_000,
  targetMode: 'absolute',
  direction: 'increase',
  period: { start: '2027-01-01', end: '2027-12-31' },
  kind: 'outcome',
};

const verdict = (report: SmartReport, criterion: SmartCriterion) => {
  const v = report.verdicts.find((x) => x.criterion === criterion);
  if (!v) throw new Error(`no ${criterion}`);
  return v;
};

describe('checkSmart: the seed article’s cases', () => {
  it('fails $5,000,000 after $700,000 last year as unrealistic, suggesting a target near last year’s growth', () => {
    const report = checkSmart({ ...goodDraft, target: 500_000_000 }, context());
    const a = verdict(report, 'achievable');
    expect(a.verdict).toBe('fail');
    expect(a.data.label).toBe('unrealistic');
    expect(a.data.probability).toBeLessThan(0.01);
    // +614% is needed: 5,000,000 / 700,000 − 1
    expect(a.data.requiredChange).toBeCloseTo(5_000_000 / 700_000 - 1, 6);
    // the typical past change is +10% → about 770,000 (in cents)
    expect(a.data.suggestedTarget).toBeGreaterThan(75_000_000);
    expect(a.data.suggestedTarget).toBeLessThan(79_000_000);
    expect(a.patch).toEqual({ target: a.data.suggestedTarget });
    expect(a.reason.en).toMatch(/Unrealistic/);
    expect(a.reason.en).toContain('$5,000,000');
    expect(a.reason.ar).toMatch(/غير واقعي/);
    expect(a.fix?.en).toMatch(/Aim for about \$7\d\d,\d{3}/);
    expect(report.overall).toBe('fail');
  });

  it('passes +10% on last year as achievable', () => {
    const report = checkSmart(
      { ...goodDraft, target: null, targetMode: 'relative', targetChange: 0.1 },
      context(),
    );
    // 700,000 × 1.10 = 770,000 → 77,000,000 cents
    expect(report.target).toBe(77_000_000);
    const a = verdict(report, 'achievable');
    expect(a.verdict).toBe('pass');
    expect(a.data.label).toBe('achievable');
    expect(a.data.probability).toBeGreaterThan(0.4);
    expect(a.data.probability).toBeLessThan(0.85);
    expect(report.overall).toBe('pass');
  });

  it('warns that 100 new customers from Instagram has no history behind it', () => {
    const report = checkSmart(
      {
        ...goodDraft,
        title: '100 new customers from Instagram selling',
        metric: 'new_customers',
        target: 100,
        filters: { channel: 'instagram' },
      },
      context({
        metric: metricDef('new_customers'),
        baseline: 400,
        filterHistory: [{ key: 'channel', value: 'instagram', rows: 0 }],
        // through a channel never used, capacity is zero by construction: the filter finding speaks instead
        capacity: { reps: 3, perRepPerDay: 0, days: 181 },
      }),
    );
    const r = verdict(report, 'realistic');
    expect(r.verdict).toBe('warn');
    expect(r.reason.en).toContain('no history with channel "instagram"');
    expect(r.reason.ar).toContain('"instagram"');
    expect(r.data.filtersWithoutHistory).toEqual(['channel:instagram']);
  });

  it('fails "sell more this quarter" on Specific, Measurable and Time-bound', () => {
    const report = checkSmart(
      { title: 'Sell more this quarter' },
      context({ metric: undefined, baseline: null }),
    );
    expect(verdict(report, 'specific').verdict).toBe('fail');
    expect(verdict(report, 'specific').reason.en).toMatch(/vague/);
    expect(verdict(report, 'measurable').verdict).toBe('fail');
    expect(verdict(report, 'measurable').reason.en).toMatch(/no number/);
    expect(verdict(report, 'time_bound').verdict).toBe('fail');
    expect(report.overall).toBe('fail');
  });

  it('fails a goal without an end date on Time-bound and offers the fiscal quarter', () => {
    const report = checkSmart({ ...goodDraft, period: { start: '2027-04-01', end: null } }, context());
    const t = verdict(report, 'time_bound');
    expect(t.verdict).toBe('fail');
    expect(t.reason.en).toMatch(/no end date/);
    expect(t.reason.ar).toMatch(/لا يوجد تاريخ انتهاء/);
    expect(t.patch).toEqual({ period: { start: '2027-04-01', end: '2027-06-30' } });
  });
});

describe('checkSmart: other rules', () => {
  it('passes a well-written goal on every criterion', () => {
    const report = checkSmart(goodDraft, context());
    expect(report.verdicts.map((v) => `${v.criterion}:${v.verdict}`)).toEqual([
      'specific:pass',
      'measurable:pass',
      'achievable:pass',
      'realistic:pass',
      'time_bound:pass',
    ]);
    expect(report.verdicts.map((v) => v.name.ar)).toEqual([
      'محدد',
      'قابل للقياس',
      'قابل للتحقيق',
      'واقعي',
      'محدد بإطار زمني',
    ]);
  });

  it('warns when the goal does not say how', () => {
    const s = verdict(checkSmart({ ...goodDraft, description: '' }, context()), 'specific');
    expect(s.verdict).toBe('warn');
    expect(s.fix?.en).toMatch(/consultative selling/);
  });

  it('fails a relative target with no baseline on Measurable', () => {
    const report = checkSmart(
      { ...goodDraft, target: null, targetMode: 'relative', targetChange: 0.1 },
      context({ baseline: null }),
    );
    expect(verdict(report, 'measurable').verdict).toBe('fail');
    expect(verdict(report, 'measurable').reason.en).toMatch(/no data for the baseline/);
  });

  it('catches a percent target typed as a whole number', () => {
    const m = verdict(
      checkSmart(
        { ...goodDraft, metric: 'win_rate', target: 30 },
        context({ metric: metricDef('win_rate'), baseline: 0.25 }),
      ),
      'measurable',
    );
    expect(m.verdict).toBe('warn');
    expect(m.patch).toEqual({ target: 0.3 });
  });

  it('warns that a metric with no data cannot be measured', () => {
    expect(verdict(checkSmart(goodDraft, context({ hasData: false })), 'measurable').verdict).toBe('warn');
  });

  it('cannot judge achievability on too short a history', () => {
    const a = verdict(checkSmart(goodDraft, context({ history: [0.1, 0.2] })), 'achievable');
    expect(a.verdict).toBe('warn');
    expect(a.reason.en).toMatch(/Only 2 comparable past periods/);
  });

  it('labels a target near the top of history a stretch and offers to keep it as the stretch target', () => {
    // +16% is above every past change but within the smoothed spread
    const a = verdict(checkSmart({ ...goodDraft, target: 81_200_000 }, context()), 'achievable');
    expect(a.data.label).toBe('stretch');
    expect(a.verdict).toBe('warn');
    expect(a.patch?.stretchTarget).toBe(81_200_000);
  });

  it('judges a decrease goal by the chance of going at least that low', () => {
    // churn has typically fallen 5% a period; asking for −5% is even odds, −60% unrealistic
    const churn = context({
      metric: metricDef('churn_rate'),
      baseline: 0.02,
      history: [-0.02, -0.04, -0.05, -0.05, -0.06, -0.08],
    });
    const draft = { ...goodDraft, metric: 'churn_rate', direction: 'decrease' as const };
    expect(verdict(checkSmart({ ...draft, target: 0.019 }, churn), 'achievable').data.label).toBe(
      'achievable',
    );
    expect(verdict(checkSmart({ ...draft, target: 0.008 }, churn), 'achievable').data.label).toBe(
      'unrealistic',
    );
  });

  it('fails a revenue target far beyond what the reps can produce, saying how many reps are missing', () => {
    // 3 reps × $500 a day × 90 days = $135,000 of capacity; $300,000 needs ceil(300,000 / 45,000) = 7 reps: 4 more
    const r = verdict(
      checkSmart(
        { ...goodDraft, target: 30_000_000, period: { start: '2027-01-01', end: '2027-03-31' } },
        context({ baseline: 28_000_000, capacity: { reps: 3, perRepPerDay: 50_000, days: 90 } }),
      ),
      'realistic',
    );
    expect(r.verdict).toBe('fail');
    expect(r.data.capacity).toBe(13_500_000);
    expect(r.data.extraRepsNeeded).toBe(4);
    expect(r.fix?.en).toMatch(/Add about 4 reps/);
  });

  it('warns about a period that cuts across months and offers whole months', () => {
    const t = verdict(
      checkSmart({ ...goodDraft, period: { start: '2027-01-10', end: '2027-03-20' } }, context()),
      'time_bound',
    );
    expect(t.verdict).toBe('warn');
    expect(t.patch).toEqual({ period: { start: '2027-01-01', end: '2027-03-31' } });
  });

  it('warns about periods that are too short, too long, or already over', () => {
    const judge = (start: string, end: string) =>
      verdict(checkSmart({ ...goodDraft, period: { start, end } }, context()), 'time_bound').reason.en;
    expect(judge('2027-02-01', '2027-02-03')).toMatch(/too short/);
    expect(judge('2027-01-01', '2028-12-31')).toMatch(/longer than a year/);
    expect(judge('2026-10-01', '2026-12-31')).toMatch(/ended on 2026-12-31/);
  });
});

describe('isVague and achievability', () => {
  it('tells vague wording from a specific goal', () => {
    expect(isVague('Sell more this quarter')).toBe(true);
    expect(isVague('Let’s make more money this quarter')).toBe(true);
    expect(isVague('لنبيع المزيد من العناصر هذا الربع')).toBe(true);
    expect(isVague('Grow enterprise renewals to 1.2M')).toBe(false);
  });

  it('is deterministic and monotone in the target', () => {
    const at = (target: number) =>
      achievability({
        baseline: 100,
        target,
        direction: 'increase',
        metric: metricDef('revenue'),
        changes: growthHistory,
        minorDigits: 2,
      })?.probability ?? Number.NaN;
    expect(at(110)).toBe(at(110));
    expect(at(105)).toBeGreaterThan(at(110));
    expect(at(110)).toBeGreaterThan(at(120));
  });
});
