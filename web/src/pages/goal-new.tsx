import { type FormEvent, type ReactNode, useEffect, useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type ApiError, sendJson } from '../api.ts';
import type {
  CheckinInterval,
  Goal,
  GoalDetail,
  GoalDirection,
  GoalTemplate,
  OrgInfo,
  SmartCheck,
  SmartPatch,
  SmartVerdict,
  Unit,
  User,
} from '../api-types.ts';
import { Async, ErrorNotice, Loading } from '../components/async.tsx';
import { FlowStepper } from '../components/flow-stepper.tsx';
import { FilterFields, type FilterValues, filtersOf } from '../components/goal-form-filters.tsx';
import {
  type FunnelChoice,
  FunnelSection,
  noSplit,
  type SplitChoice,
  type SplitMember,
  SplitSection,
  splitRuleOf,
  usePlanPreview,
} from '../components/goal-form-plan.tsx';
import { VerdictBadge } from '../components/status.tsx';
import { type Directory, parseScope, type Scope, useDirectory } from '../directory.tsx';
import { communicateHref } from '../flow.ts';
import { dayIn } from '../format.ts';
import { goalHref } from '../links.ts';
import { addDays, type DayRange, periodContaining } from '../periods.ts';
import { usePreferences } from '../preferences.tsx';
import { Link, navigate, useSearchParams } from '../router.tsx';
import { useSignedIn } from '../session.tsx';
import { asApiError, type Loadable, useApi } from '../use-api.ts';

const directions: GoalDirection[] = ['increase', 'decrease', 'reach', 'stay_below'];
const kinds = ['outcome', 'activity'] as const;
const intervals: CheckinInterval[] = ['weekly', 'biweekly', 'monthly'];
/** The coach asks again once typing pauses this long. */
const checkDelayMs = 400;

type FieldName =
  | 'template'
  | 'title'
  | 'description'
  | 'metric'
  | 'scope'
  | 'targetMode'
  | 'target'
  | 'direction'
  | 'start'
  | 'end'
  | 'kind'
  | 'checkinInterval'
  | 'filters';

/** What the user typed. The target is in the unit people read (riyals, percent), not the API's minor units or fractions. */
interface FormState {
  templateId: string;
  title: string;
  description: string;
  metric: string;
  scope: string;
  targetMode: 'absolute' | 'relative';
  target: string;
  /** A relative target's change in percent: "10" is +10%. */
  change: string;
  direction: GoalDirection;
  start: string;
  end: string;
  kind: (typeof kinds)[number];
  checkinInterval: CheckinInterval;
  filters: FilterValues;
}

/** A draft goal as GET /api/goals/:id gives it, with the fields the form edits. */
type DraftGoal = Goal & {
  reason: string | null;
  targetMode: 'absolute' | 'relative';
  targetChange: number | null;
  checkinInterval: CheckinInterval;
};

/** How many decimal places the currency's minor unit has (2 for SAR, 3 for KWD, 0 for JPY). */
function minorDigits(currency: string): number {
  return (
    new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2
  );
}

/** A stored value (minor units, fractions) as the form shows it. */
function toDisplay(value: number, unit: Unit | undefined, currency: string): string {
  if (unit === 'currency') return String(value / 10 ** minorDigits(currency));
  if (unit === 'percent') return String(Number((value * 100).toFixed(6)));
  return String(value);
}

/** The form's text as the API's value; null when it is not a number. */
function fromDisplay(text: string, unit: Unit | undefined, currency: string): number | null {
  if (text.trim() === '') return null;
  const value = Number(text);
  if (!Number.isFinite(value)) return null;
  if (unit === 'currency') return Math.round(value * 10 ** minorDigits(currency));
  if (unit === 'percent') return value / 100;
  return value;
}

function percentChange(text: string): number | null {
  if (text.trim() === '') return null;
  const value = Number(text);
  return Number.isFinite(value) ? value / 100 : null;
}

/** The same days as the server's templates use: a month, the fiscal year, or months from this fiscal quarter. */
function templatePeriod(months: number, today: string, org: OrgInfo): DayRange {
  if (months === 1) return periodContaining('month', today);
  if (months === 12) return periodContaining('year', today, org.fiscalYearStartMonth);
  const { start } = periodContaining('quarter', today, org.fiscalYearStartMonth);
  const [year, month] = start.split('-').map(Number) as [number, number];
  const after = new Date(Date.UTC(year, month - 1 + months, 1)).toISOString().slice(0, 10);
  return { start, end: addDays(after, -1) };
}

/** Scopes the user may set goals for: the org for admins, then the teams they see, then their reps. */
function scopeOptions(directory: Directory, user: User, orgName: string) {
  const options: Array<{ value: string; label: string; group: 'org' | 'team' | 'rep' }> = [];
  if (user.role === 'admin') options.push({ value: 'org', label: orgName, group: 'org' });
  const teams = [...directory.teams].sort((a, b) => a.path.localeCompare(b.path));
  const topDepth = Math.min(...teams.map((team) => team.depth));
  for (const team of teams) {
    // Non-breaking spaces indent sub-teams under their parent inside a native select.
    options.push({
      value: `team:${team.id}`,
      label: `${'\u00a0\u00a0'.repeat(team.depth - topDepth)}${team.name}`,
      group: 'team',
    });
  }
  const reps = directory.users
    .filter((u) => u.role === 'rep' && u.leftAt === null)
    .sort((a, b) => a.name.localeCompare(b.name));
  for (const rep of reps) options.push({ value: `rep:${rep.id}`, label: rep.name, group: 'rep' });
  return options;
}

/** The body of POST /api/goals/check and (with more) the goal of POST /api/goals/plan. */
function draftOf(form: FormState, unit: Unit | undefined, currency: string, filterKeys: readonly string[]) {
  const scope = parseScope(form.scope);
  return {
    filters: filtersOf(form.filters, filterKeys),
    title: form.title || null,
    description: form.description || null,
    metric: form.metric || null,
    scope: scope ? { type: scope.type, id: scope.id } : null,
    targetMode: form.targetMode,
    target: form.targetMode === 'absolute' ? fromDisplay(form.target, unit, currency) : null,
    targetChange: form.targetMode === 'relative' ? percentChange(form.change) : null,
    direction: form.direction,
    period: { start: form.start || null, end: form.end || null },
    kind: form.kind,
  };
}

/** The goal part of POST /api/goals/plan (and its preview). */
function goalBodyOf(draft: ReturnType<typeof draftOf>, form: FormState, language: 'en' | 'ar') {
  const { target, targetChange, scope, metric, title, description, period, ...rest } = draft;
  return {
    ...rest,
    language,
    title: title ?? '',
    description: description ?? '',
    ...(metric ? { metric } : {}),
    scope: scope ?? { type: 'org' as const, id: null },
    ...(form.targetMode === 'absolute' ? { target } : { targetChange }),
    period: { start: period.start ?? '', end: period.end ?? '' },
    checkinInterval: form.checkinInterval,
  };
}

/** The server names the field it refuses ("goal.scope.type", "goal.targetChange"); the form shows it by the input it came from. */
function fieldOf(field: string | undefined): FieldName | null {
  if (!field) return null;
  const path = field.replace(/^goal\./, '');
  const head = path.split('.')[0];
  switch (head) {
    case 'templateId':
      return 'template';
    case 'title':
    case 'description':
    case 'metric':
    case 'scope':
    case 'targetMode':
    case 'target':
    case 'direction':
    case 'kind':
    case 'checkinInterval':
      return head;
    case 'targetChange':
    case 'baseline':
      return 'target';
    case 'filters':
      return 'filters';
    case 'period':
      return path === 'period.end' ? 'end' : 'start';
    default:
      return null;
  }
}

/** Goal setting, step 3: the goal form with the SMART coach judging the draft as it is typed. */
export function NewGoalPage() {
  const { t } = useTranslation();
  const { user } = useSignedIn();
  const directory = useDirectory();
  const templates = useApi<{ templates: GoalTemplate[] }>('/api/templates');
  const draftParam = useSearchParams().get('draft');
  const draftId = draftParam && /^\d+$/.test(draftParam) ? Number(draftParam) : null;
  const draft = useApi<GoalDetail>(draftId === null ? null : `/api/goals/${draftId}`);
  if (user.role === 'rep') {
    return (
      <section className="page">
        <h1 tabIndex={-1}>{t('goalForm.title')}</h1>
        <p>{t('goalForm.notAllowed')}</p>
        <p>
          <Link to="/goals">{t('goalForm.back')}</Link>
        </p>
      </section>
    );
  }
  if (draftId !== null) {
    return (
      <section className="page" data-page="goal-new" data-draft={draftId}>
        <FlowStepper current="write" />
        <h1 tabIndex={-1}>{t('goalPlan.draftTitle')}</h1>
        <Async state={directory}>
          {(dir) => (
            <Async state={draft.state} onRetry={draft.reload}>
              {(loaded) =>
                loaded.goal.status === 'draft' ? (
                  <GoalEditor
                    key={loaded.goal.id}
                    directory={dir}
                    templates={[]}
                    draft={loaded.goal as DraftGoal}
                  />
                ) : (
                  <p>
                    {t('goalPlan.notDraft')} <Link to={goalHref(loaded.goal.id)}>{loaded.goal.title}</Link>
                  </p>
                )
              }
            </Async>
          )}
        </Async>
      </section>
    );
  }
  return (
    <section className="page" data-page="goal-new">
      <h1 tabIndex={-1}>{t('goalForm.title')}</h1>
      <p>
        <Link to="/plan">{t('goalPlan.fromGrowthArea')}</Link>
      </p>
      <Async state={directory}>
        {(dir) => (
          <Async state={templates.state} onRetry={templates.reload}>
            {(loaded) => <GoalEditor directory={dir} templates={loaded.templates} />}
          </Async>
        )}
      </Async>
    </section>
  );
}

/** Who a split by team or by rep cuts between: the scope's sub-teams, and the current reps inside it. */
function membersOf(directory: Directory, scope: Scope | null): { team: SplitMember[]; rep: SplitMember[] } {
  if (!scope || scope.type === 'rep') return { team: [], rep: [] };
  const root = scope.type === 'team' ? directory.team(scope.id) : undefined;
  if (scope.type === 'team' && !root) return { team: [], rep: [] };
  const teams = root
    ? directory.childTeams(root.id)
    : directory.teams.filter((t) => t.parentId === null).sort((a, b) => a.path.localeCompare(b.path));
  const inside = new Set(
    directory.teams.filter((t) => !root || t.path.startsWith(root.path)).map((t) => t.id),
  );
  const reps = directory.users
    .filter((u) => u.role === 'rep' && u.leftAt === null && u.teamId !== null && inside.has(u.teamId))
    .sort((a, b) => a.name.localeCompare(b.name));
  return {
    team: teams.map((t) => ({ type: 'team', id: t.id, name: t.name })),
    rep: reps.map((u) => ({ type: 'rep', id: u.id, name: u.name })),
  };
}

/** The form as a draft goal left it. */
function formOfDraft(draft: DraftGoal, unit: Unit | undefined, currency: string): FormState {
  return {
    templateId: '',
    title: draft.title,
    description: draft.description,
    metric: draft.metric,
    scope: draft.scope.type === 'org' ? 'org' : `${draft.scope.type}:${draft.scope.id}`,
    targetMode: draft.targetMode,
    target: toDisplay(draft.target, unit, currency),
    change: draft.targetChange === null ? '' : String(Number((draft.targetChange * 100).toFixed(6))),
    direction: draft.direction,
    start: draft.period.start,
    end: draft.period.end,
    kind: draft.kind === 'activity' ? 'activity' : 'outcome',
    checkinInterval: draft.checkinInterval,
    filters: { ...draft.filters },
  };
}

function GoalEditor({
  directory,
  templates,
  draft: savedDraft,
}: {
  directory: Directory;
  templates: GoalTemplate[];
  /** A draft goal (step 2 of the flow) to write SMART and save as a draft with its children. */
  draft?: DraftGoal;
}) {
  const { t } = useTranslation();
  const { language } = usePreferences();
  const { user, org } = useSignedIn();
  const today = dayIn(org.timeZone, Date.now());
  const scopes = useMemo(() => scopeOptions(directory, user, org.name), [directory, user, org.name]);
  const [form, setForm] = useState<FormState>(() => {
    if (savedDraft) {
      return formOfDraft(savedDraft, directory.metrics.get(savedDraft.metric)?.unit, org.currency);
    }
    const year = periodContaining('year', today, org.fiscalYearStartMonth);
    return {
      templateId: '',
      title: '',
      description: '',
      metric: '',
      scope: scopes[0]?.value ?? 'org',
      targetMode: 'absolute',
      target: '',
      change: '',
      direction: 'increase',
      start: year.start,
      end: year.end,
      kind: 'outcome',
      checkinInterval: 'weekly',
      filters: {},
    };
  });
  const [split, setSplit] = useState<SplitChoice>(noSplit);
  const [funnel, setFunnel] = useState<FunnelChoice>({ steps: [], perRep: false });
  const [planErrors, setPlanErrors] = useState<{ split?: string; funnel?: string }>({});
  const [errors, setErrors] = useState<Partial<Record<FieldName, string>>>({});
  const [failure, setFailure] = useState<ApiError | null>(null);
  const [saving, setSaving] = useState(false);
  const metricInfo = directory.metrics.get(form.metric);
  const unit = metricInfo?.unit;
  const draft = useMemo(
    () => draftOf(form, unit, org.currency, metricInfo?.filters ?? []),
    [form, unit, org.currency, metricInfo],
  );
  const check = useSmartCheck(draft);
  const scope = parseScope(form.scope);
  const members = useMemo(() => membersOf(directory, parseScope(form.scope)), [directory, form.scope]);
  const splitMembers = split.by === 'team' ? members.team : split.by === 'rep' ? members.rep : [];
  const rule = splitRuleOf(scope?.type === 'rep' && split.by !== 'period' ? noSplit : split, splitMembers);
  const goalBody = goalBodyOf(draft, form, language);
  // The children and the funnel need a metric and a target; the title is only a name, so a blank one waits.
  const previewable = draft.metric !== null && (draft.target !== null || draft.targetChange !== null);
  const preview = usePlanPreview(
    previewable
      ? {
          ...(savedDraft ? { draftId: savedDraft.id } : {}),
          goal: { ...goalBody, title: goalBody.title.trim() || t('goalPlan.untitled') },
          split: rule,
        }
      : null,
    checkDelayMs,
  );
  const today365 = `${addDays(today, -365)}..${today}`;

  const change = (patch: Partial<FormState>) => {
    setForm((previous) => ({ ...previous, ...patch }));
    // A new goal changes what its funnel offers: pick the steps again.
    if (patch.metric !== undefined || patch.kind !== undefined) setFunnel({ steps: [], perRep: false });
    // A rep's goal cannot be split between members: only periods stay on offer.
    if (patch.scope?.startsWith('rep:')) {
      setSplit((previous) =>
        previous.by === 'team' || previous.by === 'rep' ? { ...previous, by: 'none' } : previous,
      );
    }
    // An edited field's server error no longer applies.
    setErrors((previous) => {
      const next = { ...previous };
      for (const key of Object.keys(patch)) delete next[key === 'change' ? 'target' : (key as FieldName)];
      return next;
    });
  };

  const chooseMetric = (metric: string) => {
    const def = directory.metrics.get(metric);
    // Convert the typed target into the new metric's unit only when the unit stays the same.
    change({
      metric,
      ...(def ? { direction: def.direction === 'lower' ? 'decrease' : 'increase' } : {}),
      ...(def?.unit !== unit ? { target: '' } : {}),
    });
  };

  const chooseTemplate = (id: string) => {
    const template = templates.find((candidate) => candidate.id === id);
    if (!template) {
      change({ templateId: '' });
      return;
    }
    const period = templatePeriod(template.periodMonths, today, org);
    const templateUnit = directory.metrics.get(template.metric)?.unit;
    const scope =
      scopes.find((option) => option.value === form.scope && option.group === template.scopeType) ??
      scopes.find((option) => option.group === template.scopeType) ??
      scopes[0];
    change({
      templateId: id,
      title: template.title[language],
      description: template.description[language],
      metric: template.metric,
      direction: template.direction,
      kind: template.kind,
      checkinInterval: template.checkinInterval,
      start: period.start,
      end: period.end,
      ...(scope ? { scope: scope.value } : {}),
      ...('change' in template.target
        ? {
            targetMode: 'relative' as const,
            change: String(Number((template.target.change * 100).toFixed(6))),
          }
        : {
            targetMode: 'absolute' as const,
            target: toDisplay(template.target.absolute, templateUnit, org.currency),
          }),
    });
  };

  const applyPatch = (patch: SmartPatch) => {
    change({
      ...(patch.target !== undefined
        ? { targetMode: 'absolute' as const, target: toDisplay(patch.target, unit, org.currency) }
        : {}),
      ...(patch.period ? { start: patch.period.start, end: patch.period.end } : {}),
    });
  };

  /**
   * One call writes the goal with its children and activity goals (POST
   * /api/goals/plan, one transaction): a refused split leaves no goal behind.
   * A draft from the flow stays a draft and goes on to step 4.
   */
  const save = async (status: 'draft' | 'active') => {
    setSaving(true);
    setFailure(null);
    setErrors({});
    setPlanErrors({});
    const offered = preview?.status === 'ready' ? preview.data.funnel : null;
    try {
      const { goal } = await sendJson<{ goal: Goal }>('POST', '/api/goals/plan', {
        ...(savedDraft ? { draftId: savedDraft.id } : {}),
        goal: {
          ...goalBody,
          ...(form.templateId && !savedDraft ? { templateId: form.templateId } : {}),
          status: savedDraft ? 'draft' : status,
        },
        split: rule,
        funnel: offered && funnel.steps.length ? funnel : null,
      });
      navigate(savedDraft ? communicateHref(goal.id) : goalHref(goal.id));
    } catch (error) {
      const apiError = asApiError(error);
      const where = apiError.field?.split('.')[0];
      const field = fieldOf(apiError.field);
      if (apiError.status === 400 && (where === 'split' || where === 'funnel')) {
        setPlanErrors({ [where]: apiError.message });
      } else if (field && apiError.status === 400) setErrors({ [field]: apiError.message });
      else setFailure(apiError);
      setSaving(false);
    }
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const submitter = (event.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null;
    void save(submitter?.value === 'draft' ? 'draft' : 'active');
  };

  const metrics = [...directory.metrics.values()].sort((a, b) =>
    a.label[language].localeCompare(b.label[language], language),
  );
  const targetHint =
    unit === 'currency'
      ? t('goalForm.targetInCurrency', { currency: org.currency })
      : unit === 'percent'
        ? t('goalForm.targetInPercent')
        : null;

  return (
    <div className="two-columns goal-editor">
      <form className="form card" onSubmit={submit} noValidate aria-labelledby="goal-form-title">
        <h2 id="goal-form-title" className="visually-hidden">
          {t('goalForm.formTitle')}
        </h2>
        {savedDraft?.reason ? (
          <div className="notice goal-form-reason" data-testid="draft-reason">
            <p className="notice-title">{t('goalPlan.draftReason')}</p>
            <p>{savedDraft.reason}</p>
          </div>
        ) : null}
        {savedDraft ? null : (
          <Field name="template" label={t('goalForm.template')} error={errors.template}>
            {(props) => (
              <select {...props} value={form.templateId} onChange={(e) => chooseTemplate(e.target.value)}>
                <option value="">{t('goalForm.noTemplate')}</option>
                {templates.map((template) => (
                  <option key={template.id} value={template.id}>
                    {template.title[language]}
                  </option>
                ))}
              </select>
            )}
          </Field>
        )}
        <Field name="title" label={t('goalForm.goalTitle')} error={errors.title}>
          {(props) => (
            <input
              {...props}
              type="text"
              value={form.title}
              onChange={(e) => change({ title: e.target.value })}
            />
          )}
        </Field>
        <Field
          name="description"
          label={t('goalForm.how')}
          hint={t('goalForm.howHint')}
          error={errors.description}
        >
          {(props) => (
            <textarea
              {...props}
              rows={3}
              value={form.description}
              onChange={(e) => change({ description: e.target.value })}
            />
          )}
        </Field>
        <Field name="metric" label={t('goalForm.metric')} error={errors.metric}>
          {(props) => (
            <select {...props} value={form.metric} onChange={(e) => chooseMetric(e.target.value)}>
              <option value="">{t('goalForm.chooseMetric')}</option>
              {metrics.map((metric) => (
                <option key={metric.id} value={metric.id}>
                  {metric.label[language]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field name="scope" label={t('goalForm.scope')} error={errors.scope}>
          {(props) => (
            <select {...props} value={form.scope} onChange={(e) => change({ scope: e.target.value })}>
              {(['org', 'team', 'rep'] as const).map((group) => {
                const inGroup = scopes.filter((option) => option.group === group);
                return inGroup.length === 0 ? null : (
                  <optgroup key={group} label={t(`goalForm.scopeGroup.${group}`)}>
                    {inGroup.map((option) => (
                      <option key={option.value} value={option.value}>
                        {option.label}
                      </option>
                    ))}
                  </optgroup>
                );
              })}
            </select>
          )}
        </Field>
        <FilterFields
          metric={form.metric}
          accepted={metricInfo?.filters ?? []}
          values={form.filters}
          scope={directory.metricScope(scope ?? { type: 'org', id: null })}
          history={today365}
          error={errors.filters}
          onChange={(filters) => change({ filters })}
        />
        <fieldset className="segmented">
          <legend>{t('goalForm.targetMode')}</legend>
          {(['absolute', 'relative'] as const).map((mode) => (
            <label key={mode}>
              <input
                type="radio"
                name="targetMode"
                value={mode}
                checked={form.targetMode === mode}
                onChange={() => change({ targetMode: mode })}
              />
              <span>{t(`goalForm.mode.${mode}`)}</span>
            </label>
          ))}
        </fieldset>
        {form.targetMode === 'absolute' ? (
          <Field name="target" label={t('goalForm.target')} hint={targetHint} error={errors.target}>
            {(props) => (
              <input
                {...props}
                type="number"
                step="any"
                dir="ltr"
                value={form.target}
                onChange={(e) => change({ target: e.target.value })}
              />
            )}
          </Field>
        ) : (
          <Field
            name="target"
            label={t('goalForm.change')}
            hint={t('goalForm.changeHint')}
            error={errors.target}
          >
            {(props) => (
              <input
                {...props}
                type="number"
                step="any"
                dir="ltr"
                value={form.change}
                onChange={(e) => change({ change: e.target.value })}
              />
            )}
          </Field>
        )}
        <Field name="direction" label={t('goalForm.direction')} error={errors.direction}>
          {(props) => (
            <select
              {...props}
              value={form.direction}
              onChange={(e) => change({ direction: e.target.value as GoalDirection })}
            >
              {directions.map((direction) => (
                <option key={direction} value={direction}>
                  {t(`goalForm.directions.${direction}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <div className="field-row">
          <Field name="start" label={t('goalForm.start')} error={errors.start}>
            {(props) => (
              <input
                {...props}
                type="date"
                value={form.start}
                onChange={(e) => change({ start: e.target.value })}
              />
            )}
          </Field>
          <Field name="end" label={t('goalForm.end')} error={errors.end}>
            {(props) => (
              <input
                {...props}
                type="date"
                value={form.end}
                onChange={(e) => change({ end: e.target.value })}
              />
            )}
          </Field>
        </div>
        <Field name="kind" label={t('goalForm.kind')} error={errors.kind}>
          {(props) => (
            <select
              {...props}
              value={form.kind}
              onChange={(e) => change({ kind: e.target.value as FormState['kind'] })}
            >
              {kinds.map((kind) => (
                <option key={kind} value={kind}>
                  {t(`goalForm.kinds.${kind}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field name="checkinInterval" label={t('goalForm.checkinInterval')} error={errors.checkinInterval}>
          {(props) => (
            <select
              {...props}
              value={form.checkinInterval}
              onChange={(e) => change({ checkinInterval: e.target.value as CheckinInterval })}
            >
              {intervals.map((interval) => (
                <option key={interval} value={interval}>
                  {t(`goalForm.intervals.${interval}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <SplitSection
          choice={split}
          onChange={(next) => {
            setSplit(next);
            setPlanErrors(({ split: _, ...rest }) => rest);
          }}
          members={members}
          scopeIsRep={scope?.type === 'rep'}
          scopeLabel={scopes.find((option) => option.value === form.scope)?.label.trim() ?? ''}
          preview={preview}
          unit={unit}
          error={planErrors.split}
        />
        <FunnelSection
          preview={preview}
          metric={form.metric}
          choice={funnel}
          onChange={(next) => {
            setFunnel(next);
            setPlanErrors(({ funnel: _, ...rest }) => rest);
          }}
          canPerRep={scope?.type !== 'rep'}
          error={planErrors.funnel}
        />
        {failure ? <ErrorNotice error={failure} title={t('goalForm.saveFailed')} /> : null}
        <div className="form-actions">
          {savedDraft ? (
            <button type="submit" className="button primary" value="draft" disabled={saving}>
              {t('goalPlan.draftSave')}
            </button>
          ) : (
            <>
              <button type="submit" className="button" value="draft" disabled={saving}>
                {t('goalForm.saveDraft')}
              </button>
              <button type="submit" className="button primary" value="active" disabled={saving}>
                {t('goalForm.create')}
              </button>
            </>
          )}
        </div>
      </form>
      <SmartCoach check={check} onApply={applyPatch} unit={unit} />
    </div>
  );
}

/** A labelled input with its hint and the server's error, wired with aria-describedby. */
function Field({
  name,
  label,
  hint,
  error,
  children,
}: {
  name: FieldName;
  label: string;
  hint?: string | null;
  error?: string | undefined;
  children: (props: {
    id: string;
    name: string;
    'aria-invalid': boolean | undefined;
    'aria-describedby': string | undefined;
  }) => ReactNode;
}) {
  const id = useId();
  const described = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ');
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children({
        id,
        name,
        'aria-invalid': error ? true : undefined,
        'aria-describedby': described || undefined,
      })}
      {hint ? (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      {error ? (
        <p className="field-error" role="alert" id={`${id}-error`} data-field-error={name}>
          <span lang="en">{error}</span>
        </p>
      ) : null}
    </div>
  );
}

type CoachState = Loadable<SmartCheck> & { checking?: boolean };

/** The draft judged by POST /api/goals/check once typing pauses; a newer draft cancels the older request. */
function useSmartCheck(draft: ReturnType<typeof draftOf>): CoachState {
  const [state, setState] = useState<CoachState>({ status: 'loading' });
  const body = JSON.stringify(draft);
  useEffect(() => {
    const abort = new AbortController();
    setState((previous) => ({ ...previous, checking: true }));
    const timer = window.setTimeout(() => {
      sendJson<SmartCheck>('POST', '/api/goals/check', JSON.parse(body), abort.signal).then(
        (data) => {
          if (!abort.signal.aborted) setState({ status: 'ready', data });
        },
        (error: unknown) => {
          if (!abort.signal.aborted) setState({ status: 'failed', error: asApiError(error) });
        },
      );
    }, checkDelayMs);
    return () => {
      window.clearTimeout(timer);
      abort.abort();
    };
  }, [body]);
  return state;
}

function SmartCoach({
  check,
  onApply,
  unit,
}: {
  check: CoachState;
  onApply: (patch: SmartPatch) => void;
  unit: Unit | undefined;
}) {
  const { t } = useTranslation();
  return (
    <aside
      className="card smart-coach"
      aria-labelledby="coach-title"
      data-checking={check.checking ? 'true' : 'false'}
    >
      <h2 id="coach-title">{t('goalForm.coachTitle')}</h2>
      <p className="hint">{t('goalForm.coachHint')}</p>
      {check.status === 'loading' ? <Loading label={t('smart.loading')} /> : null}
      {check.status === 'failed' ? (
        <ErrorNotice error={check.error} title={t('goalForm.checkFailed')} />
      ) : null}
      {check.status === 'ready' ? (
        <>
          <p aria-live="polite">
            {t('smart.overall')} <VerdictBadge verdict={check.data.overall} />
          </p>
          <ul className="verdicts">
            {check.data.verdicts.map((verdict) => (
              <Criterion key={verdict.criterion} verdict={verdict} onApply={onApply} unit={unit} />
            ))}
          </ul>
        </>
      ) : null}
    </aside>
  );
}

function Criterion({
  verdict,
  onApply,
  unit,
}: {
  verdict: SmartVerdict;
  onApply: (patch: SmartPatch) => void;
  unit: Unit | undefined;
}) {
  const { t } = useTranslation();
  const { language, format } = usePreferences();
  const { org } = useSignedIn();
  const patch = verdict.patch;
  // The form has no stretch target, so only a target or a period can be applied.
  const applicable = patch && (patch.target !== undefined || patch.period !== undefined);
  const data = verdict.data;
  return (
    <li data-criterion={verdict.criterion} data-verdict={verdict.verdict}>
      <p className="verdict-head">
        <strong className="criterion-name">{t(`goalForm.criteria.${verdict.criterion}`)}</strong>{' '}
        <VerdictBadge verdict={verdict.verdict} />
      </p>
      <p className="criterion-reason">{verdict.reason[language]}</p>
      {verdict.fix ? <p className="muted criterion-fix">{verdict.fix[language]}</p> : null}
      {data?.label !== undefined || data?.probability !== undefined ? (
        <p className="hint">
          {data.label ? t(`goalForm.labels.${data.label}`) : null}
          {data.label && data.probability !== undefined ? ' · ' : null}
          {data.probability !== undefined
            ? t('goalForm.probability', { probability: format.percent(data.probability) })
            : null}
          {data.suggestedTarget !== undefined && unit
            ? ` · ${t('goalForm.suggested', { target: format.metric(data.suggestedTarget, unit, org.currency) })}`
            : null}
        </p>
      ) : null}
      {applicable ? (
        <button type="button" className="button" onClick={() => onApply(patch)}>
          {t('goalForm.useSuggestion')}
        </button>
      ) : null}
    </li>
  );
}
