import { useTranslation } from 'react-i18next';
import { query } from '../api.ts';
import type { MetricValue, Page } from '../api-types.ts';
import { type DayRange, rangeText } from '../periods.ts';
import { usePreferences } from '../preferences.tsx';
import { type Loadable, useApi } from '../use-api.ts';
import { Empty, ErrorNotice, Loading } from './async.tsx';

const stages = ['leads', 'mqls', 'sqls', 'opportunities', 'won'] as const;
type Stage = (typeof stages)[number];

/**
 * Leads → MQL → SQL → opportunities → won in one period, each stage counted
 * when it happened (a lead created last quarter may become an SQL in this
 * one), with the conversion from the stage before.
 */
export function Funnel({ scope, window }: { scope: string; window: DayRange }) {
  const { t } = useTranslation();
  const { format } = usePreferences();
  const period = rangeText(window);
  const metric = (id: string) => `/api/metrics/${id}${query({ period, scope })}`;
  const counts: Record<Stage, Loadable<number | null>> = {
    leads: countOf(useApi<MetricValue>(metric('leads')).state),
    mqls: countOf(useApi<MetricValue>(metric('mqls')).state),
    sqls: countOf(useApi<MetricValue>(metric('sqls')).state),
    // No metric counts opportunities: they are the deals created in the period.
    opportunities: totalOf(
      useApi<Page<unknown>>(`/api/deals${query({ scope, period, dateField: 'created_at', limit: 1 })}`).state,
    ),
    won: countOf(useApi<MetricValue>(metric('deals_won')).state),
  };

  let content: React.ReactNode;
  const failed = stages.map((s) => counts[s]).find((c) => c.status === 'failed');
  if (failed?.status === 'failed') content = <ErrorNotice error={failed.error} />;
  else if (stages.some((s) => counts[s].status === 'loading')) content = <Loading />;
  else {
    const numbers = stages.map((s) => {
      const c = counts[s];
      return c.status === 'ready' ? (c.data ?? 0) : 0;
    });
    const widest = Math.max(...numbers);
    content =
      widest === 0 ? (
        <Empty>{t('funnel.empty')}</Empty>
      ) : (
        <ol className="funnel">
          {stages.map((stage, index) => {
            const count = numbers[index] ?? 0;
            const before = index > 0 ? (numbers[index - 1] ?? 0) : null;
            return (
              <li key={stage} data-stage={stage}>
                <span className="funnel-label">{t(`funnel.${stage}`)}</span>
                <span className="funnel-count">{format.number(count)}</span>
                <span className="funnel-bar" aria-hidden="true">
                  <span className="bar-fill" style={{ inlineSize: `${(count / widest) * 100}%` }} />
                </span>
                <span className="funnel-rate">
                  {before === null
                    ? ''
                    : before === 0
                      ? t('funnel.noRate')
                      : t('funnel.rate', { rate: format.percent(count / before, 1) })}
                </span>
              </li>
            );
          })}
        </ol>
      );
  }
  return (
    <section className="section card" aria-labelledby="funnel-title">
      <h2 id="funnel-title">{t('funnel.title')}</h2>
      {content}
    </section>
  );
}

function countOf(state: Loadable<MetricValue>): Loadable<number | null> {
  return state.status === 'ready' ? { status: 'ready', data: state.data.value } : state;
}

function totalOf(state: Loadable<Page<unknown>>): Loadable<number | null> {
  return state.status === 'ready' ? { status: 'ready', data: state.data.total } : state;
}
