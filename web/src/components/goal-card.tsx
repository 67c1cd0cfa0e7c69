import { useTranslation } from 'react-i18next';
import type { GoalProgressView } from '../api-types.ts';
import { scopeText } from '../directory.tsx';
import { drillHref, goalHref } from '../links.ts';
import { usePreferences } from '../preferences.tsx';
import { Link } from '../router.tsx';
import { ProgressBar } from './progress-bar.tsx';
import { StatusBadge } from './status.tsx';

/** One goal at a glance: actual against target, pace, forecast with its range, status and time left. */
export function GoalCard({
  view,
  currency,
  metricLabel,
}: {
  view: GoalProgressView;
  currency: string;
  metricLabel: string;
}) {
  const { t } = useTranslation();
  const { format } = usePreferences();
  const { goal, progress } = view;
  const value = (n: number, compact = true) => format.metric(n, goal.unit, currency, { compact });
  const titleId = `goal-card-${goal.id}`;
  const expectedShare =
    progress.expected !== null && progress.target !== 0 ? progress.expected / progress.target : null;
  const forecast = progress.pipeline ?? progress.forecast;

  return (
    <article
      className="card goal-card"
      aria-labelledby={titleId}
      data-goal-id={goal.id}
      data-metric={goal.metric}
    >
      <header className="goal-card-head">
        <h3 id={titleId}>
          <Link to={goalHref(goal.id)}>
            <bdi>{goal.title}</bdi>
          </Link>
        </h3>
        <StatusBadge status={progress.status} />
      </header>
      <p className="goal-meta">
        {t('goal.metricAndPeriod', {
          metric: metricLabel,
          start: format.day(goal.period.start, 'medium'),
          end: format.day(goal.period.end, 'medium'),
        })}
      </p>
      <p className="goal-figures">
        <span className="goal-actual" data-testid="goal-actual">
          {progress.actual === null ? t('goal.noData') : value(progress.actual)}
        </span>{' '}
        <span className="goal-target">{t('goal.ofTarget', { target: value(progress.target) })}</span>
      </p>
      <ProgressBar attainment={progress.attainment} expectedShare={expectedShare} status={progress.status} />
      {progress.phase === 'upcoming' ? (
        <p className="goal-meta">{t('goal.startsOn', { day: format.day(goal.period.start) })}</p>
      ) : (
        <dl className="goal-stats">
          <div>
            <dt>{t('goal.attained')}</dt>
            <dd data-testid="goal-attainment">
              {progress.attainment === null ? '—' : format.percent(progress.attainment)}
            </dd>
          </div>
          <div>
            <dt>{t('goal.expectedToday')}</dt>
            <dd>{progress.expected === null ? '—' : value(progress.expected)}</dd>
          </div>
          <div>
            <dt>{t('goal.forecast')}</dt>
            <dd>
              {forecast ? (
                <>
                  {value(forecast.value)}
                  <span className="range">
                    {t('goal.range', { low: value(forecast.low), high: value(forecast.high) })}
                  </span>
                </>
              ) : (
                '—'
              )}
            </dd>
          </div>
          <div>
            <dt>{t('goal.daysLeft')}</dt>
            <dd>
              {format.number(progress.daysLeft)}
              <span className="range">
                {t('goal.workingDaysLeft', { days: format.number(progress.workingDaysLeft) })}
              </span>
            </dd>
          </div>
          {progress.neededPerWorkingDay !== null && progress.phase === 'running' ? (
            <div>
              <dt>{t('goal.neededRate')}</dt>
              <dd>{value(progress.neededPerWorkingDay)}</dd>
            </div>
          ) : null}
        </dl>
      )}
      <p className="card-links">
        <Link to={drillHref(goal.metric, goal.period, scopeText(goal.scope), goal.filters)}>
          {t('goal.drill')}
        </Link>
      </p>
    </article>
  );
}
