import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { query, sendJson } from '../api.ts';
import type { Goal, GoalDetail, Unit } from '../api-types.ts';
import { Async, Empty, ErrorNotice } from '../components/async.tsx';
import { FlowHeading } from '../components/flow-stepper.tsx';
import { ScopeSwitcher } from '../components/scope-switcher.tsx';
import { type Directory, parseScope, type Scope, scopeText, useDirectory } from '../directory.tsx';
import {
  communicateHref,
  type DraftGoal,
  defaultWeights,
  draftFormHref,
  type FlowRoute,
  flowRouteOf,
  type GrowthArea,
  type GrowthReport,
  growthHref,
  type InsightGrain,
  insightGrains,
  type Proposal,
  type ProposalsReport,
  parseGoalIds,
  parseGrain,
  parseList,
  prioritizeHref,
  type SortKey,
  sortKeys,
  sortProposals,
  type Weights,
  weightShares,
  writeHref,
} from '../flow.ts';
import { goalHref } from '../links.ts';
import { usePreferences } from '../preferences.tsx';
import { Link, navigate, useSearchParams } from '../router.tsx';
import { useSignedIn } from '../session.tsx';
import { asApiError, useApi } from '../use-api.ts';
import { defaultScope } from './dashboard.tsx';
import { CommunicateStep, TrackStep } from './flow-goal.tsx';

/**
 * The seed's five steps as one guided flow (SPEC §4): find growth areas,
 * prioritize them into draft goals, write each SMART (the goal form),
 * communicate it to its owners, and choose how it is tracked.
 */
export function FlowPage({ path }: { path: string }) {
  const route = flowRouteOf(path);
  if (!route) return null;
  return <FlowRouteView route={route} />;
}

function FlowRouteView({ route }: { route: FlowRoute }) {
  switch (route.step) {
    case 'growth':
      return <GrowthStep />;
    case 'prioritize':
      return <PrioritizeStep />;
    case 'write':
      return <WriteStep />;
    case 'communicate':
      return <CommunicateStep goalId={route.goalId} />;
    case 'track':
      return <TrackStep goalId={route.goalId} />;
  }
}

/** The scope of the flow's query string, else where the user's dashboard opens. */
function useFlowScope(): { scope: Scope; grain: InsightGrain; areas: string[] } {
  const params = useSearchParams();
  const { user } = useSignedIn();
  return {
    scope: parseScope(params.get('scope')) ?? defaultScope(user),
    grain: parseGrain(params.get('grain')),
    areas: parseList(params.get('areas')),
  };
}

// Step 1: growth areas

function GrowthStep() {
  const { t } = useTranslation();
  const directory = useDirectory();
  return (
    <section className="page flow-page" data-page="flow-growth">
      <FlowHeading step="growth" lead={t('flow.growth.lead')} />
      <Async state={directory}>{(data) => <GrowthAreas directory={data} />}</Async>
    </section>
  );
}

function GrowthAreas({ directory }: { directory: Directory }) {
  const { t } = useTranslation();
  const { format } = usePreferences();
  const { user, org } = useSignedIn();
  const { scope, grain, areas: picked } = useFlowScope();
  const grainId = useId();
  const scopeParam = scopeText(scope);
  const { state, reload } = useApi<GrowthReport>(
    `/api/insights/growth-areas${query({ scope: directory.metricScope(scope), grain, limit: 50 })}`,
  );
  const toggle = (id: string) => {
    const next = picked.includes(id) ? picked.filter((p) => p !== id) : [...picked, id];
    navigate(growthHref(scopeParam, grain, next), { replace: true });
  };
  return (
    <>
      <div className="flow-toolbar">
        <ScopeSwitcher
          scope={scope}
          directory={directory}
          user={user}
          orgName={org.name}
          hrefOf={(next) => growthHref(next, grain)}
        />
        <label className="inline-field" htmlFor={grainId}>
          <span>{t('flow.growth.grain')}</span>
          <select
            id={grainId}
            value={grain}
            onChange={(event) =>
              navigate(growthHref(scopeParam, parseGrain(event.target.value), picked), { replace: true })
            }
          >
            {insightGrains.map((option) => (
              <option key={option} value={option}>
                {t(`flow.grains.${option}`)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <Async state={state} onRetry={reload} loading={t('flow.growth.loading')}>
        {(report) => (
          <>
            <p data-testid="growth-window">
              {t('flow.growth.window', {
                scope: report.scope.label,
                judged: report.window.judged.label,
                total: format.number(report.total),
              })}
            </p>
            {report.areas.length === 0 ? (
              <Empty>{t('flow.growth.none')}</Empty>
            ) : (
              <ol className="flow-areas">
                {report.areas.map((area) => (
                  <li key={area.id}>
                    <AreaCard
                      area={area}
                      currency={report.currency}
                      picked={picked.includes(area.id)}
                      onToggle={() => toggle(area.id)}
                    />
                  </li>
                ))}
              </ol>
            )}
          </>
        )}
      </Async>
      <div className="flow-actions">
        <p aria-live="polite" data-testid="picked-count">
          {t('flow.growth.picked', { n: format.number(picked.length) })}
        </p>
        {picked.length > 0 ? (
          <Link className="button primary" to={prioritizeHref(scopeParam, grain, picked)}>
            {t('flow.growth.next')}
          </Link>
        ) : (
          <button type="button" className="button primary" disabled>
            {t('flow.growth.next')}
          </button>
        )}
      </div>
    </>
  );
}

function AreaCard({
  area,
  currency,
  picked,
  onToggle,
}: {
  area: GrowthArea;
  currency: string;
  picked: boolean;
  onToggle: () => void;
}) {
  const { t } = useTranslation();
  const { format, language } = usePreferences();
  const { evidence, impact } = area;
  const value = (n: number | null) => (n === null ? '—' : format.metric(n, evidence.unit, currency));
  const titleId = useId();
  return (
    <article
      className={`card flow-area${picked ? ' picked' : ''}`}
      aria-labelledby={titleId}
      data-area-id={area.id}
    >
      <header className="flow-area-head">
        <span className="badge">{t(`flow.kinds.${area.kind}`)}</span>
        <h2 id={titleId} className="flow-area-title">
          {area.title[language]}
        </h2>
      </header>
      <div className="flow-area-body">
        <dl className="goal-stats">
          <div>
            <dt>{t('flow.growth.current')}</dt>
            <dd data-testid="area-current">{value(evidence.current)}</dd>
          </div>
          <div>
            <dt>{t(`flow.references.${evidence.referenceKind}`)}</dt>
            <dd>{value(evidence.reference)}</dd>
          </div>
          {evidence.change !== null ? (
            <div>
              <dt>{t('flow.growth.change')}</dt>
              <dd>{format.percent(evidence.change, 1)}</dd>
            </div>
          ) : null}
          {evidence.sample !== null ? (
            <div>
              <dt>{t('flow.growth.sample')}</dt>
              <dd>{format.number(evidence.sample)}</dd>
            </div>
          ) : null}
        </dl>
        <EvidenceChart series={evidence.series} reference={evidence.reference} />
      </div>
      <p className="flow-impact" data-testid="area-impact">
        {impact.annual === null
          ? t('flow.growth.noImpact')
          : t(impact.kind === 'cost' ? 'flow.growth.impactCost' : 'flow.growth.impactRevenue', {
              amount: format.money(impact.annual, currency, { whole: true }),
            })}
      </p>
      <details className="flow-method">
        <summary>{t('flow.growth.how')}</summary>
        <p>{impact.method[language]}</p>
      </details>
      <label className="checkbox flow-pick">
        <input type="checkbox" checked={picked} onChange={onToggle} />
        <span>{t('flow.growth.pick')}</span>
      </label>
    </article>
  );
}

/**
 * The area's figure per period (solid) against its reference (dashed: the
 * team median of each period for a rep, else the level it is judged against). The
 * card states the figures in words, so the chart is decorative.
 */
function EvidenceChart({
  series,
  reference,
}: {
  series: GrowthArea['evidence']['series'];
  reference: number;
}) {
  const width = 160;
  const height = 48;
  // A trend is judged against one level (last year's); a rep against the median of each period.
  const perPeriod = series.some((p) => p.reference !== null);
  const referenceOf = (p: (typeof series)[number]) => (perPeriod ? p.reference : reference);
  const known = series.flatMap((p) => [p.value, referenceOf(p)]).filter((v): v is number => v !== null);
  if (known.length < 2) return null;
  const min = Math.min(...known);
  const spread = Math.max(...known) - min || 1;
  const step = width / Math.max(1, series.length - 1);
  const line = (pick: (p: (typeof series)[number]) => number | null) =>
    series
      .map((p, i) => {
        const v = pick(p);
        return v === null
          ? null
          : `${(i * step).toFixed(1)},${(height - 3 - ((v - min) / spread) * (height - 6)).toFixed(1)}`;
      })
      .filter((p): p is string => p !== null)
      .join(' ');
  const values = line((p) => p.value);
  const references = line(referenceOf);
  return (
    <svg
      className="flow-chart"
      viewBox={`0 0 ${width} ${height}`}
      aria-hidden="true"
      focusable="false"
      data-testid="area-chart"
    >
      {references ? <polyline className="reference" points={references} fill="none" /> : null}
      <polyline className="value" points={values} fill="none" />
    </svg>
  );
}

// Step 2: prioritize

/** A value that follows another after it has stopped changing for `ms`. */
function useSettled<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

function PrioritizeStep() {
  const { t } = useTranslation();
  const directory = useDirectory();
  return (
    <section className="page flow-page" data-page="flow-prioritize">
      <FlowHeading step="prioritize" lead={t('flow.prioritize.lead')} />
      <Async state={directory}>{(data) => <Proposals directory={data} />}</Async>
    </section>
  );
}

function Proposals({ directory }: { directory: Directory }) {
  const { t } = useTranslation();
  const { format, language } = usePreferences();
  const { scope, grain, areas } = useFlowScope();
  const [weights, setWeights] = useState<Weights>(defaultWeights);
  const [sortKey, setSortKey] = useState<SortKey>('total');
  const [picked, setPicked] = useState<string[]>(areas);
  const [creating, setCreating] = useState(false);
  const [failure, setFailure] = useState<ReturnType<typeof asApiError> | null>(null);
  const sortId = useId();
  const applied = useSettled(weights, 400);
  const shares = weightShares(applied);
  const metricScope = directory.metricScope(scope);
  const { state, reload } = useApi<ProposalsReport>(
    shares ? `/api/flow/proposals${query({ scope: metricScope, grain, ...applied })}` : null,
  );

  const create = async () => {
    setCreating(true);
    setFailure(null);
    try {
      const { goals } = await sendJson<{ goals: DraftGoal[] }>('POST', '/api/flow/drafts', {
        scope: metricScope,
        grain,
        areaIds: picked,
        language,
      });
      navigate(writeHref(goals.map((g) => g.id)));
    } catch (error) {
      setFailure(asApiError(error));
      setCreating(false);
    }
  };

  return (
    <>
      <p>
        <Link to={growthHref(scopeText(scope), grain, picked)}>{t('flow.prioritize.back')}</Link>
      </p>
      <div className="card flow-weights">
        <fieldset className="flow-fieldset">
          <legend className="flow-legend">{t('flow.prioritize.weights')}</legend>
          <p className="hint">{t('flow.prioritize.weightsHint')}</p>
          <div className="flow-weight-fields">
            {(['impact', 'speed', 'resources'] as const).map((key) => (
              <WeightField
                key={key}
                name={key}
                value={weights[key]}
                share={shares?.[key] ?? null}
                onChange={(next) => setWeights((w) => ({ ...w, [key]: next }))}
              />
            ))}
          </div>
          {shares ? null : <p className="field-error">{t('flow.prioritize.weightsZero')}</p>}
        </fieldset>
        <label className="inline-field" htmlFor={sortId}>
          <span>{t('flow.prioritize.sort')}</span>
          <select id={sortId} value={sortKey} onChange={(e) => setSortKey(e.target.value as SortKey)}>
            {sortKeys.map((key) => (
              <option key={key} value={key}>
                {t(`flow.scores.${key}`)}
              </option>
            ))}
          </select>
        </label>
      </div>
      {shares ? (
        <Async state={state} onRetry={reload} loading={t('flow.prioritize.loading')}>
          {(report) => (
            <>
              <p data-testid="proposals-period">
                {t('flow.prioritize.period', { scope: report.scope.label, period: report.period.label })}
              </p>
              {report.proposals.length === 0 ? (
                <Empty>{t('flow.growth.none')}</Empty>
              ) : (
                <ol className="flow-proposals">
                  {sortProposals(report.proposals, sortKey).map((proposal) => (
                    <li key={proposal.id}>
                      <ProposalCard
                        proposal={proposal}
                        unit={directory.metrics.get(proposal.goal.metric)?.unit ?? 'count'}
                        picked={picked.includes(proposal.id)}
                        onToggle={() =>
                          setPicked((list) =>
                            list.includes(proposal.id)
                              ? list.filter((id) => id !== proposal.id)
                              : [...list, proposal.id],
                          )
                        }
                      />
                    </li>
                  ))}
                </ol>
              )}
            </>
          )}
        </Async>
      ) : null}
      {failure ? <ErrorNotice error={failure} title={t('flow.prioritize.failed')} /> : null}
      <div className="flow-actions">
        <p aria-live="polite">{t('flow.prioritize.picked', { n: format.number(picked.length) })}</p>
        <button
          type="button"
          className="button primary"
          disabled={picked.length === 0 || creating}
          onClick={() => void create()}
        >
          {creating ? t('flow.prioritize.creating') : t('flow.prioritize.create')}
        </button>
      </div>
    </>
  );
}

function WeightField({
  name,
  value,
  share,
  onChange,
}: {
  name: keyof Weights;
  value: number;
  share: number | null;
  onChange: (value: number) => void;
}) {
  const { t } = useTranslation();
  const { format } = usePreferences();
  const id = useId();
  return (
    <div className="flow-weight">
      <label htmlFor={id}>{t(`flow.scores.${name}`)}</label>
      <input
        id={id}
        type="range"
        min={0}
        max={100}
        step={5}
        value={value}
        onChange={(event) => onChange(Number(event.target.value))}
      />
      <output htmlFor={id}>{share === null ? '—' : format.percent(share)}</output>
    </div>
  );
}

function ProposalCard({
  proposal,
  unit,
  picked,
  onToggle,
}: {
  proposal: Proposal;
  unit: Unit;
  picked: boolean;
  onToggle: () => void;
}) {
  const { t } = useTranslation();
  const { format, language } = usePreferences();
  const { org } = useSignedIn();
  const { goal, score } = proposal;
  const titleId = useId();
  return (
    <article
      className={`card flow-proposal${picked ? ' picked' : ''}`}
      aria-labelledby={titleId}
      data-proposal-id={proposal.id}
    >
      <header className="flow-area-head">
        <span className="badge">{t(`flow.goalKinds.${goal.kind}`)}</span>
        <h2 id={titleId} className="flow-area-title">
          {goal.title[language]}
        </h2>
      </header>
      <p>{goal.description[language]}</p>
      <dl className="goal-stats">
        <div>
          <dt>{t('goal.target')}</dt>
          <dd>{format.metric(goal.target, unit, org.currency, { whole: unit === 'currency' })}</dd>
        </div>
        <div>
          <dt>{t('flow.prioritize.periodLabel')}</dt>
          <dd>
            {t('goals.range', {
              start: format.day(goal.period.start, 'medium'),
              end: format.day(goal.period.end, 'medium'),
            })}
          </dd>
        </div>
      </dl>
      <ul className="flow-scores" aria-label={t('flow.prioritize.scores')}>
        {sortKeys.map((key) => (
          <li key={key} data-score={key}>
            <span>{t(`flow.scores.${key}`)}</span>
            <meter min={0} max={1} value={score[key]} />
            <span className="numeric">{format.number(score[key], { maximumFractionDigits: 2 })}</span>
          </li>
        ))}
      </ul>
      {proposal.needs.length > 0 ? (
        <ul className="flow-needs">
          {proposal.needs.map((need) => (
            <li key={need.kind} data-need={need.kind}>
              <strong>{t(`flow.needs.${need.kind}`)}</strong> {need.text[language]}
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">{t('flow.prioritize.noNeeds')}</p>
      )}
      <p className="flow-reason">
        <strong>{t('flow.reason')}</strong> {goal.reason[language]}
      </p>
      {proposal.canCreate ? (
        <label className="checkbox flow-pick">
          <input type="checkbox" checked={picked} onChange={onToggle} />
          <span>{t('flow.prioritize.pick')}</span>
        </label>
      ) : (
        <p className="muted">{t('flow.prioritize.cannotCreate')}</p>
      )}
    </article>
  );
}

// Step 3: the hand-off to the goal form

function WriteStep() {
  const { t } = useTranslation();
  const params = useSearchParams();
  const ids = parseGoalIds(params.get('drafts'));
  return (
    <section className="page flow-page" data-page="flow-write">
      <FlowHeading step="write" lead={t('flow.write.lead')} />
      {ids.length === 0 ? (
        <Empty>
          {t('flow.write.none')} <Link to="/plan">{t('flow.write.start')}</Link>
        </Empty>
      ) : (
        <ol className="flow-drafts">
          {ids.map((id) => (
            <li key={id}>
              <DraftRow id={id} />
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

function DraftRow({ id }: { id: number }) {
  const { t } = useTranslation();
  const { format } = usePreferences();
  const { state, reload } = useApi<GoalDetail>(`/api/goals/${id}`);
  return (
    <article className="card flow-draft" data-goal-id={id}>
      <Async state={state} onRetry={reload}>
        {({ goal, children }) => {
          const reason = (goal as Goal & { reason?: string | null }).reason;
          return (
            <>
              <header className="flow-area-head">
                <span className="badge" data-testid="draft-status">
                  {t(`goalStatus.${goal.status}`)}
                </span>
                <h2 className="flow-area-title">
                  <Link to={goalHref(goal.id)}>
                    <bdi>{goal.title}</bdi>
                  </Link>
                </h2>
              </header>
              {reason ? (
                <p className="flow-reason" data-testid="draft-reason">
                  <strong>{t('flow.reason')}</strong> {reason}
                </p>
              ) : null}
              <p className="muted">
                {children.length > 0
                  ? t('flow.write.split', { n: format.number(children.length) })
                  : t('flow.write.notSplit')}
              </p>
              <p className="flow-links">
                {goal.status === 'draft' ? (
                  <Link className="button primary" to={draftFormHref(goal.id)}>
                    {t('flow.write.edit')}
                  </Link>
                ) : null}
                <Link className="button" to={communicateHref(goal.id)}>
                  {t('flow.write.communicate')}
                </Link>
              </p>
            </>
          );
        }}
      </Async>
    </article>
  );
}
