import { useTranslation } from 'react-i18next';
import type { OrgInfo } from './api.ts';
import { dayIn } from './format.ts';
import { usePreferences } from './preferences.tsx';

/** The org's calendar settings, formatted in the user's language and digits. */
export function OrgFacts({ org }: { org: OrgInfo }) {
  const { t } = useTranslation();
  const { format } = usePreferences();
  return (
    <section className="card" aria-labelledby="org-facts-title">
      <h2 id="org-facts-title">{t('org.facts')}</h2>
      <dl className="facts">
        <div>
          <dt>{t('org.currency')}</dt>
          <dd>{t('org.currencyValue', { name: format.currencyName(org.currency), code: org.currency })}</dd>
        </div>
        <div>
          <dt>{t('org.timeZone')}</dt>
          <dd>{org.timeZone}</dd>
        </div>
        <div>
          <dt>{t('org.fiscalYearStart')}</dt>
          <dd>{format.monthName(org.fiscalYearStartMonth)}</dd>
        </div>
        <div>
          <dt>{t('org.today')}</dt>
          <dd data-testid="org-today">{format.day(dayIn(org.timeZone, Date.now()))}</dd>
        </div>
      </dl>
    </section>
  );
}
