import { type FormEvent, useCallback, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { getJson, sendJson } from '../api.ts';
import type { BonusTier, CheckinInterval, Goal, GoalDetail } from '../api-types.ts';
import { Async, Empty, ErrorNotice, Loading } from '../components/async.tsx';
import { FlowHeading } from '../components/flow-stepper.tsx';
import { type Directory, scopeText, useDirectory } from '../directory.tsx';
import {
  type Acknowledgements,
  type CommunicateResult,
  communicateHref,
  draftFormHref,
  minorDigitsOf,
  rowsFromTiers,
  type TierRow,
  type TrackingSettings,
  tiersFromRows,
  trackHref,
} from '../flow.ts';
import { dashboardHref, goalHref } from '../links.ts';
import { usePreferences } from '../preferences.tsx';
import { Link, navigate } from '../router.tsx';
import { useSignedIn } from '../session.tsx';
import { asApiError, type Loadable, useApi } from '../use-api.ts';

/** A goal as GET /api/goals/:id gives it, with the fields the flow reads beyond the shared type. */
type FlowGoal = Goal & { reason: string | null; checkinInterval: CheckinInterval };

interface TreeGoal {
  goal: FlowGoal;
  /** 0 for the goal itself, 1 for its children, and so on down. */
  depth: number;
  scopeLabel: string;
  /** null when the reader may not see this goal's pay. */
  bonusTiers: BonusTier[] | null;
}

/** Enough for an org split to teams and their reps, month by month; more is not read. */
const maxTreeGoals = 200;

/** The goal and every goal below it (its split to periods, teams and reps), parents first. */
function useGoalTree(rootId: number): { state: Loadable<TreeGoal[]>; reload: () => void } {
  const [state, setState] = useState<Loadable<TreeGoal[]>>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: attempt is the reload trigger.
  useEffect(() => {
    const abort = new AbortController();
    (async () => {
      const out: TreeGoal[] = [];
      let level: Array<{ id: number; depth: number }> = [{ id: rootId, depth: 0 }];
      while (level.length > 0 && out.length < maxTreeGoals) {
        const details = await Promise.all(
          level.map(({ id }) => getJson<GoalDetail>(`/api/goals/${id}`, abort.signal)),
        );
        const next: Array<{ id: number; depth: number }> = [];
        details.forEach((detail, index) => {
          const depth = level[index]?.depth ?? 0;
          out.push({
            goal: detail.goal as FlowGoal,
            depth,
            scopeLabel: detail.scopeLabel,
            bonusTiers: detail.bonusTiers,
          });
          for (const child of detail.children) next.push({ id: child.id, depth: depth + 1 });
        });
        level = next.slice(0, maxTreeGoals - out.length);
      }
      return out;
    })().then(
      (tree) => {
        if (!abort.signal.aborted) setState({ status: 'ready', data: tree });
      },
      (error: unknown) => {
        if (!abort.signal.aborted) setState({ status: 'failed', error: asApiError(error) });
      },
    );
    return () => abort.abort();
  }, [rootId, attempt]);
  const reload = useCallback(() => setAttempt((n) => n + 1), []);
  return { state, reload };
}

// Step 4: communicate and motivate

export function CommunicateStep({ goalId }: { goalId: number }) {
  const { t } = useTranslation();
  const directory = useDirectory();
  const tree = useGoalTree(goalId);
  return (
    <section className="page flow-page" data-page="flow-communicate">
      <FlowHeading step="communicate" lead={t('flow.communicate.lead')} />
      <Async state={directory}>
        {(dir) => (
          <Async state={tree.state} onRetry={tree.reload} loading={t('flow.communicate.loading')}>
            {(goals) => <Communicate goals={goals} directory={dir} onChanged={tree.reload} />}
          </Async>
        )}
      </Async>
    </section>
  );
}

function GoalSummary({
  goal,
  scopeLabel,
  directory,
}: {
  goal: FlowGoal;
  scopeLabel: string;
  directory: Directory;
}) {
  const { t } = useTranslation();
  const { format, language } = usePreferences();
  const { org } = useSignedIn();
  const metric = directory.metrics.get(goal.metric);
  return (
    <div className="card flow-summary" data-testid="flow-goal">
      <h2>
        <Link to={goalHref(goal.id)}>
          <bdi>{goal.title}</bdi>
        </Link>{' '}
        <span className="badge" data-testid="flow-goal-status">
          {t(`goalStatus.${goal.status}`)}
        </span>
      </h2>
      <dl className="goal-stats">
        <div>
          <dt>{t('goal.target')}</dt>
          <dd>
            {metric ? format.metric(goal.target, metric.unit, org.currency) : format.number(goal.target)}
          </dd>
        </div>
        <div>
          <dt>{t('goals.metric')}</dt>
          <dd>{metric?.label[language] ?? goal.metric}</dd>
        </div>
        <div>
          <dt>{t('dashboard.unit')}</dt>
          <dd>{scopeLabel}</dd>
        </div>
        <div>
          <dt>{t('goals.period')}</dt>
          <dd>
            {t('goals.range', {
              start: format.day(goal.period.start, 'medium'),
              end: format.day(goal.period.end, 'medium'),
            })}
          </dd>
        </div>
      </dl>
      {goal.parentId !== null ? (
        <p>
          <Link to={communicateHref(goal.parentId)}>{t('flow.communicate.parent')}</Link>
        </p>
      ) : null}
      {goal.description ? <p>{goal.description}</p> : null}
      {goal.reason ? (
        <p className="flow-reason">
          <strong>{t('flow.reason')}</strong> {goal.reason}
        </p>
      ) : null}
    </div>
  );
}

function Communicate({
  goals,
  directory,
  onChanged,
}: {
  goals: TreeGoal[];
  directory: Directory;
  onChanged: () => void;
}) {
  const { t } = useTranslation();
  const { format } = usePreferences();
  const root = goals[0] as TreeGoal;
  const [message, setMessage] = useState('');
  const [sending, setSending] = useState(false);
  const [result, setResult] = useState<CommunicateResult | null>(null);
  const [failure, setFailure] = useState<ReturnType<typeof asApiError> | null>(null);
  const acks = useApi<Acknowledgements>(`/api/goals/${root.goal.id}/acknowledgements`);
  const messageId = useId();
  const canSend = root.goal.status === 'draft' || root.goal.status === 'active';

  const send = async (event: FormEvent) => {
    event.preventDefault();
    setSending(true);
    setFailure(null);
    try {
      const sent = await sendJson<CommunicateResult>('POST', `/api/goals/${root.goal.id}/communicate`, {
        ...(message.trim() ? { message: message.trim() } : {}),
      });
      setResult(sent);
      onChanged();
      acks.reload();
    } catch (error) {
      setFailure(asApiError(error));
    } finally {
      setSending(false);
    }
  };

  return (
    <>
      <GoalSummary goal={root.goal} scopeLabel={root.scopeLabel} directory={directory} />
      {goals.length === 1 && root.goal.status === 'draft' ? (
        <div className="notice" data-testid="not-split">
          <p>{t('flow.communicate.notSplit')}</p>
          <Link className="button" to={draftFormHref(root.goal.id)}>
            {t('flow.write.edit')}
          </Link>
        </div>
      ) : null}
      <section className="section card" aria-labelledby="flow-owners-title">
        <h2 id="flow-owners-title">{t('flow.communicate.owners')}</h2>
        <p className="hint">{t('flow.communicate.ownersHint')}</p>
        <div className="table-scroll">
          <table className="table flow-owners" data-testid="flow-owners">
            <thead>
              <tr>
                <th scope="col">{t('dashboard.goal')}</th>
                <th scope="col">{t('goal.status')}</th>
                <th scope="col">{t('flow.communicate.owner')}</th>
                <th scope="col">{t('bonus.tiers')}</th>
              </tr>
            </thead>
            <tbody>
              {goals.map((node) => (
                <OwnerRow
                  key={node.goal.id}
                  node={node}
                  splittable={
                    node.goal.status === 'draft' &&
                    node.goal.scope.type !== 'rep' &&
                    !goals.some((g) => g.goal.parentId === node.goal.id)
                  }
                  directory={directory}
                  onChanged={onChanged}
                />
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <section className="section card" aria-labelledby="flow-message-title">
        <h2 id="flow-message-title">{t('flow.communicate.messageTitle')}</h2>
        <form className="form" onSubmit={send}>
          <label htmlFor={messageId}>{t('flow.communicate.message')}</label>
          <textarea
            id={messageId}
            rows={4}
            maxLength={2000}
            value={message}
            onChange={(event) => setMessage(event.target.value)}
          />
          <p className="hint">{t('flow.communicate.messageHint')}</p>
          <button type="submit" className="button primary" disabled={sending || !canSend}>
            {sending
              ? t('flow.communicate.sending')
              : root.goal.status === 'draft'
                ? t('flow.communicate.sendActivate')
                : t('flow.communicate.sendAgain')}
          </button>
        </form>
        <div aria-live="polite">
          {result ? (
            <p className="success" data-testid="communicate-result">
              {t('flow.communicate.sent', {
                activated: format.number(result.activated.length),
                notified: format.number(result.notified.length),
                names: result.notified.map((n) => n.name).join(', '),
              })}
            </p>
          ) : null}
        </div>
        {failure ? <ErrorNotice error={failure} title={t('flow.communicate.failed')} /> : null}
      </section>
      <AcknowledgementTable state={acks.state} onReload={acks.reload} />
      <p className="flow-actions">
        <Link className="button primary" to={trackHref(root.goal.id)}>
          {t('flow.communicate.next')}
        </Link>
      </p>
    </>
  );
}

function OwnerRow({
  node,
  splittable,
  directory,
  onChanged,
}: {
  node: TreeGoal;
  /** A team or org draft not split yet: the goal form splits it (step 3). */
  splittable: boolean;
  directory: Directory;
  onChanged: () => void;
}) {
  const { t } = useTranslation();
  const { format } = usePreferences();
  const { org } = useSignedIn();
  const { goal } = node;
  const [editing, setEditing] = useState(false);
  const [failure, setFailure] = useState<ReturnType<typeof asApiError> | null>(null);
  const ownerId = useId();
  const people = directory.users
    .filter((u) => u.leftAt === null || u.id === goal.ownerId)
    .sort((a, b) => a.name.localeCompare(b.name));
  const setOwner = async (value: string) => {
    setFailure(null);
    try {
      await sendJson('PATCH', `/api/goals/${goal.id}`, { ownerId: value ? Number(value) : null });
      onChanged();
    } catch (error) {
      setFailure(asApiError(error));
    }
  };
  const editable = goal.status === 'draft' || goal.status === 'active';
  return (
    <>
      <tr data-goal-id={goal.id}>
        <td>
          <span className="flow-depth" style={{ paddingInlineStart: `${node.depth * 1.25}rem` }}>
            <Link to={goalHref(goal.id)}>
              <bdi>{goal.title}</bdi>
            </Link>
          </span>
          <span className="muted flow-scope"> · {node.scopeLabel}</span>
          {splittable ? (
            <>
              {' · '}
              <Link to={draftFormHref(goal.id)}>{t('flow.communicate.split')}</Link>
            </>
          ) : null}
        </td>
        <td>{t(`goalStatus.${goal.status}`)}</td>
        <td>
          <label className="visually-hidden" htmlFor={ownerId}>
            {t('flow.communicate.ownerOf', { goal: goal.title })}
          </label>
          <select
            id={ownerId}
            value={goal.ownerId ?? ''}
            disabled={!editable}
            onChange={(event) => void setOwner(event.target.value)}
          >
            <option value="">{t('flow.communicate.noOwner')}</option>
            {people.map((person) => (
              <option key={person.id} value={person.id}>
                {person.name}
              </option>
            ))}
          </select>
        </td>
        <td>
          {node.bonusTiers === null ? (
            <span className="muted">{t('flow.communicate.payHidden')}</span>
          ) : (
            <>
              <span data-testid="tiers-summary">
                {node.bonusTiers.length === 0
                  ? t('flow.communicate.noTiers')
                  : node.bonusTiers
                      .map((tier) =>
                        t('flow.communicate.tier', {
                          attainment: format.percent(tier.attainment),
                          payout: format.money(tier.payout, org.currency, { whole: true }),
                        }),
                      )
                      .join(' · ')}
              </span>{' '}
              {editable ? (
                <button
                  type="button"
                  className="link-button"
                  aria-expanded={editing}
                  onClick={() => setEditing((open) => !open)}
                >
                  {t('flow.communicate.editTiers')}
                </button>
              ) : null}
            </>
          )}
        </td>
      </tr>
      {failure ? (
        <tr>
          <td colSpan={4}>
            <ErrorNotice error={failure} title={t('flow.communicate.ownerFailed')} />
          </td>
        </tr>
      ) : null}
      {editing && node.bonusTiers !== null ? (
        <tr className="flow-tier-row">
          <td colSpan={4}>
            <TierEditor
              goal={goal}
              tiers={node.bonusTiers}
              onSaved={() => {
                setEditing(false);
                onChanged();
              }}
            />
          </td>
        </tr>
      ) : null}
    </>
  );
}

function TierEditor({ goal, tiers, onSaved }: { goal: FlowGoal; tiers: BonusTier[]; onSaved: () => void }) {
  const { t } = useTranslation();
  const { format } = usePreferences();
  const { org } = useSignedIn();
  const digits = minorDigitsOf(org.currency);
  const [rows, setRows] = useState<TierRow[]>(() =>
    tiers.length > 0 ? rowsFromTiers(tiers, digits) : [{ attainment: '100', payout: '' }],
  );
  const [problem, setProblem] = useState<string | null>(null);
  const [failure, setFailure] = useState<ReturnType<typeof asApiError> | null>(null);
  const [saving, setSaving] = useState(false);
  const baseId = useId();
  const update = (index: number, field: keyof TierRow, value: string) =>
    setRows((list) => list.map((row, i) => (i === index ? { ...row, [field]: value } : row)));

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setFailure(null);
    const read = tiersFromRows(rows, digits);
    if (!read.ok) {
      setProblem(
        t(read.problem === 'duplicate' ? 'flow.tiers.duplicate' : `flow.tiers.bad.${read.field}`, {
          row: format.number(read.row + 1),
        }),
      );
      return;
    }
    setProblem(null);
    setSaving(true);
    try {
      await sendJson('PATCH', `/api/goals/${goal.id}`, { bonusTiers: read.tiers });
      onSaved();
    } catch (error) {
      setFailure(asApiError(error));
    } finally {
      setSaving(false);
    }
  };

  return (
    <form className="flow-tiers" onSubmit={save} aria-label={t('flow.tiers.label', { goal: goal.title })}>
      <p className="hint">{t('flow.tiers.hint', { currency: format.currencyName(org.currency) })}</p>
      {rows.map((row, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity but their place.
        <div className="flow-tier" key={index}>
          <label htmlFor={`${baseId}-a${index}`}>{t('flow.tiers.attainment')}</label>
          <input
            id={`${baseId}-a${index}`}
            type="number"
            min={1}
            step="any"
            inputMode="decimal"
            value={row.attainment}
            onChange={(event) => update(index, 'attainment', event.target.value)}
          />
          <label htmlFor={`${baseId}-p${index}`}>{t('flow.tiers.payout')}</label>
          <input
            id={`${baseId}-p${index}`}
            type="number"
            min={0}
            step="any"
            inputMode="decimal"
            value={row.payout}
            onChange={(event) => update(index, 'payout', event.target.value)}
          />
          <button
            type="button"
            className="link-button"
            onClick={() => setRows((list) => list.filter((_, i) => i !== index))}
          >
            {t('flow.tiers.remove')}
          </button>
        </div>
      ))}
      <p className="flow-links">
        <button
          type="button"
          className="button"
          onClick={() => setRows((list) => [...list, { attainment: '', payout: '' }])}
        >
          {t('flow.tiers.add')}
        </button>
        <button type="submit" className="button primary" disabled={saving}>
          {saving ? t('flow.tiers.saving') : t('flow.tiers.save')}
        </button>
      </p>
      {problem ? (
        <p className="field-error" role="alert">
          {problem}
        </p>
      ) : null}
      {failure ? <ErrorNotice error={failure} title={t('flow.tiers.failed')} /> : null}
    </form>
  );
}

function AcknowledgementTable({
  state,
  onReload,
}: {
  state: Loadable<Acknowledgements>;
  onReload: () => void;
}) {
  const { t } = useTranslation();
  const { format } = usePreferences();
  const { org } = useSignedIn();
  return (
    <section className="section card" aria-labelledby="flow-acks-title">
      <div className="section-head">
        <h2 id="flow-acks-title">{t('flow.acks.title')}</h2>
        <button type="button" className="button" onClick={onReload}>
          {t('flow.acks.refresh')}
        </button>
      </div>
      <Async state={state} onRetry={onReload}>
        {(acks) =>
          acks.owners.length === 0 ? (
            <Empty>{t('flow.acks.none')}</Empty>
          ) : (
            <>
              <p data-testid="acks-summary">
                {t('flow.acks.summary', {
                  acknowledged: format.number(acks.acknowledged),
                  owners: format.number(acks.owners.length),
                })}
              </p>
              <div className="table-scroll">
                <table className="table" data-testid="acks">
                  <thead>
                    <tr>
                      <th scope="col">{t('flow.communicate.owner')}</th>
                      <th scope="col">{t('dashboard.goal')}</th>
                      <th scope="col">{t('flow.acks.notified')}</th>
                      <th scope="col">{t('flow.acks.acknowledged')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {acks.owners.map((owner) => (
                      <tr
                        key={owner.goalId}
                        data-owner-id={owner.owner.id}
                        data-acknowledged={owner.acknowledgedAt === null ? 'no' : 'yes'}
                      >
                        <td>{owner.owner.name}</td>
                        <td>
                          <Link to={goalHref(owner.goalId)}>
                            <bdi>{owner.title}</bdi>
                          </Link>
                        </td>
                        <td>
                          {owner.notifiedAt === null ? '—' : format.instant(owner.notifiedAt, org.timeZone)}
                        </td>
                        <td>
                          {owner.acknowledgedAt === null
                            ? t('flow.acks.waiting')
                            : format.instant(owner.acknowledgedAt, org.timeZone)}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          )
        }
      </Async>
    </section>
  );
}

// Step 5: track

const intervals: CheckinInterval[] = ['weekly', 'biweekly', 'monthly'];

export function TrackStep({ goalId }: { goalId: number }) {
  const { t } = useTranslation();
  const directory = useDirectory();
  const settings = useApi<TrackingSettings>(`/api/goals/${goalId}/tracking-settings`);
  const detail = useApi<GoalDetail>(`/api/goals/${goalId}`);
  return (
    <section className="page flow-page" data-page="flow-track">
      <FlowHeading step="track" lead={t('flow.track.lead')} />
      <p>
        <Link to={communicateHref(goalId)}>{t('flow.track.back')}</Link>
      </p>
      {directory.status === 'ready' &&
      settings.state.status === 'ready' &&
      detail.state.status === 'ready' ? (
        <TrackForm settings={settings.state.data} detail={detail.state.data} directory={directory.data} />
      ) : directory.status === 'failed' ? (
        <ErrorNotice error={directory.error} />
      ) : settings.state.status === 'failed' ? (
        <ErrorNotice error={settings.state.error} onRetry={settings.reload} />
      ) : detail.state.status === 'failed' ? (
        <ErrorNotice error={detail.state.error} onRetry={detail.reload} />
      ) : (
        <Loading />
      )}
    </section>
  );
}

function TrackForm({
  settings,
  detail,
  directory,
}: {
  settings: TrackingSettings;
  detail: GoalDetail;
  directory: Directory;
}) {
  const { t } = useTranslation();
  const [interval, setCheckinInterval] = useState<CheckinInterval>(settings.checkinInterval);
  const [extra, setExtra] = useState<number[]>(settings.extraRecipients.map((p) => p.id));
  const [saving, setSaving] = useState(false);
  const [failure, setFailure] = useState<ReturnType<typeof asApiError> | null>(null);
  const name = useId();
  const defaults = new Set(settings.defaultRecipients.map((p) => p.id));
  const candidates = directory.users
    .filter((u) => u.leftAt === null && !defaults.has(u.id))
    .sort((a, b) => (a.role === 'rep' ? 1 : 0) - (b.role === 'rep' ? 1 : 0) || a.name.localeCompare(b.name));
  const { goal } = detail;

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setSaving(true);
    setFailure(null);
    try {
      await sendJson<TrackingSettings>('PUT', `/api/goals/${goal.id}/tracking-settings`, {
        checkinInterval: interval,
        recipients: extra,
      });
      navigate(dashboardHref(scopeText(goal.scope)));
    } catch (error) {
      setFailure(asApiError(error));
      setSaving(false);
    }
  };

  return (
    <form className="flow-track" onSubmit={save}>
      {goal.status === 'draft' ? (
        <div className="notice" data-testid="still-draft">
          <p>{t('flow.track.stillDraft')}</p>
          <Link className="button" to={communicateHref(goal.id)}>
            {t('flow.track.back')}
          </Link>
        </div>
      ) : null}
      <fieldset className="segmented">
        <legend>{t('flow.track.interval')}</legend>
        {intervals.map((option) => (
          <label key={option}>
            <input
              type="radio"
              name={name}
              value={option}
              checked={interval === option}
              onChange={() => setCheckinInterval(option)}
            />
            <span>{t(`flow.intervals.${option}`)}</span>
          </label>
        ))}
      </fieldset>
      <p className="hint">{t('flow.track.intervalHint')}</p>
      <section className="section card" aria-labelledby="flow-recipients-title">
        <h2 id="flow-recipients-title">{t('flow.track.recipients')}</h2>
        <p>
          {t('flow.track.defaults', {
            names: settings.defaultRecipients.map((p) => p.name).join(', ') || '—',
          })}
        </p>
        <fieldset className="flow-recipients">
          <legend className="flow-legend">{t('flow.track.extra')}</legend>
          {candidates.length === 0 ? (
            <Empty>{t('flow.track.nobodyElse')}</Empty>
          ) : (
            candidates.map((person) => (
              <label key={person.id} className="checkbox">
                <input
                  type="checkbox"
                  checked={extra.includes(person.id)}
                  onChange={(event) =>
                    setExtra((list) =>
                      event.target.checked ? [...list, person.id] : list.filter((id) => id !== person.id),
                    )
                  }
                />
                <span>
                  {person.name} <span className="muted">· {t(`flow.roles.${person.role}`)}</span>
                </span>
              </label>
            ))
          )}
        </fieldset>
      </section>
      {failure ? <ErrorNotice error={failure} title={t('flow.track.failed')} /> : null}
      <p className="flow-actions">
        <button type="submit" className="button primary" disabled={saving}>
          {saving ? t('flow.track.saving') : t('flow.track.done')}
        </button>
      </p>
    </form>
  );
}
