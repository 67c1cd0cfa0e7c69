import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { Digits, Language } from '../format.ts';
import { usePreferences } from '../preferences.tsx';
import { useSignedIn } from '../session.tsx';

const weekdays = [0, 1, 2, 3, 4, 5, 6];

/** Your language and digits (kept in this browser), and the organisation's calendar. */
export function SettingsPage() {
  const { t } = useTranslation();
  const { language, setLanguage, digits, setDigits, format } = usePreferences();
  const { org, user } = useSignedIn();
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
      <section className="section card" aria-labelledby="org-title">
        <h2 id="org-title">{t('settings.org', { org: org.name })}</h2>
        <dl className="facts">
          <div>
            <dt>{t('org.currency')}</dt>
            <dd>{t('org.currencyValue', { name: format.currencyName(org.currency), code: org.currency })}</dd>
          </div>
          <div>
            <dt>{t('org.timeZone')}</dt>
            <dd>
              <bdi dir="ltr">{org.timeZone}</bdi>
            </dd>
          </div>
          <div>
            <dt>{t('org.fiscalYearStart')}</dt>
            <dd>{format.monthName(org.fiscalYearStartMonth)}</dd>
          </div>
          <div>
            <dt>{t('org.weekStart')}</dt>
            <dd>{weekdayName(org.weekStart)}</dd>
          </div>
          <div>
            <dt>{t('org.workingDays')}</dt>
            <dd>
              {weekdays
                .map((offset) => (org.weekStart + offset) % 7)
                .filter((day) => org.workingDays.includes(day))
                .map(weekdayName)
                .join(t('common.listSeparator'))}
            </dd>
          </div>
        </dl>
        <p className="muted">{t('settings.orgReadOnly')}</p>
      </section>
    </section>
  );
}
