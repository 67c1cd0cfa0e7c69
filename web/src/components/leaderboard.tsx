import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { query } from '../api.ts';
import type { MetricBreakdown, MetricInfo } from '../api-types.ts';
import { type DayRange, rangeText } from '../periods.ts';
import { usePreferences } from '../preferences.tsx';
import { useApi } from '../use-api.ts';
import { Async, Empty } from './async.tsx';

export const leaderboardMetrics = [
  'revenue',
  'deals_won',
  'win_rate',
  'new_customers',
  'calls',
  'meetings',
  'demos_booked',
];
const shortList = 10;

/** Reps ranked on a chosen metric over the period; best first (lowest first where lower is better). */
export function Leaderboard({
  metrics,
  scope,
  window,
  currency,
  currentUserId,
}: {
  metrics: MetricInfo[];
  scope: string;
  window: DayRange;
  currency: string;
  currentUserId: number;
}) {
  const { t } = useTranslation();
  const { format, language } = usePreferences();
  const [metricId, setMetricId] = useState(metrics[0]?.id ?? 'revenue');
  const [showAll, setShowAll] = useState(false);
  const selectId = useId();
  const metric = metrics.find((m) => m.id === metricId) ?? metrics[0];
  const { state, reload } = useApi<MetricBreakdown>(
    `/api/metrics/${metricId}${query({ period: rangeText(window), scope, by: 'rep' })}`,
  );

  return (
    <section className="section card" aria-labelledby="leaderboard-title">
      <div className="section-head">
        <h2 id="leaderboard-title">{t('leaderboard.title')}</h2>
        <label className="inline-field" htmlFor={selectId}>
          <span>{t('leaderboard.metric')}</span>
          <select id={selectId} value={metricId} onChange={(event) => setMetricId(event.target.value)}>
            {metrics.map((m) => (
              <option key={m.id} value={m.id}>
                {m.label[language]}
              </option>
            ))}
          </select>
        </label>
      </div>
      <Async state={state} onRetry={reload}>
        {(answer) => {
          const lowerIsBetter = answer.direction === 'lower';
          const rows = answer.rows
            .filter((row) => row.value !== null)
            .sort(
              (a, b) =>
                (lowerIsBetter ? 1 : -1) * ((a.value ?? 0) - (b.value ?? 0)) ||
                a.label.localeCompare(b.label),
            );
          if (rows.length === 0) return <Empty>{t('leaderboard.empty')}</Empty>;
          const best = Math.max(...rows.map((row) => Math.abs(row.value ?? 0))) || 1;
          const shown = showAll ? rows : rows.slice(0, shortList);
          return (
            <>
              <table className="table leaderboard">
                <caption className="visually-hidden">
                  {t('leaderboard.caption', { metric: metric?.label[language] ?? metricId })}
                </caption>
                <thead>
                  <tr>
                    <th scope="col">{t('leaderboard.rank')}</th>
                    <th scope="col">{t('leaderboard.rep')}</th>
                    <th scope="col" className="numeric">
                      {metric?.label[language] ?? metricId}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {shown.map((row, index) => {
                    const you = row.key === currentUserId;
                    return (
                      <tr key={String(row.key)} className={you ? 'you' : undefined}>
                        <td>{format.number(index + 1)}</td>
                        <td>
                          {row.label}
                          {you ? <span className="you-tag"> {t('leaderboard.you')}</span> : null}
                        </td>
                        <td className="numeric">
                          <span className="bar-cell">
                            <span className="bar" aria-hidden="true">
                              <span
                                className="bar-fill"
                                style={{ inlineSize: `${(Math.abs(row.value ?? 0) / best) * 100}%` }}
                              />
                            </span>
                            {format.metric(row.value ?? 0, answer.unit, currency, { compact: true })}
                          </span>
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
              {rows.length > shortList ? (
                <button type="button" className="button link-button" onClick={() => setShowAll((v) => !v)}>
                  {showAll
                    ? t('leaderboard.showTop', { top: format.number(shortList) })
                    : t('leaderboard.showAll', { total: format.number(rows.length) })}
                </button>
              ) : null}
            </>
          );
        }}
      </Async>
    </section>
  );
}
