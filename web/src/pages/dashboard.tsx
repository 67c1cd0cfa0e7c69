import { useEffect, useId } from 'react';
import { useTranslation } from 'react-i18next';
import { query } from '../api.ts';
import type { Dashboard, GoalProgressView, MetricInfo, User } from '../api-types.ts';
import { Async, Empty, ErrorNotice, Loading } from '../components/async.tsx';
import { Funnel } from '../components/funnel.tsx';
import { GoalCard } from '../components/goal-card.tsx';
import { KpiTiles, kpiMetrics } from '../components/kpi-tiles.tsx';
import { Leaderboard, leaderboardMetrics } from '../components/leaderboard.tsx';
import { ScopeSwitcher } from '../components/scope-switcher.tsx';
import { StatusBadge } from '../components/status.tsx';
import { type Directory, parseScope, type Scope, scopeText, useDirectory } from '../directory.tsx';
import { dayIn } from '../format.ts';
import { dashboardHref, goalHref } from '../links.ts';
import { type PeriodKind, toDateWindows } from '../periods.ts';
import { usePreferences } from '../preferences.tsx';
import { Link, navigate, useSearchParams } from '../router.tsx';
import { useSignedIn } from '../session.tsx';
import { useApi } from '../use-api.ts';

const periodKinds: PeriodKind[] = ['month', 'quarter', 'year'];

/** Where a user lands: the org for admins, a manager's team, a rep's own figures. */
export function defaultScope(user: User): Scope {
  if (user.role === 'admin') return { type: 'org', id: null };
  if (user.role === 'manager' && user.teamId !== null) return { type: 'team', id: user.teamId };
  return { type: 'rep', id: user.id };
}

export function DashboardPage() {
  const { t } = useTranslation();
  const { user, org } = useSignedIn();
  const params = useSearchParams();
  const scope = parseScope(params.get('scope')) ?? defaultScope(user);
  const kindParam = params.get('period');
  const kind: PeriodKind = periodKinds.includes(kindParam as PeriodKind)
    ? (kindParam as PeriodKind)
    : 'quarter';
  const directory = useDirectory();
  const { state, reload } = useApi<Dashboard>(`/api/dashboard${query({ scope: scopeText(scope) })}`);

  useEffect(() => {
    // Real-user timing of the main screen: read by the end-to-end test and bench/web.ts.
    if (state.status === 'ready' && directory.status === 'ready') performance.mark('hadaf:dashboard-ready');
  }, [state, directory]);

  const setKind = (next: PeriodKind) => {
    const search = new URLSearchParams(params);
    search.set('period', next);
    navigate(`/?${search.toString()}`, { replace: true });
  };

  return (
    <section className="page" data-page="dashboard">
      <div className="page-heading">
        <div>
          <h1 tabIndex={-1}>{t('dashboard.title')}</h1>
          <p className="lead" data-testid="scope-label">
            {state.status === 'ready' ? state.data.scope.label : '\u00a0'}
          </p>
        </div>
        <PeriodChoice kind={kind} onChange={setKind} />
      </div>
      {directory.status === 'failed' ? <ErrorNotice error={directory.error} /> : null}
      {directory.status === 'ready' ? (
        <ScopeSwitcher scope={scope} directory={directory.data} user={user} orgName={org.name} />
      ) : null}
      <Async state={state} onRetry={reload} loading={t('dashboard.loading')}>
        {(dashboard) =>
          directory.status !== 'ready' ? (
            <Loading />
          ) : (
            <DashboardBody dashboard={dashboard} directory={directory.data} scope={scope} kind={kind} />
          )
        }
      </Async>
    </section>
  );
}

function PeriodChoice({ kind, onChange }: { kind: PeriodKind; onChange: (kind: PeriodKind) => void }) {
  const { t } = useTranslation();
  const name = useId();
  return (
    <fieldset className="segmented">
      <legend>{t('dashboard.period')}</legend>
      {periodKinds.map((option) => (
        <label key={option}>
          <input type="radio" name={name} checked={kind === option} onChange={() => onChange(option)} />
          <span>{t(`dashboard.periods.${option}`)}</span>
        </label>
      ))}
    </fieldset>
  );
}

function DashboardBody({
  dashboard,
  directory,
  scope,
  kind,
}: {
  dashboard: Dashboard;
  directory: Directory;
  scope: Scope;
  kind: PeriodKind;
}) {
  const { t } = useTranslation();
  const { user, org } = useSignedIn();
  const { language, format } = usePreferences();
  const today = dayIn(org.timeZone, dashboard.asOf);
  const windows = toDateWindows(kind, today, org.fiscalYearStartMonth);
  const metricScope = directory.metricScope(scope);
  const pick = (ids: string[]) =>
    ids.map((id) => directory.metrics.get(id)).filter((m): m is MetricInfo => m !== undefined);
  const labelOf = (metric: string) => directory.metrics.get(metric)?.label[language] ?? metric;

  const own = dashboard.goals.filter(
    (view) => view.goal.scope.type === scope.type && (view.goal.scope.id ?? null) === (scope.id ?? null),
  );
  const current = own.filter((view) => view.progress.phase !== 'upcoming');
  const later = own.filter((view) => view.progress.phase === 'upcoming');
  // A rep's leaderboard is their team's; everyone else ranks the reps of the scope they look at.
  const leaderboardScope = scope.type === 'rep' ? (directory.user(scope.id)?.teamId ?? null) : undefined;

  return (
    <>
      <section className="section" aria-labelledby="goals-title">
        <h2 id="goals-title">{t('dashboard.goals')}</h2>
        {current.length === 0 ? (
          <Empty>{t('dashboard.noGoals', { scope: dashboard.scope.label })}</Empty>
        ) : (
          <div className="goal-grid">
            {current.map((view) => (
              <GoalCard
                key={view.goal.id}
                view={view}
                currency={org.currency}
                metricLabel={labelOf(view.goal.metric)}
              />
            ))}
          </div>
        )}
        {later.length > 0 ? (
          <details className="later">
            <summary>{t('dashboard.later', { n: format.number(later.length) })}</summary>
            <ul>
              {later.map((view) => (
                <li key={view.goal.id}>
                  <Link to={goalHref(view.goal.id)}>
                    <bdi>{view.goal.title}</bdi>
                  </Link>
                </li>
              ))}
            </ul>
          </details>
        ) : null}
      </section>
      <BelowTable dashboard={dashboard} directory={directory} scope={scope} />
      <KpiTiles
        metrics={pick(kpiMetrics)}
        scope={metricScope}
        kind={kind}
        windows={windows}
        today={today}
        currency={org.currency}
      />
      <div className="two-columns">
        <Funnel scope={metricScope} window={windows.current} />
        {leaderboardScope === null ? null : (
          <Leaderboard
            metrics={pick(leaderboardMetrics)}
            scope={leaderboardScope === undefined ? metricScope : `team:${leaderboardScope}`}
            window={windows.current}
            currency={org.currency}
            currentUserId={user.id}
          />
        )}
      </div>
    </>
  );
}

/** The running goals of the teams and reps one level down, to compare them and drill in. */
function BelowTable({
  dashboard,
  directory,
  scope,
}: {
  dashboard: Dashboard;
  directory: Directory;
  scope: Scope;
}) {
  const { t } = useTranslation();
  const { format } = usePreferences();
  const units = new Map<string, string>();
  if (scope.type === 'org') for (const team of directory.topTeams()) units.set(`team:${team.id}`, team.name);
  if (scope.type === 'team' && scope.id !== null) {
    for (const team of directory.childTeams(scope.id)) units.set(`team:${team.id}`, team.name);
    for (const rep of directory.repsOf(scope.id)) units.set(`rep:${rep.id}`, rep.name);
  }
  const rows: Array<{ unit: string; label: string; view: GoalProgressView }> = [];
  for (const view of dashboard.goals) {
    const unit = scopeText(view.goal.scope);
    const label = units.get(unit);
    if (label !== undefined && view.progress.phase === 'running') rows.push({ unit, label, view });
  }
  if (rows.length === 0) return null;
  return (
    <section className="section card" aria-labelledby="below-title">
      <h2 id="below-title">{t('dashboard.below')}</h2>
      <table className="table">
        <thead>
          <tr>
            <th scope="col">{t('dashboard.unit')}</th>
            <th scope="col">{t('dashboard.goal')}</th>
            <th scope="col" className="numeric">
              {t('goal.attained')}
            </th>
            <th scope="col">{t('goal.status')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ unit, label, view }) => (
            <tr key={view.goal.id}>
              <td>
                <Link to={dashboardHref(unit)}>{label}</Link>
              </td>
              <td>
                <Link to={goalHref(view.goal.id)}>
                  <bdi>{view.goal.title}</bdi>
                </Link>
              </td>
              <td className="numeric">
                {view.progress.attainment === null ? '—' : format.percent(view.progress.attainment)}
              </td>
              <td>
                <StatusBadge status={view.progress.status} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
