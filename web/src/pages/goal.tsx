import { type FormEvent, lazy, Suspense, useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { query, sendJson } from '../api.ts';
import type {
  Checkin,
  Dashboard,
  GoalDetail,
  GoalProgressView,
  MetricSeries,
  Payout,
  SmartCheck,
  Snapshot,
} from '../api-types.ts';
import { burnUpSeries } from '../burn-up.ts';
import { GoalAcknowledgement } from '../components/acknowledgement.tsx';
import { Async, Empty, ErrorNotice, Loading } from '../components/async.tsx';
import { ProgressBar } from '../components/progress-bar.tsx';
import { StatusBadge, VerdictBadge } from '../components/status.tsx';
import { type Directory, scopeText, useDirectory } from '../directory.tsx';
import { dayIn } from '../format.ts';
import { drillHref, goalHref } from '../links.ts';
import { minDay } from '../periods.ts';
import { usePreferences } from '../preferences.tsx';
import { Link } from '../router.tsx';
import { useSignedIn } from '../session.tsx';
import { asApiError, type Loadable, useApi } from '../use-api.ts';

const BurnUpChart = lazy(() => import('../components/burn-up-chart.tsx'));

/**
 * One goal in full: progress and burn-up, its split into children, the
 * SMART check, check-ins, the bonus (where the role may see it) and the
 * record of target changes. Each part loads on its own, so one failing
 * answer leaves the rest of the page working.
 */
export function GoalPage({ id }: { id: number }) {
  const { t } = useTranslation();
  const directory = useDirectory();
  const { state, reload } = useApi<GoalProgressView>(`/api/goals/${id}/progress`);
  return (
    <section className="page" data-page="goal">
      <Async state={state} onRetry={reload} loading={t('goalPage.loading')} errorTitle={t('goalPage.failed')}>
        {(view) =>
          directory.status === 'loading' ? (
            <Loading />
          ) : directory.status === 'failed' ? (
            <ErrorNotice error={directory.error} />
          ) : (
            <GoalView view={view} directory={directory.data} />
          )
        }
      </Async>
    </section>
  );
}

function GoalView({ view, directory }: { view: GoalProgressView; directory: Directory }) {
  const { t } = useTranslation();
  const { format, language } = usePreferences();
  const { org } = useSignedIn();
  const { goal, progress } = view;
  const detail = useApi<GoalDetail>(`/api/goals/${goal.id}`);
  // The goals of the same scope with their progress: the children's figures and the server's clock.
  const scopeGoals = useApi<Dashboard>(`/api/dashboard${query({ scope: scopeText(goal.scope) })}`);
  const metric = directory.metrics.get(goal.metric);
  const scopeLabel =
    goal.scope.type === 'org'
      ? org.name
      : goal.scope.type === 'team'
        ? (directory.team(goal.scope.id)?.name ?? t('scope.unknownTeam'))
        : (directory.user(goal.scope.id)?.name ?? t('scope.unknownRep'));
  // Whole units in the headline figures: the cents are in the drill-down.
  const value = (n: number | null, compact = false) =>
    n === null ? '—' : format.metric(n, goal.unit, org.currency, { compact, whole: true });
  const forecast = progress.pipeline ?? progress.forecast;
  const expectedShare =
    progress.expected !== null && progress.target !== 0 ? progress.expected / progress.target : null;

  return (
    <>
      <div className="page-heading">
        <div>
          <h1 tabIndex={-1} data-testid="goal-title">
            <bdi>{goal.title}</bdi>
          </h1>
          <p className="lead">
            {t('goalPage.subtitle', {
              metric: metric?.label[language] ?? goal.metric,
              scope: scopeLabel,
              start: format.day(goal.period.start, 'medium'),
              end: format.day(goal.period.end, 'medium'),
            })}
          </p>
        </div>
        <StatusBadge status={progress.status} />
      </div>
      {goal.parentId !== null ? (
        <p>
          <Link to={goalHref(goal.parentId)}>{t('goalPage.parent')}</Link>
        </p>
      ) : null}
      <GoalAcknowledgement goalId={goal.id} status={goal.status} />
      <div className="card">
        <ProgressBar
          attainment={progress.attainment}
          expectedShare={expectedShare}
          status={progress.status}
        />
        <dl className="goal-stats wide">
          <div>
            <dt>{t('goal.actual')}</dt>
            <dd data-testid="goal-actual">{value(progress.actual)}</dd>
          </div>
          <div>
            <dt>{t('goal.target')}</dt>
            <dd>{value(progress.target)}</dd>
          </div>
          <div>
            <dt>{t('goal.attained')}</dt>
            <dd>{progress.attainment === null ? '—' : format.percent(progress.attainment, 1)}</dd>
          </div>
          <div>
            <dt>{t('goal.expectedToday')}</dt>
            <dd>{value(progress.expected)}</dd>
          </div>
          <div>
            <dt>{t('goal.pace')}</dt>
            <dd>{progress.paceRatio === null ? '—' : format.percent(progress.paceRatio)}</dd>
          </div>
          <div>
            <dt>{t('goal.forecast')}</dt>
            <dd>
              {forecast ? (
                <>
                  {value(forecast.value)}
                  <span className="range">
                    {t('goal.range', { low: value(forecast.low, true), high: value(forecast.high, true) })}
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
          {progress.neededPerWorkingDay !== null ? (
            <div>
              <dt>{t('goal.neededRate')}</dt>
              <dd>{value(progress.neededPerWorkingDay)}</dd>
            </div>
          ) : null}
        </dl>
        <p className="card-links">
          <Link to={drillHref(goal.metric, goal.period, scopeText(goal.scope), goal.filters)}>
            {t('goal.drill')}
          </Link>
        </p>
      </div>
      <Async state={scopeGoals.state} onRetry={scopeGoals.reload}>
        {(dashboard) => <BurnUp view={view} directory={directory} asOf={dashboard.asOf} />}
      </Async>
      <div className="two-columns">
        <GoalTree view={view} detail={detail} scopeGoals={scopeGoals} />
        <SmartSection goalId={goal.id} />
      </div>
      <div className="two-columns">
        <CheckinSection view={view} directory={directory} />
        <BonusSection view={view} directory={directory} />
      </div>
      <TargetHistory detail={detail.state} directory={directory} unit={goal.unit} />
    </>
  );
}

function BurnUp({ view, directory, asOf }: { view: GoalProgressView; directory: Directory; asOf: number }) {
  const { t } = useTranslation();
  const { format } = usePreferences();
  const { org } = useSignedIn();
  const { goal, progress } = view;
  const history = useApi<Snapshot[]>(`/api/goals/${goal.id}/history`);
  const cumulative = goal.kind === 'flow';
  // The server's today, not the browser's: the two clocks need not agree.
  const today = dayIn(org.timeZone, asOf);
  const measuredUntil = minDay(today, goal.period.end);
  const measured = useApi<MetricSeries>(
    progress.phase === 'upcoming'
      ? null
      : `/api/metrics/${goal.metric}${query({
          period: `${goal.period.start}..${measuredUntil}`,
          scope: directory.metricScope(goal.scope),
          by: cumulative ? 'day' : 'week',
          ...goal.filters,
        })}`,
  );
  const series = useMemo(() => {
    if (history.state.status !== 'ready' || measured.state.status !== 'ready') return null;
    return burnUpSeries({
      period: goal.period,
      target: goal.target,
      cumulative,
      today,
      actualToday: progress.actual,
      expectedToday: progress.expected,
      forecast: progress.pipeline ?? progress.forecast,
      snapshots: history.state.data,
      measured: measured.state.data.points.map((point) => ({ end: point.period.end, value: point.value })),
    });
  }, [history.state, measured.state, goal, progress, cumulative, today]);

  let content: React.ReactNode;
  if (progress.phase === 'upcoming') content = <Empty>{t('burnUp.upcoming')}</Empty>;
  else if (history.state.status === 'failed')
    content = <ErrorNotice error={history.state.error} onRetry={history.reload} />;
  else if (measured.state.status === 'failed')
    content = <ErrorNotice error={measured.state.error} onRetry={measured.reload} />;
  else if (!series) content = <Loading label={t('burnUp.loading')} />;
  else {
    const value = (n: number | null) =>
      n === null ? '—' : format.metric(n, goal.unit, org.currency, { whole: true });
    const forecast = progress.pipeline ?? progress.forecast;
    const summary = t('burnUp.summary', {
      actual: value(progress.actual),
      target: value(goal.target),
      expected: value(progress.expected),
      forecast: value(forecast?.value ?? null),
      low: value(forecast?.low ?? null),
      high: value(forecast?.high ?? null),
    });
    content = (
      <figure className="chart-figure">
        <Suspense fallback={<Loading label={t('burnUp.loading')} />}>
          <BurnUpChart series={series} unit={goal.unit} currency={org.currency} summary={summary} />
        </Suspense>
        <figcaption>{summary}</figcaption>
      </figure>
    );
  }
  return (
    <section className="section card" aria-labelledby="burn-up-title">
      <h2 id="burn-up-title">{t('burnUp.title')}</h2>
      {content}
    </section>
  );
}

function GoalTree({
  view,
  detail,
  scopeGoals,
}: {
  view: GoalProgressView;
  detail: { state: Loadable<GoalDetail>; reload: () => void };
  scopeGoals: { state: Loadable<Dashboard> };
}) {
  const { t } = useTranslation();
  const { format } = usePreferences();
  const { org } = useSignedIn();
  const progressOf = new Map(
    scopeGoals.state.status === 'ready'
      ? scopeGoals.state.data.goals.map((g) => [g.goal.id, g.progress])
      : [],
  );
  const value = (n: number | null) =>
    n === null ? '—' : format.metric(n, view.goal.unit, org.currency, { compact: true });
  return (
    <section className="section card" aria-labelledby="tree-title">
      <h2 id="tree-title">{t('tree.title')}</h2>
      <Async state={detail.state} onRetry={detail.reload}>
        {(data) => {
          const { assignment } = data;
          const difference = assignment.difference === null ? null : Math.abs(assignment.difference);
          return (
            <>
              {data.children.length > 0 ? (
                <p className={`assignment assignment-${assignment.state}`} data-testid="assignment">
                  {t(`tree.assignment.${assignment.state}`, {
                    assigned: value(assignment.assigned),
                    target: value(assignment.parentTarget),
                    difference: value(difference),
                  })}
                </p>
              ) : null}
              {data.children.length === 0 ? (
                <Empty>{t('tree.noChildren')}</Empty>
              ) : (
                <table className="table">
                  <thead>
                    <tr>
                      <th scope="col">{t('tree.child')}</th>
                      <th scope="col" className="numeric">
                        {t('goal.target')}
                      </th>
                      <th scope="col" className="numeric">
                        {t('goal.actual')}
                      </th>
                      <th scope="col">{t('goal.status')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.children.map((child) => {
                      const progress = progressOf.get(child.id);
                      return (
                        <tr key={child.id}>
                          <td>
                            <Link to={goalHref(child.id)}>
                              <bdi>{child.title}</bdi>
                            </Link>
                          </td>
                          <td className="numeric">{value(child.target)}</td>
                          <td className="numeric">{progress ? value(progress.actual) : '—'}</td>
                          <td>
                            {progress ? (
                              <StatusBadge status={progress.status} />
                            ) : (
                              t(`goalStatus.${child.status}`)
                            )}
                          </td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              )}
            </>
          );
        }}
      </Async>
    </section>
  );
}

function SmartSection({ goalId }: { goalId: number }) {
  const { t } = useTranslation();
  const { language } = usePreferences();
  const { state, reload } = useApi<SmartCheck>(`/api/goals/${goalId}/check`);
  return (
    <section className="section card" aria-labelledby="smart-title">
      <h2 id="smart-title">{t('smart.title')}</h2>
      <Async state={state} onRetry={reload} loading={t('smart.loading')}>
        {(check) => (
          <>
            <p>
              {t('smart.overall')} <VerdictBadge verdict={check.overall} />
            </p>
            <ul className="verdicts">
              {check.verdicts.map((verdict) => (
                <li key={verdict.criterion}>
                  <p className="verdict-head">
                    <strong>{verdict.name[language]}</strong> <VerdictBadge verdict={verdict.verdict} />
                  </p>
                  <p>{verdict.reason[language]}</p>
                  {verdict.fix ? <p className="muted">{verdict.fix[language]}</p> : null}
                </li>
              ))}
            </ul>
          </>
        )}
      </Async>
    </section>
  );
}

function CheckinSection({ view, directory }: { view: GoalProgressView; directory: Directory }) {
  const { t } = useTranslation();
  const { format } = usePreferences();
  const { org } = useSignedIn();
  const { state, reload } = useApi<Checkin[]>(`/api/goals/${view.goal.id}/checkins`);
  return (
    <section className="section card" aria-labelledby="checkins-title">
      <h2 id="checkins-title">{t('checkins.title')}</h2>
      <CheckinForm goalId={view.goal.id} onSaved={reload} />
      <Async state={state} onRetry={reload}>
        {(checkins) =>
          checkins.length === 0 ? (
            <Empty>{t('checkins.empty')}</Empty>
          ) : (
            <ol className="checkins" data-testid="checkins">
              {checkins.map((checkin) => (
                <li key={checkin.id}>
                  <p className="checkin-head">
                    <strong>{directory.user(checkin.userId)?.name ?? t('checkins.someone')}</strong>{' '}
                    <span className="muted">{format.instant(checkin.at, org.timeZone)}</span>
                    {checkin.private ? <span className="badge">{t('checkins.private')}</span> : null}
                  </p>
                  <p>
                    {t('checkins.valueThen', {
                      value:
                        checkin.value === null
                          ? '—'
                          : format.metric(checkin.value, view.goal.unit, org.currency),
                    })}
                    {checkin.confidence !== null
                      ? ` · ${t('checkins.confidenceOf', { confidence: format.number(checkin.confidence), max: format.number(5) })}`
                      : ''}
                  </p>
                  {checkin.comment ? <p className="comment">{checkin.comment}</p> : null}
                </li>
              ))}
            </ol>
          )
        }
      </Async>
    </section>
  );
}

function CheckinForm({ goalId, onSaved }: { goalId: number; onSaved: () => void }) {
  const { t } = useTranslation();
  const { format } = usePreferences();
  const [confidence, setConfidence] = useState<number | null>(null);
  const [comment, setComment] = useState('');
  const [isPrivate, setPrivate] = useState(false);
  const [sending, setSending] = useState(false);
  const [result, setResult] = useState<
    { ok: true } | { ok: false; error: ReturnType<typeof asApiError> } | null
  >(null);
  const name = useId();
  const commentId = useId();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (confidence === null) return;
    setSending(true);
    setResult(null);
    try {
      await sendJson('POST', `/api/goals/${goalId}/checkins`, {
        confidence,
        private: isPrivate,
        ...(comment.trim() ? { comment: comment.trim() } : {}),
      });
      setComment('');
      setConfidence(null);
      setPrivate(false);
      setResult({ ok: true });
      onSaved();
    } catch (error) {
      setResult({ ok: false, error: asApiError(error) });
    } finally {
      setSending(false);
    }
  };

  return (
    <form className="form checkin-form" onSubmit={submit}>
      <fieldset className="segmented">
        <legend>{t('checkins.confidence')}</legend>
        {[1, 2, 3, 4, 5].map((level) => (
          <label key={level}>
            <input
              type="radio"
              name={name}
              required
              checked={confidence === level}
              onChange={() => setConfidence(level)}
            />
            <span>{format.number(level)}</span>
          </label>
        ))}
      </fieldset>
      <p className="hint">{t('checkins.confidenceHint')}</p>
      <label htmlFor={commentId}>{t('checkins.comment')}</label>
      <textarea
        id={commentId}
        rows={3}
        maxLength={5000}
        value={comment}
        onChange={(e) => setComment(e.target.value)}
      />
      <label className="checkbox">
        <input type="checkbox" checked={isPrivate} onChange={(e) => setPrivate(e.target.checked)} />
        <span>{t('checkins.privateLabel')}</span>
      </label>
      <button type="submit" className="button primary" disabled={sending || confidence === null}>
        {sending ? t('checkins.saving') : t('checkins.save')}
      </button>
      <div aria-live="polite">{result?.ok ? <p className="success">{t('checkins.saved')}</p> : null}</div>
      {result && !result.ok ? <ErrorNotice error={result.error} title={t('checkins.failed')} /> : null}
    </form>
  );
}

function BonusSection({ view, directory }: { view: GoalProgressView; directory: Directory }) {
  const { t } = useTranslation();
  const { format } = usePreferences();
  const { org, user } = useSignedIn();
  const { state, reload } = useApi<{ own: Payout | null; children: Payout[] }>(
    `/api/goals/${view.goal.id}/payout`,
  );
  const money = (n: number) => format.money(n, org.currency);
  return (
    <section className="section card" aria-labelledby="bonus-title" data-testid="bonus">
      <h2 id="bonus-title">{t('bonus.title')}</h2>
      <Async state={state} onRetry={reload}>
        {(payouts) => {
          // On a team goal a rep's own share comes as a child: it is still theirs, not "the reps below".
          const own = payouts.own ?? payouts.children.find((payout) => payout.ownerId === user.id) ?? null;
          const below = payouts.children.filter((payout) => payout.ownerId !== user.id);
          if (!own && below.length === 0) return <Empty>{t('bonus.none')}</Empty>;
          return (
            <>
              {own ? <OwnPayout payout={own} onThisGoal={own.goalId === view.goal.id} /> : null}
              {below.length > 0 ? (
                <table className="table">
                  <caption>{t('bonus.team')}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t('leaderboard.rep')}</th>
                      <th scope="col" className="numeric">
                        {t('goal.attained')}
                      </th>
                      <th scope="col" className="numeric">
                        {t('bonus.earned')}
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {below.map((payout) => (
                      <tr key={payout.goalId}>
                        <td>
                          <Link to={goalHref(payout.goalId)}>
                            {directory.user(payout.ownerId)?.name ?? t('scope.unknownRep')}
                          </Link>
                        </td>
                        <td className="numeric">
                          {payout.attainment === null ? '—' : format.percent(payout.attainment, 1)}
                        </td>
                        <td className="numeric">{money(payout.earned)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              ) : null}
            </>
          );
        }}
      </Async>
    </section>
  );
}

function OwnPayout({ payout, onThisGoal }: { payout: Payout; onThisGoal: boolean }) {
  const { t } = useTranslation();
  const { format } = usePreferences();
  const { org } = useSignedIn();
  const money = (n: number) => format.money(n, org.currency);
  return (
    <>
      {onThisGoal ? null : (
        <p>
          <Link to={goalHref(payout.goalId)}>{t('bonus.yourShare')}</Link>
        </p>
      )}
      <dl className="goal-stats">
        <div>
          <dt>{t('bonus.earned')}</dt>
          <dd data-testid="bonus-earned">{money(payout.earned)}</dd>
        </div>
        <div>
          <dt>{t('goal.attained')}</dt>
          <dd>{payout.attainment === null ? '—' : format.percent(payout.attainment, 1)}</dd>
        </div>
      </dl>
      {payout.next ? (
        <p>
          {t('bonus.next', {
            gap: format.percent(payout.next.gap, 1),
            payout: money(payout.next.payout),
            attainment: format.percent(payout.next.attainment),
          })}
        </p>
      ) : null}
      {payout.tiers.length > 0 ? (
        <table className="table">
          <caption>{t('bonus.tiers')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('bonus.from')}</th>
              <th scope="col" className="numeric">
                {t('bonus.payout')}
              </th>
            </tr>
          </thead>
          <tbody>
            {payout.tiers.map((tier) => (
              <tr
                key={tier.attainment}
                className={payout.tier?.attainment === tier.attainment ? 'you' : undefined}
              >
                <td>{format.percent(tier.attainment)}</td>
                <td className="numeric">{money(tier.payout)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </>
  );
}

function TargetHistory({
  detail,
  directory,
  unit,
}: {
  detail: Loadable<GoalDetail>;
  directory: Directory;
  unit: GoalProgressView['goal']['unit'];
}) {
  const { t } = useTranslation();
  const { format } = usePreferences();
  const { org } = useSignedIn();
  if (detail.status !== 'ready') return null;
  const changes = detail.data.targetHistory;
  return (
    <section className="section card" aria-labelledby="history-title">
      <h2 id="history-title">{t('targetHistory.title')}</h2>
      {changes.length === 0 ? (
        <Empty>{t('targetHistory.empty')}</Empty>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t('targetHistory.from')}</th>
              <th scope="col" className="numeric">
                {t('goal.target')}
              </th>
              <th scope="col">{t('targetHistory.by')}</th>
              <th scope="col">{t('targetHistory.at')}</th>
              <th scope="col">{t('targetHistory.reason')}</th>
            </tr>
          </thead>
          <tbody>
            {changes.map((change) => (
              <tr key={change.id}>
                <td>{format.day(change.effectiveFrom, 'medium')}</td>
                <td className="numeric">{format.metric(change.target, unit, org.currency)}</td>
                <td>{directory.user(change.changedBy)?.name ?? t('targetHistory.system')}</td>
                <td>{format.instant(change.changedAt, org.timeZone)}</td>
                <td>{change.reason || '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
