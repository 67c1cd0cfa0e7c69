import { useTranslation } from 'react-i18next';
import { query } from '../api.ts';
import type { GoalFilters, MetricBreakdown, MetricInfo, MetricValue } from '../api-types.ts';
import { Async, Empty, ErrorNotice, Loading } from '../components/async.tsx';
import { FactsTable } from '../components/facts-table.tsx';
import { ScopeSwitcher } from '../components/scope-switcher.tsx';
import { type Directory, parseScope, type Scope, scopeText, useDirectory } from '../directory.tsx';
import { factSourceOf } from '../facts.ts';
import { drillHref } from '../links.ts';
import { type DayRange, parseRange, rangeText } from '../periods.ts';
import { usePreferences } from '../preferences.tsx';
import { Link, useSearchParams } from '../router.tsx';
import { useSignedIn } from '../session.tsx';
import { useApi } from '../use-api.ts';
import { defaultScope } from './dashboard.tsx';

const filterNames = ['channel', 'segment', 'industry', 'product'] as const;

/**
 * From a number to what makes it up: the teams, then the reps, then the
 * deals, leads or activities themselves. Every level is a link, so the
 * path can be walked back and bookmarked.
 */
export function DrillPage() {
  const { t } = useTranslation();
  const { user } = useSignedIn();
  const params = useSearchParams();
  const directory = useDirectory();
  const metric = params.get('metric') ?? '';
  const period = parseRange(params.get('period'));
  const scope = parseScope(params.get('scope')) ?? defaultScope(user);
  const filters: GoalFilters = {};
  for (const name of filterNames) {
    const value = params.get(name);
    if (value) filters[name] = value;
  }

  if (!metric || !period) {
    return (
      <section className="page">
        <h1 tabIndex={-1}>{t('drill.title')}</h1>
        <p className="lead">{t('drill.pick')}</p>
        <p>
          <Link to="/">{t('notFound.back')}</Link>
        </p>
      </section>
    );
  }
  if (directory.status === 'loading') return <Loading />;
  if (directory.status === 'failed') return <ErrorNotice error={directory.error} />;
  const info = directory.data.metrics.get(metric);
  if (!info) {
    return (
      <section className="page">
        <h1 tabIndex={-1}>{t('drill.title')}</h1>
        <p className="notice notice-error" role="alert">
          {t('drill.unknownMetric', { metric })}
        </p>
      </section>
    );
  }
  return <Drill info={info} period={period} scope={scope} filters={filters} directory={directory.data} />;
}

function Drill({
  info,
  period,
  scope,
  filters,
  directory,
}: {
  info: MetricInfo;
  period: DayRange;
  scope: Scope;
  filters: GoalFilters;
  directory: Directory;
}) {
  const { t } = useTranslation();
  const { format, language } = usePreferences();
  const { user, org } = useSignedIn();
  const metricScope = directory.metricScope(scope);
  const base = { period: rangeText(period), scope: metricScope, ...filters };
  const total = useApi<MetricValue>(`/api/metrics/${info.id}${query(base)}`);
  // The level below: teams under the org or a team that has sub-teams, else the team's reps.
  const by =
    scope.type === 'org' ||
    (scope.type === 'team' && scope.id !== null && directory.childTeams(scope.id).length > 0)
      ? 'team'
      : scope.type === 'team'
        ? 'rep'
        : null;
  const breakdown = useApi<MetricBreakdown>(by ? `/api/metrics/${info.id}${query({ ...base, by })}` : null);
  const source = factSourceOf(info.id);
  const hrefAt = (at: string) => drillHref(info.id, period, at, filters);
  const value = (n: number | null) => (n === null ? '—' : format.metric(n, info.unit, org.currency));
  const filterText = Object.entries(filters)
    .map(([name, v]) => `${t(`drill.filters.${name as 'channel'}`)}: ${v}`)
    .join(' · ');

  return (
    <section className="page" data-page="drill">
      <div className="page-heading">
        <div>
          <h1 tabIndex={-1}>{info.label[language]}</h1>
          <p className="lead">
            {t('drill.periodLine', {
              start: format.day(period.start, 'medium'),
              end: format.day(period.end, 'medium'),
            })}
            {filterText ? ` · ${filterText}` : ''}
          </p>
        </div>
      </div>
      <ScopeSwitcher
        scope={scope}
        directory={directory}
        user={user}
        orgName={org.name}
        hrefOf={hrefAt}
        showBelow={false}
      />
      <div className="card drill-total">
        <p className="kpi-label">{t('drill.total')}</p>
        <Async state={total.state} onRetry={total.reload}>
          {(answer) => (
            <p className="kpi-value" data-testid="drill-total">
              {answer.value === null ? t(`drill.reason.${answer.reason ?? 'no_data'}`) : value(answer.value)}
            </p>
          )}
        </Async>
        <p className="formula">
          <span>{t('drill.formula')}</span> <code lang="en">{info.formula}</code>
        </p>
      </div>
      {by ? (
        <section className="section card" aria-labelledby="breakdown-title">
          <h2 id="breakdown-title">{t(by === 'team' ? 'drill.byTeam' : 'drill.byRep')}</h2>
          <Async state={breakdown.state} onRetry={breakdown.reload}>
            {(answer) =>
              answer.rows.length === 0 ? (
                <Empty>{t('drill.noRows')}</Empty>
              ) : (
                <table className="table" data-testid="breakdown">
                  <thead>
                    <tr>
                      <th scope="col">{t(by === 'team' ? 'drill.team' : 'drill.rep')}</th>
                      <th scope="col" className="numeric">
                        {info.label[language]}
                      </th>
                      {info.kind === 'flow' ? (
                        <th scope="col" className="numeric">
                          {t('drill.share')}
                        </th>
                      ) : null}
                    </tr>
                  </thead>
                  <tbody>
                    {answer.rows.map((row) => (
                      <tr key={String(row.key)}>
                        <td>
                          {row.key === null ? (
                            row.label
                          ) : (
                            <Link to={hrefAt(`${by}:${row.key}`)}>{row.label}</Link>
                          )}
                        </td>
                        <td className="numeric">{value(row.value)}</td>
                        {info.kind === 'flow' ? (
                          <td className="numeric">
                            {row.value !== null && answer.total.value
                              ? format.percent(row.value / answer.total.value, 1)
                              : '—'}
                          </td>
                        ) : null}
                      </tr>
                    ))}
                  </tbody>
                </table>
              )
            }
          </Async>
        </section>
      ) : null}
      <section className="section card" aria-labelledby="facts-title">
        <h2 id="facts-title">{t('drill.rows')}</h2>
        {source ? (
          <FactsTable
            entity={source.entity}
            titleId="facts-title"
            params={{
              scope: scopeText(scope),
              period: rangeText(period),
              ...source.params,
              ...Object.fromEntries(
                Object.entries(filters).filter(([name]) =>
                  (source.filters as readonly string[]).includes(name),
                ),
              ),
            }}
          />
        ) : (
          <Empty>{t('drill.noFacts')}</Empty>
        )}
      </section>
    </section>
  );
}
