import { type FormEvent, type ReactNode, useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type ApiError, sendJson } from '../api.ts';
import { Async, ErrorNotice } from '../components/async.tsx';
import { PeopleLinks } from '../components/people-nav.tsx';
import type { Digits, Language } from '../format.ts';
import { usePreferences } from '../preferences.tsx';
import { useSignedIn } from '../session.tsx';
import { asApiError, useApi } from '../use-api.ts';

const weekdays = [0, 1, 2, 3, 4, 5, 6];
const months = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];

/** GET/PUT /api/org/settings. */
interface OrgSettingsView {
  name: string;
  currency: string;
  timeZone: string;
  fiscalYearStartMonth: number;
  weekStart: number;
  workingDays: number[];
  settings: {
    grossMargin: number;
    atRiskBelow: number;
    offTrackBelow: number;
    touchMonthlyForMonths: number;
    touchEveryDaysAfter: number;
  };
}

/** The form keeps percentages as typed text; the API takes fractions. */
interface OrgForm {
  name: string;
  currency: string;
  timeZone: string;
  fiscalYearStartMonth: number;
  weekStart: number;
  workingDays: number[];
  atRiskBelow: string;
  offTrackBelow: string;
  grossMargin: string;
}

// 0.57 * 100 is 56.99999999999999 in floating point; two decimals are plenty for a threshold.
const asPercent = (fraction: number) => String(Math.round(fraction * 10_000) / 100);
const asFraction = (percent: string) => Number(percent.trim()) / 100;

function formOf(view: OrgSettingsView): OrgForm {
  return {
    name: view.name,
    currency: view.currency,
    timeZone: view.timeZone,
    fiscalYearStartMonth: view.fiscalYearStartMonth,
    weekStart: view.weekStart,
    workingDays: view.workingDays,
    atRiskBelow: asPercent(view.settings.atRiskBelow),
    offTrackBelow: asPercent(view.settings.offTrackBelow),
    grossMargin: asPercent(view.settings.grossMargin),
  };
}

/** The days of the week in the order the org's week runs. */
const inWeekOrder = (weekStart: number) => weekdays.map((offset) => (weekStart + offset) % 7);

/** Your language and digits (kept in this browser), and the organisation's calendar and thresholds. */
export function SettingsPage() {
  const { t } = useTranslation();
  const { language, setLanguage, digits, setDigits, format } = usePreferences();
  const { org, user } = useSignedIn();
  const { state, reload } = useApi<OrgSettingsView>('/api/org/settings');
  const languageName = useId();
  const digitsName = useId();
  const weekdayName = (day: number) =>
    new Intl.DateTimeFormat(language, { weekday: 'long', timeZone: 'UTC' }).format(
      Date.UTC(2023, 0, 1 + day),
    );
  const languages: Array<{ id: Language; label: string }> = [
    { id: 'en', label: 'English' },
    { id: 'ar', label: 'العربية' },
  ];
  const digitOptions: Digits[] = ['latn', 'arab'];
  const isAdmin = user.role === 'admin';

  return (
    <section className="page" data-page="settings">
      <h1 tabIndex={-1}>{t('settings.title')}</h1>
      <section className="section card" aria-labelledby="you-title">
        <h2 id="you-title">{t('settings.you')}</h2>
        <p className="muted">{t('settings.youHint', { name: user.name })}</p>
        <fieldset className="segmented">
          <legend>{t('settings.language')}</legend>
          {languages.map((option) => (
            <label key={option.id}>
              <input
                type="radio"
                name={languageName}
                checked={language === option.id}
                onChange={() => setLanguage(option.id)}
              />
              <span lang={option.id}>{option.label}</span>
            </label>
          ))}
        </fieldset>
        <fieldset className="segmented">
          <legend>{t('digits.label')}</legend>
          {digitOptions.map((option) => (
            <label key={option}>
              <input
                type="radio"
                name={digitsName}
                checked={digits === option}
                onChange={() => setDigits(option)}
              />
              <span>{t(`digits.${option}`)}</span>
            </label>
          ))}
        </fieldset>
        <p data-testid="digits-sample">
          {t('settings.sample', { sample: format.money(12345678, org.currency) })}
        </p>
      </section>
      <PeopleLinks />
      <section className="section card" aria-labelledby="org-title">
        <h2 id="org-title">{t('settings.org', { org: org.name })}</h2>
        {isAdmin ? <p className="muted">{t('settings.orgAdminHint')}</p> : null}
        <Async state={state} onRetry={reload}>
          {(view) =>
            isAdmin ? (
              <OrgSettingsForm view={view} weekdayName={weekdayName} />
            ) : (
              <dl className="facts">
                <div>
                  <dt>{t('org.currency')}</dt>
                  <dd>
                    {t('org.currencyValue', {
                      name: format.currencyName(view.currency),
                      code: view.currency,
                    })}
                  </dd>
                </div>
                <div>
                  <dt>{t('org.timeZone')}</dt>
                  <dd>
                    <bdi dir="ltr">{view.timeZone}</bdi>
                  </dd>
                </div>
                <div>
                  <dt>{t('org.fiscalYearStart')}</dt>
                  <dd>{format.monthName(view.fiscalYearStartMonth)}</dd>
                </div>
                <div>
                  <dt>{t('org.weekStart')}</dt>
                  <dd>{weekdayName(view.weekStart)}</dd>
                </div>
                <div>
                  <dt>{t('org.workingDays')}</dt>
                  <dd>
                    {inWeekOrder(view.weekStart)
                      .filter((day) => view.workingDays.includes(day))
                      .map(weekdayName)
                      .join(t('common.listSeparator'))}
                  </dd>
                </div>
                <div>
                  <dt>{t('org.atRiskBelow')}</dt>
                  <dd>{t('org.ofPace', { percent: format.percent(view.settings.atRiskBelow, 2) })}</dd>
                </div>
                <div>
                  <dt>{t('org.offTrackBelow')}</dt>
                  <dd>{t('org.ofPace', { percent: format.percent(view.settings.offTrackBelow, 2) })}</dd>
                </div>
                <div>
                  <dt>{t('org.grossMargin')}</dt>
                  <dd>{format.percent(view.settings.grossMargin, 2)}</dd>
                </div>
              </dl>
            )
          }
        </Async>
      </section>
    </section>
  );
}

/** The server names the field it rejected, e.g. "settings.offTrackBelow" or "workingDays.0". */
const formFieldOf = (field: string | undefined): keyof OrgForm | null => {
  if (!field) return null;
  const [head, sub] = field.split('.');
  const name = head === 'settings' ? sub : head;
  const known: Array<keyof OrgForm> = [
    'name',
    'currency',
    'timeZone',
    'fiscalYearStartMonth',
    'weekStart',
    'workingDays',
    'atRiskBelow',
    'offTrackBelow',
    'grossMargin',
  ];
  return known.find((key) => key === name) ?? null;
};

function OrgSettingsForm({
  view,
  weekdayName,
}: {
  view: OrgSettingsView;
  weekdayName: (day: number) => string;
}) {
  const { t } = useTranslation();
  const { format } = usePreferences();
  const { refreshOrg } = useSignedIn();
  const timeZones = useMemo(() => Intl.supportedValuesOf('timeZone'), []);
  const [form, setForm] = useState<OrgForm>(() => formOf(view));
  const [sending, setSending] = useState(false);
  const [result, setResult] = useState<{ ok: true } | { ok: false; error: ApiError } | null>(null);
  const ids = {
    name: useId(),
    currency: useId(),
    timeZone: useId(),
    fiscalYearStartMonth: useId(),
    weekStart: useId(),
    workingDays: useId(),
    atRiskBelow: useId(),
    offTrackBelow: useId(),
    grossMargin: useId(),
    currencyHint: useId(),
    thresholdsHint: useId(),
  };
  const failure = result && !result.ok ? result.error : null;
  const failedField = formFieldOf(failure?.field);
  const errorId = (field: keyof OrgForm) => `${ids[field]}-error`;
  const invalid = (field: keyof OrgForm) => (failedField === field ? true : undefined);
  const describedBy = (field: keyof OrgForm, hint?: string) =>
    [hint, failedField === field ? errorId(field) : undefined].filter(Boolean).join(' ') || undefined;
  /** The server's own words, next to the field they are about. */
  const fieldError = (field: keyof OrgForm): ReactNode =>
    failure && failedField === field ? (
      <p className="field-error" role="alert" id={errorId(field)}>
        <span lang="en">{failure.message}</span>
      </p>
    ) : null;
  const set = <K extends keyof OrgForm>(field: K, value: OrgForm[K]) =>
    setForm((current) => ({ ...current, [field]: value }));
  const toggleDay = (day: number, on: boolean) =>
    set(
      'workingDays',
      on ? [...form.workingDays, day].sort((a, b) => a - b) : form.workingDays.filter((d) => d !== day),
    );

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSending(true);
    setResult(null);
    try {
      const saved = await sendJson<OrgSettingsView>('PUT', '/api/org/settings', {
        name: form.name.trim(),
        currency: form.currency.trim().toUpperCase(),
        timeZone: form.timeZone,
        fiscalYearStartMonth: form.fiscalYearStartMonth,
        weekStart: form.weekStart,
        workingDays: form.workingDays,
        settings: {
          atRiskBelow: asFraction(form.atRiskBelow),
          offTrackBelow: asFraction(form.offTrackBelow),
          grossMargin: asFraction(form.grossMargin),
        },
      });
      setForm(formOf(saved));
      setResult({ ok: true });
      await refreshOrg();
    } catch (error) {
      setResult({ ok: false, error: asApiError(error) });
    } finally {
      setSending(false);
    }
  };

  const percentInput = (field: 'atRiskBelow' | 'offTrackBelow' | 'grossMargin', max: number) => (
    <input
      id={ids[field]}
      type="number"
      inputMode="decimal"
      min={0}
      max={max}
      step="any"
      dir="ltr"
      required
      value={form[field]}
      onChange={(e) => set(field, e.target.value)}
      aria-invalid={invalid(field)}
      aria-describedby={describedBy(field, field === 'grossMargin' ? undefined : ids.thresholdsHint)}
    />
  );

  return (
    <form className="form" onSubmit={submit} noValidate data-testid="org-settings-form">
      <fieldset>
        <legend>{t('settings.calendar')}</legend>
        <label htmlFor={ids.name}>{t('settings.orgName')}</label>
        <input
          id={ids.name}
          required
          maxLength={200}
          value={form.name}
          onChange={(e) => set('name', e.target.value)}
          aria-invalid={invalid('name')}
          aria-describedby={describedBy('name')}
        />
        {fieldError('name')}
        <label htmlFor={ids.currency}>{t('org.currency')}</label>
        <input
          id={ids.currency}
          required
          maxLength={3}
          pattern="[A-Z]{3}"
          dir="ltr"
          autoCapitalize="characters"
          value={form.currency}
          onChange={(e) => set('currency', e.target.value.toUpperCase())}
          aria-invalid={invalid('currency')}
          aria-describedby={describedBy('currency', ids.currencyHint)}
        />
        <p className="hint" id={ids.currencyHint}>
          {t('settings.currencyHint')}
        </p>
        {fieldError('currency')}
        <label htmlFor={ids.timeZone}>{t('org.timeZone')}</label>
        <select
          id={ids.timeZone}
          value={form.timeZone}
          onChange={(e) => set('timeZone', e.target.value)}
          aria-invalid={invalid('timeZone')}
          aria-describedby={describedBy('timeZone')}
        >
          {(timeZones.includes(form.timeZone) ? timeZones : [form.timeZone, ...timeZones]).map((zone) => (
            <option key={zone} value={zone}>
              {zone}
            </option>
          ))}
        </select>
        {fieldError('timeZone')}
        <label htmlFor={ids.fiscalYearStartMonth}>{t('org.fiscalYearStart')}</label>
        <select
          id={ids.fiscalYearStartMonth}
          value={form.fiscalYearStartMonth}
          onChange={(e) => set('fiscalYearStartMonth', Number(e.target.value))}
          aria-invalid={invalid('fiscalYearStartMonth')}
          aria-describedby={describedBy('fiscalYearStartMonth')}
        >
          {months.map((month) => (
            <option key={month} value={month}>
              {format.monthName(month)}
            </option>
          ))}
        </select>
        {fieldError('fiscalYearStartMonth')}
        <label htmlFor={ids.weekStart}>{t('org.weekStart')}</label>
        <select
          id={ids.weekStart}
          value={form.weekStart}
          onChange={(e) => set('weekStart', Number(e.target.value))}
          aria-invalid={invalid('weekStart')}
          aria-describedby={describedBy('weekStart')}
        >
          {weekdays.map((day) => (
            <option key={day} value={day}>
              {weekdayName(day)}
            </option>
          ))}
        </select>
        {fieldError('weekStart')}
      </fieldset>
      <fieldset
        className="working-days"
        aria-invalid={invalid('workingDays')}
        aria-describedby={describedBy('workingDays')}
      >
        <legend>{t('org.workingDays')}</legend>
        {inWeekOrder(form.weekStart).map((day) => (
          <label key={day} className="checkbox">
            <input
              type="checkbox"
              checked={form.workingDays.includes(day)}
              onChange={(e) => toggleDay(day, e.target.checked)}
            />
            <span>{weekdayName(day)}</span>
          </label>
        ))}
        {fieldError('workingDays')}
      </fieldset>
      <fieldset>
        <legend>{t('settings.thresholds')}</legend>
        <p className="hint" id={ids.thresholdsHint}>
          {t('settings.thresholdsHint')}
        </p>
        <label htmlFor={ids.atRiskBelow}>{t('settings.atRiskBelow')}</label>
        {percentInput('atRiskBelow', 200)}
        {fieldError('atRiskBelow')}
        <label htmlFor={ids.offTrackBelow}>{t('settings.offTrackBelow')}</label>
        {percentInput('offTrackBelow', 200)}
        {fieldError('offTrackBelow')}
        <label htmlFor={ids.grossMargin}>{t('settings.grossMargin')}</label>
        {percentInput('grossMargin', 100)}
        {fieldError('grossMargin')}
      </fieldset>
      <button type="submit" className="button primary" disabled={sending}>
        {sending ? t('settings.saving') : t('settings.save')}
      </button>
      <div aria-live="polite">{result?.ok ? <p className="success">{t('settings.saved')}</p> : null}</div>
      {failure && !failedField ? <ErrorNotice error={failure} title={t('settings.saveFailed')} /> : null}
    </form>
  );
}
