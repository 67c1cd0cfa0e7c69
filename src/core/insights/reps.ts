/**
 * Reps far below their peers' median on revenue, win rate, activity volume
 * or (above it on) sales cycle length, in the judged window. Only reps who
 * worked the whole window make the median or become an area, so a new hire
 * ramping up is not mistaken for a gap; a rep the reader may not see still
 * counts toward the median but is never shown.
 */
import { text } from '../goals/text.ts';
import type { Text } from '../goals/types.ts';
import type { MetricId, Unit } from '../metrics/index.ts';
import {
  ACTIVITY_METRICS,
  type ActivityMetric,
  activitiesAt,
  againstText,
  type ChainRates,
  DAY_MS,
  median,
  partAt,
  perWindow,
  rateOf,
  roundFor,
  severityOf,
  show,
  type Window,
} from './figures.ts';
import {
  type GrowthArea,
  type GrowthInput,
  type PeerRep,
  type RepMetric,
  type SeriesSet,
  type SuggestedGoal,
  THRESHOLDS,
} from './types.ts';

interface Reading {
  value: number;
  /** The events it rests on, when a minimum applies. */
  sample: number | null;
}

interface RepSpec {
  label: Text;
  unit: Unit;
  better: 'higher' | 'lower';
  minSample: number;
  read(series: SeriesSet, i: number): Reading | null;
}

export const REP_SPECS: Record<RepMetric, RepSpec> = {
  revenue: {
    label: text('Revenue', 'الإيرادات'),
    unit: 'currency',
    better: 'higher',
    minSample: 0,
    read: (s, i) => {
      const won = partAt(s, 'revenue', i, 'won_amount');
      return won === null ? null : { value: won, sample: null };
    },
  },
  win_rate: {
    label: text('Win rate', 'معدل الفوز'),
    unit: 'percent',
    better: 'higher',
    minSample: THRESHOLDS.minRepClosed,
    read: (s, i) => {
      const won = partAt(s, 'win_rate', i, 'deals_won');
      const lost = partAt(s, 'win_rate', i, 'deals_lost');
      if (won === null || lost === null) return null;
      const rate = rateOf(won, won + lost);
      return rate === null ? null : { value: rate, sample: won + lost };
    },
  },
  activities: {
    label: text('Activity volume', 'حجم النشاط'),
    unit: 'count',
    better: 'higher',
    minSample: 0,
    read: (s, i) => {
      const n = activitiesAt(s, i);
      return n === null ? null : { value: n, sample: null };
    },
  },
  sales_cycle_days: {
    label: text('Sales cycle length', 'طول دورة المبيعات'),
    unit: 'days',
    better: 'lower',
    minSample: THRESHOLDS.minRepWon,
    read: (s, i) => {
      const ms = partAt(s, 'sales_cycle_days', i, 'won_cycle_ms');
      const won = partAt(s, 'sales_cycle_days', i, 'deals_won');
      if (ms === null || won === null || won === 0) return null;
      return { value: ms / won / DAY_MS, sample: won };
    },
  },
};

const ORDER: RepMetric[] = ['revenue', 'win_rate', 'activities', 'sales_cycle_days'];

/** A rep's reading when it rests on enough events to compare. */
function usable(spec: RepSpec, rep: PeerRep, i: number): Reading | null {
  const reading = spec.read(rep.series, i);
  return reading && (reading.sample ?? Number.POSITIVE_INFINITY) >= spec.minSample ? reading : null;
}

function peerMedian(spec: RepSpec, peers: readonly PeerRep[], i: number): number | null {
  const values = peers
    .filter((p) => p.eligible)
    .map((p) => usable(spec, p, i))
    .filter((r): r is Reading => r !== null)
    .map((r) => r.value);
  return values.length >= THRESHOLDS.minPeers ? median(values) : null;
}

export function repAreas(input: GrowthInput, window: Window, rates: ChainRates): GrowthArea[] {
  const areas: GrowthArea[] = [];
  const { currency, buckets } = input;
  const bucket = buckets[window.current] as GrowthInput['buckets'][number];
  const per = perWindow(input.perYear);
  for (const metric of ORDER) {
    const spec = REP_SPECS[metric];
    const mid = peerMedian(spec, input.peers, window.current);
    if (mid === null || !(mid > 0)) continue;
    for (const rep of input.peers) {
      if (!rep.eligible || !rep.visible) continue;
      if (input.focusRepId !== undefined && rep.id !== input.focusRepId) continue;
      const reading = usable(spec, rep, window.current);
      if (!reading) continue;
      const far =
        spec.better === 'higher'
          ? reading.value <= mid * (1 - THRESHOLDS.repGap)
          : reading.value >= mid * (1 + THRESHOLDS.repGap);
      if (!far) continue;
      const fmt = (v: number) => show(v, spec.unit, currency);
      const change = (reading.value - mid) / mid;
      const priced = priceRepGap(metric, rep, reading, mid, input, window, rates);
      const annual = priced.amount === null ? null : priced.amount * input.perYear;
      const against = againstText(fmt(mid), 'median', null);
      areas.push({
        id: `rep:${metric}:${rep.id}`,
        kind: 'rep_gap',
        subject: { id: metric, label: spec.label },
        rep: { id: rep.id, name: rep.name },
        title: text(
          `${rep.name}: ${spec.label.en.toLowerCase()} ${fmt(reading.value).en} in ${bucket.label}, ${against.en} for the team (${show(change, 'percent', currency).en})`,
          `${rep.name}: ${spec.label.ar} ${fmt(reading.value).ar} في ${bucket.label}، ${against.ar} للفريق (${show(change, 'percent', currency).ar})`,
        ),
        evidence: {
          unit: spec.unit,
          current: reading.value,
          reference: mid,
          referenceKind: 'median',
          change,
          previous: window.previous >= 0 ? (spec.read(rep.series, window.previous)?.value ?? null) : null,
          lastYear: window.lastYear >= 0 ? (spec.read(rep.series, window.lastYear)?.value ?? null) : null,
          history: null,
          median: mid,
          sample: reading.sample,
          series: buckets.map((b, i) => ({
            label: b.label,
            start: b.start,
            end: b.end,
            value: spec.read(rep.series, i)?.value ?? null,
            reference: peerMedian(spec, input.peers, i),
          })),
        },
        impact: {
          kind: 'revenue',
          perPeriod: priced.amount,
          annual,
          method: text(
            `To the median: ${priced.steps.en}${annual === null ? '' : ` ${per.en}; × ${input.perYear} = ${show(annual, 'currency', currency).en} a year`}.`,
            `حتى الوسيط: ${priced.steps.ar}${annual === null ? '' : ` ${per.ar}؛ × ${input.perYear} = ${show(annual, 'currency', currency).ar} سنويًا`}.`,
          ),
        },
        goal: repGoal(metric, rep, mid, input, window),
        severity: severityOf(change),
        rank: 0,
      });
    }
  }
  return areas;
}

function priceRepGap(
  metric: RepMetric,
  rep: PeerRep,
  reading: Reading,
  mid: number,
  input: GrowthInput,
  window: Window,
  rates: ChainRates,
): { amount: number | null; steps: Text } {
  const { currency } = input;
  const money = (v: number) => show(v, 'currency', currency);
  const n = (v: number) => show(v, 'number', currency);
  const pct = (v: number) => show(v, 'percent', currency);
  const i = window.current;
  switch (metric) {
    case 'revenue': {
      const amount = Math.round(mid - reading.value);
      return {
        amount,
        steps: text(
          `${money(mid).en} − ${money(reading.value).en} = ${money(amount).en}`,
          `${money(mid).ar} − ${money(reading.value).ar} = ${money(amount).ar}`,
        ),
      };
    }
    case 'win_rate': {
      const closed = reading.sample ?? 0;
      const won = partAt(rep.series, 'win_rate', i, 'deals_won') ?? 0;
      const ownSize = rateOf(partAt(rep.series, 'revenue', i, 'won_amount') ?? 0, won);
      const size = ownSize ?? rates.avgDealSize;
      const extraWins = (mid - reading.value) * closed;
      if (size === null) {
        return {
          amount: null,
          steps: text(
            'not priced: no won deal gives an average deal size.',
            'دون تقدير: لا توجد صفقة رابحة تعطي متوسط حجم الصفقة.',
          ),
        };
      }
      const amount = Math.round(extraWins * size);
      const whose = ownSize === null ? text("the team's", 'للفريق') : text('their', 'لديه');
      return {
        amount,
        steps: text(
          `(${pct(mid).en} − ${pct(reading.value).en}) × ${n(closed).en} closed deals = ${n(extraWins).en} more won deals × ${money(size).en} ${whose.en} average deal size = ${money(amount).en}`,
          `(${pct(mid).ar} − ${pct(reading.value).ar}) × ${n(closed).ar} صفقة مغلقة = ${n(extraWins).ar} صفقة رابحة إضافية × ${money(size).ar} متوسط حجم الصفقة ${whose.ar} = ${money(amount).ar}`,
        ),
      };
    }
    case 'activities': {
      const eligible = input.peers.filter((p) => p.eligible);
      const revenue = eligible.reduce(
        (sum, p) => sum + (partAt(p.series, 'revenue', i, 'won_amount') ?? 0),
        0,
      );
      const activities = eligible.reduce((sum, p) => sum + (activitiesAt(p.series, i) ?? 0), 0);
      const perActivity = rateOf(revenue, activities) ?? rates.revenuePerActivity;
      const extra = mid - reading.value;
      if (perActivity === null) {
        return {
          amount: null,
          steps: text(
            'not priced: the team logged no activities to relate to revenue.',
            'دون تقدير: لم يسجل الفريق أي نشاط لربطه بالإيرادات.',
          ),
        };
      }
      const amount = Math.round(extra * perActivity);
      return {
        amount,
        steps: text(
          `${n(mid).en} − ${n(reading.value).en} = ${n(extra).en} more activities × ${money(perActivity).en} revenue per activity (the team's revenue ÷ its activities) = ${money(amount).en}`,
          `${n(mid).ar} − ${n(reading.value).ar} = ${n(extra).ar} نشاط إضافي × ${money(perActivity).ar} الإيرادات لكل نشاط (إيرادات الفريق ÷ أنشطته) = ${money(amount).ar}`,
        ),
      };
    }
    case 'sales_cycle_days': {
      const revenue = partAt(rep.series, 'revenue', i, 'won_amount') ?? 0;
      // A cycle k times the median closes the same pipeline k times slower; counting at most a
      // doubling keeps one slow outlier from dominating the ranking.
      const factor = Math.min(1, reading.value / mid - 1);
      const amount = Math.round(revenue * factor);
      const days = (v: number) => show(v, 'days', currency);
      return {
        amount,
        steps: text(
          `the same pipeline closes ${n(reading.value / mid).en}× as fast at ${days(mid).en} instead of ${days(reading.value).en}: ${money(revenue).en} revenue × ${n(factor).en} (at most a doubling) = ${money(amount).en}`,
          `يُغلق مسار المبيعات نفسه أسرع بـ ${n(reading.value / mid).ar} مرة عند ${days(mid).ar} بدلًا من ${days(reading.value).ar}: ${money(revenue).ar} إيرادات × ${n(factor).ar} (بحد أقصى الضعف) = ${money(amount).ar}`,
        ),
      };
    }
  }
}

function repGoal(
  metric: RepMetric,
  rep: PeerRep,
  mid: number,
  input: GrowthInput,
  window: Window,
): SuggestedGoal {
  const scope = { type: 'rep' as const, id: rep.id };
  const spec = REP_SPECS[metric];
  if (metric !== 'activities') {
    return {
      metric,
      scope,
      direction: spec.better === 'higher' ? 'increase' : 'decrease',
      target: roundFor(spec.unit, mid),
      kind: 'outcome',
    };
  }
  // Volume is a sum of kinds; a goal tracks one: the kind where the rep is furthest under the median.
  let best: { id: ActivityMetric; median: number; shortfall: number } | null = null;
  for (const id of ACTIVITY_METRICS) {
    const counts = input.peers
      .filter((p) => p.eligible)
      .map((p) => partAt(p.series, id, window.current, id))
      .filter((v): v is number => v !== null);
    const typeMedian = median(counts);
    if (typeMedian === null) continue;
    const shortfall = typeMedian - (partAt(rep.series, id, window.current, id) ?? 0);
    if (!best || shortfall > best.shortfall) best = { id, median: typeMedian, shortfall };
  }
  const chosen: { id: MetricId; median: number } = best ?? { id: 'calls', median: mid };
  return {
    metric: chosen.id,
    scope,
    direction: 'increase',
    target: Math.ceil(chosen.median),
    kind: 'activity',
  };
}
