/**
 * Funnel stages whose conversion fell against their own history: lead→MQL,
 * MQL→SQL, SQL→opportunity and won/closed (win rate). The judged window's
 * rate is compared with the same window a year earlier, or failing that
 * with the year before it pooled; the shortfall is what the stage's intake
 * would have produced at that rate, carried to revenue by the rest of the
 * funnel.
 */
import { text } from '../goals/text.ts';
import type { Text } from '../goals/types.ts';
import {
  againstText,
  type ChainRates,
  type ChainStep,
  partAt,
  perWindow,
  pooled,
  priceUnits,
  STAGE_READERS,
  severityOf,
  show,
  type Window,
} from './figures.ts';
import {
  type FunnelStage,
  type GrowthArea,
  type GrowthInput,
  type ReferenceKind,
  type SuggestedGoal,
  THRESHOLDS,
} from './types.ts';

interface StageSpec {
  reader: ChainStep;
  label: Text;
  /** What enters the stage and what comes out of it, plural. */
  intake: Text;
  output: Text;
  /** The conversions after this stage, down to a won deal. */
  downstream: ChainStep[];
}

export const STAGES: Record<FunnelStage, StageSpec> = {
  lead_to_mql: {
    reader: 'leadToMql',
    label: text('Lead-to-MQL conversion', 'التحويل من عميل محتمل إلى عميل محتمل مؤهل تسويقيًا'),
    intake: text('leads', 'عميل محتمل'),
    output: text('MQLs', 'عميل محتمل مؤهل تسويقيًا'),
    downstream: ['mqlToSql', 'sqlToOpportunity', 'winRate'],
  },
  mql_to_sql: {
    reader: 'mqlToSql',
    label: text('MQL-to-SQL conversion', 'التحويل من عميل محتمل مؤهل تسويقيًا إلى عميل محتمل مؤهل للمبيعات'),
    intake: text('MQLs', 'عميل محتمل مؤهل تسويقيًا'),
    output: text('SQLs', 'عميل محتمل مؤهل للمبيعات'),
    downstream: ['sqlToOpportunity', 'winRate'],
  },
  sql_to_opportunity: {
    reader: 'sqlToOpportunity',
    label: text('SQL-to-opportunity conversion', 'التحويل من عميل محتمل مؤهل للمبيعات إلى فرصة بيع'),
    intake: text('SQLs', 'عميل محتمل مؤهل للمبيعات'),
    output: text('opportunities', 'فرصة بيع'),
    downstream: ['winRate'],
  },
  win_rate: {
    reader: 'winRate',
    label: text('Win rate', 'معدل الفوز'),
    intake: text('closed deals', 'صفقة مغلقة'),
    output: text('won deals', 'صفقة رابحة'),
    downstream: [],
  },
};

const ORDER: FunnelStage[] = ['lead_to_mql', 'mql_to_sql', 'sql_to_opportunity', 'win_rate'];

export function funnelAreas(input: GrowthInput, window: Window, rates: ChainRates): GrowthArea[] {
  const areas: GrowthArea[] = [];
  const { series, buckets, currency } = input;
  const min = THRESHOLDS.minFunnelSample;
  for (const stage of ORDER) {
    const spec = STAGES[stage];
    const reader = STAGE_READERS[spec.reader];
    const now = pooled(reader, series, [window.current]);
    if (now.rate === null || now.denominator < min) continue;
    const lastYear = window.lastYear >= 0 ? pooled(reader, series, [window.lastYear]) : null;
    const history = pooled(reader, series, window.history);
    const previous = window.previous >= 0 ? pooled(reader, series, [window.previous]).rate : null;
    const fellFrom = (ref: number | null) =>
      ref !== null && now.rate !== null && now.rate < ref * (1 - THRESHOLDS.minDrop);
    const lastYearRate = lastYear && lastYear.denominator >= min ? lastYear.rate : null;
    const historyRate = history.denominator >= min ? history.rate : null;
    let reference: number;
    let referenceKind: ReferenceKind;
    if (fellFrom(lastYearRate)) {
      reference = lastYearRate as number;
      referenceKind = 'last_year';
    } else if (fellFrom(historyRate)) {
      reference = historyRate as number;
      referenceKind = 'history';
    } else continue;

    const current = now.rate;
    const extra = now.denominator * (reference - current);
    const priced = priceUnits(extra, spec.downstream, rates, currency);
    const currentBucket = buckets[window.current] as GrowthInput['buckets'][number];
    const refLabel = referenceKind === 'last_year' ? (buckets[window.lastYear]?.label ?? null) : null;
    const pct = (v: number) => show(v, 'percent', currency);
    const n = (v: number) => show(v, 'number', currency);
    const per = perWindow(input.perYear);
    const against = againstText(pct(reference), referenceKind, refLabel);
    const change = (current - reference) / reference;
    const shortfall = text(
      `${n(now.denominator).en} ${spec.intake.en} in ${currentBucket.label} × (${pct(reference).en} − ${pct(current).en}) = ${n(extra).en} more ${spec.output.en}`,
      `${n(now.denominator).ar} ${spec.intake.ar} في ${currentBucket.label} × (${pct(reference).ar} − ${pct(current).ar}) = ${n(extra).ar} ${spec.output.ar} إضافية`,
    );
    const annual = priced.amount === null ? null : priced.amount * input.perYear;
    areas.push({
      id: `funnel:${stage}`,
      kind: 'funnel_stage',
      subject: { id: stage, label: spec.label },
      stage,
      title: text(
        `${spec.label.en}: ${pct(current).en} in ${currentBucket.label}, ${against.en} (${show(change, 'percent', currency).en})`,
        `${spec.label.ar}: ${pct(current).ar} في ${currentBucket.label}، ${against.ar} (${show(change, 'percent', currency).ar})`,
      ),
      evidence: {
        unit: 'percent',
        current,
        reference,
        referenceKind,
        change,
        previous,
        lastYear: lastYear?.rate ?? null,
        history: history.rate,
        median: null,
        sample: now.denominator,
        series: buckets.map((b, i) => ({
          label: b.label,
          start: b.start,
          end: b.end,
          value: pooled(reader, series, [i]).rate,
          reference: null,
        })),
      },
      impact: {
        kind: 'revenue',
        perPeriod: priced.amount,
        annual,
        method: text(
          `Back to ${pct(reference).en}: ${shortfall.en} ${priced.steps.en}${annual === null ? '' : ` ${per.en}; × ${input.perYear} = ${show(annual, 'currency', currency).en} a year`}.`,
          `العودة إلى ${pct(reference).ar}: ${shortfall.ar} ${priced.steps.ar}${annual === null ? '' : ` ${per.ar}؛ × ${input.perYear} = ${show(annual, 'currency', currency).ar} سنويًا`}.`,
        ),
      },
      goal: stageGoal(input, stage, window, reference, extra, rates),
      severity: severityOf((reference - current) / reference),
      rank: 0,
    });
  }
  return areas;
}

/**
 * The goal a stage turns into. The catalog has no metric for a stage's
 * conversion itself, so the goal counts its output at the restored rate
 * (MQLs, SQLs), the won deals the extra opportunities bring, or for the
 * last stage the win rate itself.
 */
function stageGoal(
  input: GrowthInput,
  stage: FunnelStage,
  window: Window,
  reference: number,
  extra: number,
  rates: ChainRates,
): SuggestedGoal {
  const scope = { type: input.scope.type, id: input.scope.id };
  const intake = (metric: 'leads' | 'mqls', part: 'leads_created' | 'mqls') =>
    partAt(input.series, metric, window.current, part) ?? 0;
  switch (stage) {
    case 'lead_to_mql':
      return {
        metric: 'mqls',
        scope,
        direction: 'increase',
        target: Math.ceil(intake('leads', 'leads_created') * reference),
        kind: 'outcome',
      };
    case 'mql_to_sql':
      return {
        metric: 'sqls',
        scope,
        direction: 'increase',
        target: Math.ceil(intake('mqls', 'mqls') * reference),
        kind: 'outcome',
      };
    case 'sql_to_opportunity': {
      const won = partAt(input.series, 'deals_won', window.current, 'deals_won') ?? 0;
      return {
        metric: 'deals_won',
        scope,
        direction: 'increase',
        target: won + Math.ceil(extra * (rates.winRate ?? 0)),
        kind: 'outcome',
      };
    }
    case 'win_rate':
      return {
        metric: 'win_rate',
        scope,
        direction: 'increase',
        target: Math.round(reference * 10_000) / 10_000,
        kind: 'outcome',
      };
  }
}
