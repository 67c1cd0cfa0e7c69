import { useEffect, useRef } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { OrgFacts } from './org-facts.tsx';
import { type PageId, Placeholder } from './pages/placeholder.tsx';
import { usePreferences } from './preferences.tsx';
import { Link, usePath } from './router.tsx';
import { type OrgState, useOrg } from './use-org.ts';

const navItems = [
  { id: 'dashboard', path: '/' },
  { id: 'goals', path: '/goals' },
  { id: 'data', path: '/data' },
] as const satisfies ReadonlyArray<{ id: PageId; path: string }>;

/** Commands shown verbatim in messages; they are code, not prose to translate. */
const commands = { command: 'npx hadaf demo', start: 'npm start' };

export function App() {
  const { t } = useTranslation();
  const path = usePath();
  const { state, retry } = useOrg();
  const page = navItems.find((item) => item.path === path)?.id;

  // After an in-app navigation, move focus to the new page's heading so screen readers announce it.
  const mainRef = useRef<HTMLElement>(null);
  const previousPath = useRef(path);
  useEffect(() => {
    if (previousPath.current === path) return;
    previousPath.current = path;
    mainRef.current?.querySelector<HTMLElement>('h1')?.focus();
  }, [path]);

  return (
    <>
      <a className="skip-link" href="#main">
        {t('skipToContent')}
      </a>
      <header className="app-header">
        <div className="brand">
          <TargetIcon />
          <div>
            <p className="brand-name">{t('app.name')}</p>
            <p className="org-name" data-testid="org-name">
              {state.status === 'ready'
                ? state.org.name
                : state.status === 'loading'
                  ? t('org.loadingShort')
                  : ''}
            </p>
          </div>
        </div>
        <nav className="main-nav" aria-label={t('nav.label')}>
          <ul>
            {navItems.map((item) => (
              <li key={item.id}>
                <Link to={item.path} aria-current={item.id === page ? 'page' : undefined}>
                  {t(`nav.${item.id}`)}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div className="tools">
          <DigitsSelect />
          <LanguageSwitch />
        </div>
      </header>
      <main id="main" ref={mainRef} tabIndex={-1}>
        <MainContent state={state} retry={retry} page={page} path={path} />
      </main>
    </>
  );
}

function MainContent({
  state,
  retry,
  page,
  path,
}: {
  state: OrgState;
  retry: () => void;
  page: PageId | undefined;
  path: string;
}) {
  const { t } = useTranslation();
  switch (state.status) {
    case 'loading':
      return (
        <p className="status" role="status">
          {t('org.loading')}
        </p>
      );
    case 'missing':
      return (
        <section className="notice">
          <h1 tabIndex={-1}>{t('org.missingTitle')}</h1>
          <p>
            <Trans i18nKey="org.missingBody" values={commands} components={{ code: <code /> }} />
          </p>
        </section>
      );
    case 'failed':
      return (
        <section className="notice notice-error" role="alert">
          <h1 tabIndex={-1}>{t('org.errorTitle')}</h1>
          <p>
            {state.error.status === 0 ? (
              <Trans i18nKey="org.unreachable" values={commands} components={{ code: <code /> }} />
            ) : (
              t('org.serverSaid', { status: state.error.status, message: state.error.message })
            )}
          </p>
          <button type="button" className="button" onClick={retry}>
            {t('org.retry')}
          </button>
        </section>
      );
    case 'ready':
      if (!page) return <NotFound path={path} />;
      return (
        <Placeholder page={page}>{page === 'dashboard' ? <OrgFacts org={state.org} /> : null}</Placeholder>
      );
  }
}

function NotFound({ path }: { path: string }) {
  const { t } = useTranslation();
  return (
    <section className="page">
      <h1 tabIndex={-1}>{t('pages.notFound.title')}</h1>
      <p>{t('pages.notFound.body', { path })}</p>
      <p>
        <Link to="/">{t('pages.notFound.back')}</Link>
      </p>
    </section>
  );
}

function LanguageSwitch() {
  const { t } = useTranslation();
  const { language, setLanguage } = usePreferences();
  const other = language === 'ar' ? 'en' : 'ar';
  // Named in the language it switches to, as people look for their own language's name.
  return (
    <button
      type="button"
      className="button language-switch"
      title={t('language.switchHint')}
      onClick={() => setLanguage(other)}
    >
      <span lang={other}>{t('language.otherName')}</span>
    </button>
  );
}

function DigitsSelect() {
  const { t } = useTranslation();
  const { digits, setDigits } = usePreferences();
  return (
    <label className="digits">
      <span>{t('digits.label')}</span>
      <select value={digits} onChange={(event) => setDigits(event.target.value === 'arab' ? 'arab' : 'latn')}>
        <option value="latn">{t('digits.latn')}</option>
        <option value="arab">{t('digits.arab')}</option>
      </select>
    </label>
  );
}

function TargetIcon() {
  return (
    <svg
      className="brand-mark"
      viewBox="0 0 32 32"
      width="32"
      height="32"
      aria-hidden="true"
      focusable="false"
    >
      <circle cx="16" cy="16" r="14" fill="none" stroke="currentColor" strokeWidth="3" />
      <circle cx="16" cy="16" r="8" fill="none" stroke="currentColor" strokeWidth="3" />
      <circle cx="16" cy="16" r="3" fill="currentColor" />
    </svg>
  );
}
