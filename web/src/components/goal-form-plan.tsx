import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { sendJson } from '../api.ts';
import type { Bilingual, Unit } from '../api-types.ts';
import { usePreferences } from '../preferences.tsx';
import { useSignedIn } from '../session.tsx';
import { asApiError, type Loadable } from '../use-api.ts';
import { Loading } from './async.tsx';

export const splitKinds = ['none', 'period', 'team', 'rep'] as const;
export const grains = ['quarter', 'fiscal_quarter', 'month', 'week'] as const;
export const periodMethods = ['equal', 'seasonal'] as const;
export const memberMethods = ['equal', 'last_year_share', 'weights'] as const;

/** How the user wants the goal cut, as the form holds it (weights as typed). */
export interface SplitChoice {
  by: (typeof splitKinds)[number];
  grain: (typeof grains)[number];
  periodMethod: (typeof periodMethods)[number];
  memberMethod: (typeof memberMethods)[number];
  /** Typed weights by member key (`team:4`); a member without one weighs 1. */
  weights: Record<string, string>;
}

export const noSplit: SplitChoice = {
  by: 'none',
  grain: 'quarter',
  periodMethod: 'equal',
  memberMethod: 'equal',
  weights: {},
};

/** A team or rep the goal can be split between. */
export interface SplitMember {
  type: 'team' | 'rep';
  id: number;
  name: string;
}

export const memberKey = (m: { type: string; id: number }) => `${m.type}:${m.id}`;

export type SplitRuleBody =
  | { by: 'period'; grain: SplitChoice['grain']; method: SplitChoice['periodMethod'] }
  | {
      by: 'member';
      method: SplitChoice['memberMethod'];
      members: Array<{ type: 'team' | 'rep'; id: number; weight?: number }>;
    };

/** The API's split rule for the choice; a weight that is not a number is left out, and the API says which. */
export function splitRuleOf(choice: SplitChoice, members: readonly SplitMember[]): SplitRuleBody | null {
  if (choice.by === 'none') return null;
  if (choice.by === 'period') return { by: 'period', grain: choice.grain, method: choice.periodMethod };
  return {
    by: 'member',
    method: choice.memberMethod,
    members: members.map((m) => {
      const typed = choice.weights[memberKey(m)];
      const weight = typed === undefined || typed.trim() === '' ? 1 : Number(typed);
      return {
        type: m.type,
        id: m.id,
        ...(choice.memberMethod === 'weights' && Number.isFinite(weight) ? { weight } : {}),
      };
    }),
  };
}

export type FunnelStepId = string;

export interface FunnelStep {
  id: FunnelStepId;
  label: Bilingual;
  metric: string | null;
  total: number;
  perRep: number | null;
  perRepPerWeek: number | null;
  rate: number | null;
  explanation: Bilingual;
}

/** POST /api/goals/plan/preview: the goal, its children and its funnel as saving would write them. */
export interface PlanPreview {
  goal: { target: number; baseline: number | null; layer: string; kind: string };
  split: {
    inherited: boolean;
    explanation: Bilingual;
    children: Array<{
      name: string;
      label: string;
      period: { start: string; end: string };
      scope: { type: string; id: number | null };
      target: number;
      share: number | null;
      capacity: number | null;
    }>;
  } | null;
  funnel: {
    reps: number;
    weeks: number;
    steps: FunnelStep[];
    missing: Array<{ id: FunnelStepId; reason: Bilingual }>;
  } | null;
}

export interface FunnelChoice {
  steps: FunnelStepId[];
  perRep: boolean;
}

type PreviewState = Loadable<PlanPreview> & { checking?: boolean };

/** Asks for the preview once typing pauses; null (an incomplete goal) asks nothing. */
export function usePlanPreview(body: unknown | null, delayMs: number): PreviewState | null {
  const [state, setState] = useState<PreviewState>({ status: 'loading' });
  const key = body === null ? null : JSON.stringify(body);
  useEffect(() => {
    if (key === null) return;
    const abort = new AbortController();
    setState((previous) => ({ ...previous, checking: true }));
    const timer = window.setTimeout(() => {
      sendJson<PlanPreview>('POST', '/api/goals/plan/preview', JSON.parse(key), abort.signal).then(
        (data) => {
          if (!abort.signal.aborted) setState({ status: 'ready', data });
        },
        (error: unknown) => {
          if (!abort.signal.aborted) setState({ status: 'failed', error: asApiError(error) });
        },
      );
    }, delayMs);
    return () => {
      window.clearTimeout(timer);
      abort.abort();
    };
  }, [key, delayMs]);
  return key === null ? null : state;
}

/** The split chooser and the children it makes, before anything is saved. */
export function SplitSection({
  choice,
  onChange,
  members,
  scopeIsRep,
  scopeLabel,
  preview,
  unit,
  error,
}: {
  choice: SplitChoice;
  onChange: (choice: SplitChoice) => void;
  /** Who a split by team or rep cuts between, for the chosen kind. */
  members: { team: SplitMember[]; rep: SplitMember[] };
  scopeIsRep: boolean;
  scopeLabel: string;
  preview: PreviewState | null;
  unit: Unit | undefined;
  error?: string | undefined;
}) {
  const { t } = useTranslation();
  const id = useId();
  const chosen = choice.by === 'team' ? members.team : choice.by === 'rep' ? members.rep : [];
  const kinds = splitKinds.filter((kind) => !(scopeIsRep && (kind === 'team' || kind === 'rep')));
  const set = (patch: Partial<SplitChoice>) => onChange({ ...choice, ...patch });
  return (
    <fieldset className="goal-form-split" data-section="split">
      <legend>{t('goalPlan.split')}</legend>
      <p className="hint">{t('goalPlan.splitHint')}</p>
      <div className="field-row">
        <div className="field">
          <label htmlFor={`${id}-by`}>{t('goalPlan.splitBy')}</label>
          <select
            id={`${id}-by`}
            name="split.by"
            value={choice.by}
            onChange={(e) => set({ by: e.target.value as SplitChoice['by'] })}
          >
            {kinds.map((kind) => (
              <option key={kind} value={kind}>
                {t(`goalPlan.by.${kind}`)}
              </option>
            ))}
          </select>
        </div>
        {choice.by === 'period' ? (
          <>
            <div className="field">
              <label htmlFor={`${id}-grain`}>{t('goalPlan.grain')}</label>
              <select
                id={`${id}-grain`}
                name="split.grain"
                value={choice.grain}
                onChange={(e) => set({ grain: e.target.value as SplitChoice['grain'] })}
              >
                {grains.map((grain) => (
                  <option key={grain} value={grain}>
                    {t(`goalPlan.grains.${grain}`)}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor={`${id}-method`}>{t('goalPlan.method')}</label>
              <select
                id={`${id}-method`}
                name="split.method"
                value={choice.periodMethod}
                onChange={(e) => set({ periodMethod: e.target.value as SplitChoice['periodMethod'] })}
              >
                {periodMethods.map((method) => (
                  <option key={method} value={method}>
                    {t(`goalPlan.methods.${method}`)}
                  </option>
                ))}
              </select>
            </div>
          </>
        ) : null}
        {choice.by === 'team' || choice.by === 'rep' ? (
          <div className="field">
            <label htmlFor={`${id}-method`}>{t('goalPlan.method')}</label>
            <select
              id={`${id}-method`}
              name="split.method"
              value={choice.memberMethod}
              onChange={(e) => set({ memberMethod: e.target.value as SplitChoice['memberMethod'] })}
            >
              {memberMethods.map((method) => (
                <option key={method} value={method}>
                  {t(`goalPlan.methods.${method}`)}
                </option>
              ))}
            </select>
          </div>
        ) : null}
      </div>
      {(choice.by === 'team' || choice.by === 'rep') && chosen.length === 0 ? (
        <p className="hint">{t('goalPlan.noMembers', { scope: scopeLabel })}</p>
      ) : null}
      {(choice.by === 'team' || choice.by === 'rep') && choice.memberMethod === 'weights' && chosen.length ? (
        <div className="goal-form-weights">
          <p className="hint">{t('goalPlan.weightsHint')}</p>
          <div className="field-row">
            {chosen.map((member) => (
              <WeightField
                key={memberKey(member)}
                member={member}
                value={choice.weights[memberKey(member)] ?? '1'}
                onChange={(value) => set({ weights: { ...choice.weights, [memberKey(member)]: value } })}
              />
            ))}
          </div>
        </div>
      ) : null}
      {error ? (
        <p className="field-error" role="alert" data-field-error="split">
          <span lang="en">{error}</span>
        </p>
      ) : null}
      {choice.by !== 'none' ? <ChildrenPreview preview={preview} unit={unit} /> : null}
    </fieldset>
  );
}

function WeightField({
  member,
  value,
  onChange,
}: {
  member: SplitMember;
  value: string;
  onChange: (value: string) => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{t('goalPlan.weight', { name: member.name })}</label>
      <input
        id={id}
        name={`split.weight.${memberKey(member)}`}
        type="number"
        inputMode="decimal"
        min={0}
        step="any"
        dir="ltr"
        value={value}
        onChange={(e) => onChange(e.target.value)}
      />
    </div>
  );
}

function ChildrenPreview({ preview, unit }: { preview: PreviewState | null; unit: Unit | undefined }) {
  const { t } = useTranslation();
  const { language, format } = usePreferences();
  const { org } = useSignedIn();
  if (preview === null) return <p className="hint">{t('goalPlan.completeFirst')}</p>;
  if (preview.status === 'loading') return <Loading label={t('goalPlan.previewing')} />;
  if (preview.status === 'failed') {
    return (
      <p className="field-error" role="alert" data-preview-error={preview.error.field ?? ''}>
        {t('goalPlan.previewFailed')} <span lang="en">{preview.error.message}</span>
      </p>
    );
  }
  const split = preview.data.split;
  if (!split) return null;
  const value = (v: number) => (unit ? format.metric(v, unit, org.currency) : format.number(v));
  const sum = split.children.reduce((total, child) => total + child.target, 0);
  return (
    <div className="goal-form-children" data-checking={preview.checking ? 'true' : 'false'}>
      <h3>{t('goalPlan.preview')}</h3>
      <p className="hint">{split.explanation[language]}</p>
      <div className="table-scroll">
        <table className="table" data-testid="split-preview">
          <thead>
            <tr>
              <th scope="col">{t('goalPlan.child')}</th>
              <th scope="col">{t('goalPlan.childPeriod')}</th>
              <th scope="col" className="numeric">
                {t('goalPlan.childShare')}
              </th>
              <th scope="col" className="numeric">
                {t('goalPlan.childTarget')}
              </th>
            </tr>
          </thead>
          <tbody>
            {split.children.map((child) => (
              <tr
                key={`${child.label}:${child.period.start}`}
                data-child={child.name}
                data-target={child.target}
              >
                <th scope="row">
                  {child.name}
                  {child.capacity !== null ? (
                    <span className="muted">
                      {' · '}
                      {t('goalPlan.rampUp', { percent: format.percent(child.capacity) })}
                    </span>
                  ) : null}
                </th>
                <td>
                  {format.day(child.period.start, 'medium')} – {format.day(child.period.end, 'medium')}
                </td>
                <td className="numeric">{child.share === null ? '—' : format.percent(child.share, 1)}</td>
                <td className="numeric">{value(child.target)}</td>
              </tr>
            ))}
          </tbody>
          {split.inherited ? null : (
            <tfoot>
              <tr data-total={sum}>
                <th scope="row" colSpan={3}>
                  {t('goalPlan.total')}
                </th>
                <td className="numeric">{value(sum)}</td>
              </tr>
            </tfoot>
          )}
        </table>
      </div>
      <p
        className="hint"
        data-sums={split.inherited ? 'inherited' : sum === preview.data.goal.target ? 'exact' : 'off'}
      >
        {split.inherited ? t('goalPlan.inherited') : t('goalPlan.sumsExactly')}
      </p>
    </div>
  );
}

/** The reverse funnel's activity goals, offered for adding under the goal. */
export function FunnelSection({
  preview,
  metric,
  choice,
  onChange,
  canPerRep,
  error,
}: {
  preview: PreviewState | null;
  /** The goal's metric: its own step is the goal itself, not an activity under it. */
  metric: string;
  choice: FunnelChoice;
  onChange: (choice: FunnelChoice) => void;
  canPerRep: boolean;
  error?: string | undefined;
}) {
  const { t } = useTranslation();
  const { language, format } = usePreferences();
  const id = useId();
  if (preview === null || preview.status !== 'ready' || preview.data.funnel === null) return null;
  const funnel = preview.data.funnel;
  const offered = funnel.steps.filter((step) => step.metric !== null && step.metric !== metric);
  const toggle = (step: FunnelStepId, on: boolean) =>
    onChange({
      ...choice,
      steps: on ? [...choice.steps.filter((s) => s !== step), step] : choice.steps.filter((s) => s !== step),
    });
  return (
    <fieldset className="goal-form-funnel" data-section="funnel">
      <legend>{t('goalPlan.funnel')}</legend>
      <p className="hint">{t('goalPlan.funnelHint')}</p>
      {offered.length === 0 ? <p className="hint">{t('goalPlan.funnelNone')}</p> : null}
      <ul className="goal-form-steps">
        {offered.map((step) => (
          <li key={step.id} data-step={step.id} data-total={step.total}>
            <label>
              <input
                type="checkbox"
                name={`funnel.${step.id}`}
                checked={choice.steps.includes(step.id)}
                onChange={(e) => toggle(step.id, e.target.checked)}
              />{' '}
              <span className="step-name">
                {t('goalPlan.step', { label: step.label[language], total: format.number(step.total) })}
              </span>
              {step.perRepPerWeek !== null ? (
                <span className="muted">
                  {' · '}
                  {t('goalPlan.perRepPerWeek', { value: format.number(step.perRepPerWeek) })}
                </span>
              ) : null}
            </label>
            <p className="hint">{step.explanation[language]}</p>
          </li>
        ))}
      </ul>
      {funnel.missing.length ? (
        <ul className="hint goal-form-missing">
          {funnel.missing.map((missing) => (
            <li key={missing.id}>{t('goalPlan.funnelMissing', { reason: missing.reason[language] })}</li>
          ))}
        </ul>
      ) : null}
      {canPerRep && offered.length ? (
        <label htmlFor={`${id}-per-rep`} className="goal-form-check">
          <input
            id={`${id}-per-rep`}
            type="checkbox"
            name="funnel.perRep"
            checked={choice.perRep}
            onChange={(e) => onChange({ ...choice, perRep: e.target.checked })}
          />{' '}
          {t('goalPlan.perRep', { reps: format.number(funnel.reps) })}
        </label>
      ) : null}
      {error ? (
        <p className="field-error" role="alert" data-field-error="funnel">
          <span lang="en">{error}</span>
        </p>
      ) : null}
    </fieldset>
  );
}
