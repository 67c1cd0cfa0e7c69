import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

export type PageId = 'dashboard' | 'goals' | 'data';

/** A screen that is not built yet: its title and one sentence on what it will hold. */
export function Placeholder({ page, children }: { page: PageId; children?: ReactNode }) {
  const { t } = useTranslation();
  return (
    <section className="page" data-page={page}>
      <div className="page-heading">
        <h1 tabIndex={-1}>{t(`pages.${page}.title`)}</h1>
        <span className="badge">{t('comingSoon')}</span>
      </div>
      <p className="lead">{t(`pages.${page}.body`)}</p>
      {children}
    </section>
  );
}
