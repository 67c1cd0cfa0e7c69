import { type FormEvent, useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../api.ts';
import { ErrorNotice } from '../components/async.tsx';
import { usePreferences } from '../preferences.tsx';
import { type SignUpInput, useSession } from '../session.tsx';
import { asApiError } from '../use-api.ts';

const currencies = ['SAR', 'AED', 'KWD', 'QAR', 'BHD', 'OMR', 'EGP', 'JOD', 'USD', 'EUR', 'GBP'];

/** "Nakhla Software" → "nakhla-software": lower-case letters, digits and inner hyphens. */
function slugOf(name: string): string {
  return name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
}

function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

/** First run: nobody can sign in yet, so this creates the organisation and its first admin. */
export function FirstRunPage() {
  const { t } = useTranslation();
  const { signUp } = useSession();
  const { format } = usePreferences();
  const timeZones = useMemo(() => Intl.supportedValuesOf('timeZone'), []);
  const [form, setForm] = useState<SignUpInput>({
    orgName: '',
    orgSlug: '',
    currency: 'SAR',
    timeZone: browserTimeZone(),
    name: '',
    email: '',
    password: '',
  });
  const [slugEdited, setSlugEdited] = useState(false);
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const ids = {
    orgName: useId(),
    orgSlug: useId(),
    currency: useId(),
    timeZone: useId(),
    name: useId(),
    email: useId(),
    password: useId(),
    slugHint: useId(),
    passwordHint: useId(),
  };
  const set = (field: keyof SignUpInput, value: string) =>
    setForm((current) => {
      const next = { ...current, [field]: value };
      if (field === 'orgName' && !slugEdited) next.orgSlug = slugOf(value);
      return next;
    });
  const invalid = (field: keyof SignUpInput) => (error?.field === field ? true : undefined);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSending(true);
    setError(null);
    try {
      await signUp({
        ...form,
        email: form.email.trim(),
        orgName: form.orgName.trim(),
        name: form.name.trim(),
      });
    } catch (failure) {
      setError(asApiError(failure));
      setSending(false);
    }
  };

  return (
    <section className="page auth-page" data-page="first-run">
      <h1 tabIndex={-1}>{t('firstRun.title')}</h1>
      <p className="lead">{t('firstRun.lead')}</p>
      <form className="form card" onSubmit={submit} noValidate>
        <fieldset>
          <legend>{t('firstRun.organisation')}</legend>
          <label htmlFor={ids.orgName}>{t('firstRun.orgName')}</label>
          <input
            id={ids.orgName}
            required
            maxLength={200}
            value={form.orgName}
            onChange={(e) => set('orgName', e.target.value)}
            aria-invalid={invalid('orgName')}
          />
          <label htmlFor={ids.orgSlug}>{t('firstRun.orgSlug')}</label>
          <input
            id={ids.orgSlug}
            required
            maxLength={40}
            pattern="[a-z0-9](?:[a-z0-9\-]{0,38}[a-z0-9])?"
            dir="ltr"
            value={form.orgSlug}
            onChange={(e) => {
              setSlugEdited(true);
              set('orgSlug', e.target.value);
            }}
            aria-describedby={ids.slugHint}
            aria-invalid={invalid('orgSlug')}
          />
          <p className="hint" id={ids.slugHint}>
            {t('firstRun.orgSlugHint')}
          </p>
          <label htmlFor={ids.currency}>{t('firstRun.currency')}</label>
          <select id={ids.currency} value={form.currency} onChange={(e) => set('currency', e.target.value)}>
            {currencies.map((code) => (
              <option key={code} value={code}>
                {t('org.currencyValue', { name: format.currencyName(code), code })}
              </option>
            ))}
          </select>
          <label htmlFor={ids.timeZone}>{t('firstRun.timeZone')}</label>
          <select id={ids.timeZone} value={form.timeZone} onChange={(e) => set('timeZone', e.target.value)}>
            {(timeZones.includes(form.timeZone) ? timeZones : [form.timeZone, ...timeZones]).map((zone) => (
              <option key={zone} value={zone}>
                {zone}
              </option>
            ))}
          </select>
        </fieldset>
        <fieldset>
          <legend>{t('firstRun.admin')}</legend>
          <label htmlFor={ids.name}>{t('firstRun.name')}</label>
          <input
            id={ids.name}
            required
            maxLength={200}
            autoComplete="name"
            value={form.name}
            onChange={(e) => set('name', e.target.value)}
            aria-invalid={invalid('name')}
          />
          <label htmlFor={ids.email}>{t('login.email')}</label>
          <input
            id={ids.email}
            type="email"
            required
            autoComplete="email"
            value={form.email}
            onChange={(e) => set('email', e.target.value)}
            aria-invalid={invalid('email')}
          />
          <label htmlFor={ids.password}>{t('login.password')}</label>
          <input
            id={ids.password}
            type="password"
            required
            minLength={10}
            autoComplete="new-password"
            value={form.password}
            onChange={(e) => set('password', e.target.value)}
            aria-describedby={ids.passwordHint}
            aria-invalid={invalid('password')}
          />
          <p className="hint" id={ids.passwordHint}>
            {t('firstRun.passwordHint')}
          </p>
        </fieldset>
        <button type="submit" className="button primary" disabled={sending}>
          {sending ? t('firstRun.creating') : t('firstRun.submit')}
        </button>
        {error ? <ErrorNotice error={error} title={t('firstRun.failed')} /> : null}
      </form>
    </section>
  );
}
