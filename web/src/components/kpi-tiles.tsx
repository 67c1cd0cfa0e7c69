import { useTranslation } from 'react-i18next';
import { query } from '../api.ts';
import type { MetricInfo, MetricSeries, MetricValue } from '../api-types.ts';
import { type DayRange, lastMonths, type PeriodKind, rangeText } from '../periods.ts';
import { usePreferences } from '../preferences.tsx';
import { useApi } from '../use-api.ts';
import { Sparkline } from './sparkline.tsx';

/** The key figures of a sales floor, each with its twelve-month trend. */
export const kpiMetrics = [
  'revenue',
  'deals_won',
  'win_rate',
  'avg_deal_size',
  'new_customers',
  'sales_cycle_days',
];

export function KpiTiles({
  metrics,
  scope,
  kind,
  windows,
  today,
  currency,
}: {
  metrics: MetricInfo[];
  /** As the metric API reads it. */
  scope: string;
  kind: PeriodKind;
  windows: { current: DayRange; previous: DayRange };
  today: string;
  currency: string;
}) {
  const { t } = useTranslation();
  return (
    <section className="section" aria-labelledby="kpi-title">
      <h2 id="kpi-title">{t('kpi.title')}</h2>
      <ul className="kpi-grid">
        {metrics.map((metric) => (
          <KpiTile
            key={metric.id}
            metric={metric}
            scope={scope}
            kind={kind}
            windows={windows}
            today={today}
            currency={currency}
          />
        ))}
      </ul>
    </section>
  );
}

function KpiTile({
  metric,
  scope,
  kind,
  windows,
  today,
  currency,
}: {
  metric: MetricInfo;
  scope: string;
  kind: PeriodKind;
  windows: { current: DayRange; previous: DayRange };
  today: string;
  currency: string;
}) {
  const { t } = useTranslation();
  const { format, language } = usePreferences();
  const path = (period: DayRange, by?: string) =>
    `/api/metrics/${metric.id}${query({ period: rangeText(period), scope, by })}`;
  const current = useApi<MetricValue>(path(windows.current)).state;
  const previous = useApi<MetricValue>(path(windows.previous)).state;
  const trend = useApi<MetricSeries>(path(lastMonths(today, 12), 'month')).state;
  const label = metric.label[language];

  let body: React.ReactNode;
  if (current.status === 'loading') body = <p className="kpi-value muted">{t('common.loading')}</p>;
  else if (current.status === 'failed') body = <p className="kpi-value muted">{t('kpi.unavailable')}</p>;
  else {
    const value = current.data.value;
    const before = previous.status === 'ready' ? previous.data.value : null;
    body = (
      <>
        <p className="kpi-value" data-testid="kpi-value">
          {value === null ? t('kpi.noData') : format.metric(value, metric.unit, currency, { compact: true })}
        </p>
        <Change metric={metric} value={value} before={before} kind={kind} />
      </>
    );
  }
  return (
    <li className="card kpi-tile" data-metric={metric.id}>
      <h3 className="kpi-label">{label}</h3>
      {body}
      {trend.status === 'ready' ? <Sparkline values={trend.data.points.map((p) => p.value)} /> : null}
    </li>
  );
}

function Change({
  metric,
  value,
  before,
  kind,
}: {
  metric: MetricInfo;
  value: number | null;
  before: number | null;
  kind: PeriodKind;
}) {
  const { t } = useTranslation();
  const { format } = usePreferences();
  if (value === null || before === null)
    return <p className="kpi-change muted">{t(`kpi.noComparison.${kind}`)}</p>;
  // Percentages change in points; everything else relative to where it was.
  const points = metric.unit === 'percent';
  if (!points && before === 0) return <p className="kpi-change muted">{t(`kpi.noComparison.${kind}`)}</p>;
  const change = points ? value - before : (value - before) / Math.abs(before);
  const up = change > 0;
  const flat = Math.abs(change) < 0.0005;
  const good = flat ? 'flat' : up === (metric.direction === 'higher') ? 'good' : 'bad';
  const amount = points
    ? t('kpi.points', { value: format.number(Math.abs(change) * 100, { maximumFractionDigits: 1 }) })
    : format.percent(Math.abs(change));
  const text = flat
    ? t(`kpi.flat.${kind}`)
    : up
      ? t(`kpi.up.${kind}`, { amount })
      : t(`kpi.down.${kind}`, { amount });
  return (
    <p className={`kpi-change ${good}`}>
      <span aria-hidden="true">{flat ? '→' : up ? '▲' : '▼'}</span> {text}
    </p>
  );
}
