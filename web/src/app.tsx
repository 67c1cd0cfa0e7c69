import { lazy, type ReactNode, Suspense, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorNotice, Loading } from './components/async.tsx';
import { DirectoryProvider } from './directory.tsx';
import { isFlowPath } from './flow.ts';
import { accountLinkPage } from './pages/account-links.tsx';
import { DashboardPage } from './pages/dashboard.tsx';
import { FirstRunPage } from './pages/first-run.tsx';
import { LoginPage } from './pages/login.tsx';
import { usePreferences } from './preferences.tsx';
import { Link, matchPath, usePath } from './router.tsx';
import { useSession } from './session.tsx';
import { useUnread } from './unread.ts';
import { asApiError } from './use-api.ts';

// The dashboard is the landing screen and ships in the first bundle; the rest load when visited.
const GoalPage = lazy(() => import('./pages/goal.tsx').then((m) => ({ default: m.GoalPage })));
const GoalsPage = lazy(() => import('./pages/goals.tsx').then((m) => ({ default: m.GoalsPage })));
const NewGoalPage = lazy(() => import('./pages/goal-new.tsx').then((m) => ({ default: m.NewGoalPage })));
const DrillPage = lazy(() => import('./pages/drill.tsx').then((m) => ({ default: m.DrillPage })));
const DataPage = lazy(() => import('./pages/data.tsx').then((m) => ({ default: m.DataPage })));
const ImportPage = lazy(() => import('./pages/import.tsx').then((m) => ({ default: m.ImportPage })));
const NotificationsPage = lazy(() =>
  import('./pages/notifications.tsx').then((m) => ({ default: m.NotificationsPage })),
);
const FlowPage = lazy(() => import('./pages/flow.tsx').then((m) => ({ default: m.FlowPage })));
const SettingsPage = lazy(() => import('./pages/settings.tsx').then((m) => ({ default: m.SettingsPage })));
const TeamsPage = lazy(() => import('./pages/teams.tsx').then((m) => ({ default: m.TeamsPage })));
const PeoplePage = lazy(() => import('./pages/people.tsx').then((m) => ({ default: m.PeoplePage })));
const AuditPage = lazy(() => import('./pages/audit.tsx').then((m) => ({ default: m.AuditPage })));

type NavId = 'dashboard' | 'goals' | 'data' | 'notifications' | 'settings';

const navItems: Array<{ id: NavId; path: string }> = [
  { id: 'dashboard', path: '/' },
  { id: 'goals', path: '/goals' },
  { id: 'data', path: '/data' },
  { id: 'notifications', path: '/notifications' },
  { id: 'settings', path: '/settings' },
];

/** The nav item a path belongs to: a goal page under Goals, the drill-down under Dashboard. */
function sectionOf(path: string): NavId | undefined {
  if (path === '/' || path === '/drill') return 'dashboard';
  if (path === '/goals' || path.startsWith('/goals/')) return 'goals';
  return navItems.find((item) => item.path === path)?.id;
}

export function App() {
  const { t } = useTranslation();
  const { state, retry } = useSession();
  const path = usePath();

  // After an in-app navigation, move focus to the new page's heading so screen readers announce it.
  const mainRef = useRef<HTMLElement>(null);
  const previousPath = useRef(path);
  useEffect(() => {
    if (previousPath.current === path) return;
    previousPath.current = path;
    mainRef.current?.querySelector<HTMLElement>('h1')?.focus();
  }, [path]);

  const signedIn = state.status === 'signedIn';
  let content: ReactNode;
  switch (state.status) {
    case 'checking':
      content = <Loading label={t('session.checking')} />;
      break;
    case 'failed':
      content = (
        <section className="page">
          <h1 tabIndex={-1}>{t('session.failedTitle')}</h1>
          <ErrorNotice error={state.error} onRetry={retry} />
        </section>
      );
      break;
    case 'needsSetup':
      content = <FirstRunPage />;
      break;
    case 'signedOut':
      // The e-mailed links (invitation, password reset) and "forgot password" work signed out.
      content = accountLinkPage(path) ?? <LoginPage reason={state.reason} />;
      break;
    case 'signedIn':
      content = (
        <Suspense fallback={<Loading />}>
          <Route path={path} />
        </Suspense>
      );
      break;
  }

  const shell = (
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
              {state.status === 'signedIn' ? state.org.name : ''}
            </p>
          </div>
        </div>
        {signedIn ? <MainNav path={path} /> : <div className="main-nav" />}
        <div className="tools">
          <LanguageSwitch />
          {state.status === 'signedIn' ? <UserMenu name={state.user.name} /> : null}
        </div>
      </header>
      <main id="main" ref={mainRef} tabIndex={-1}>
        {content}
      </main>
    </>
  );
  return signedIn ? <DirectoryProvider>{shell}</DirectoryProvider> : shell;
}

function Route({ path }: { path: string }) {
  const accountPage = accountLinkPage(path);
  if (accountPage) return accountPage;
  if (path === '/goals/new') return <NewGoalPage />;
  if (isFlowPath(path)) return <FlowPage path={path} />;
  const goal = matchPath('/goals/:id', path);
  if (goal) {
    const id = Number(goal.id);
    return Number.isSafeInteger(id) && id > 0 ? <GoalPage key={id} id={id} /> : <NotFound path={path} />;
  }
  switch (path) {
    case '/':
      return <DashboardPage />;
    case '/goals':
      return <GoalsPage />;
    case '/drill':
      return <DrillPage />;
    case '/data':
      return <DataPage />;
    case '/data/import':
      return <ImportPage />;
    case '/notifications':
      return <NotificationsPage />;
    case '/settings':
      return <SettingsPage />;
    case '/teams':
      return <TeamsPage />;
    case '/people':
      return <PeoplePage />;
    case '/audit':
      return <AuditPage />;
    default:
      return <NotFound path={path} />;
  }
}

function MainNav({ path }: { path: string }) {
  const { t } = useTranslation();
  const { format } = usePreferences();
  const unread = useUnread(path);
  const current = sectionOf(path);
  return (
    <nav className="main-nav" aria-label={t('nav.label')}>
      <ul>
        {navItems.map((item) => (
          <li key={item.id}>
            <Link to={item.path} aria-current={item.id === current ? 'page' : undefined}>
              {t(`nav.${item.id}`)}
              {item.id === 'notifications' && unread ? (
                <span className="count" data-testid="unread-count">
                  <span className="visually-hidden">{t('nav.unreadBefore')}</span>
                  {format.number(unread)}
                  <span className="visually-hidden">{t('nav.unreadAfter')}</span>
                </span>
              ) : null}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}

function UserMenu({ name }: { name: string }) {
  const { t } = useTranslation();
  const { logOut } = useSession();
  const [error, setError] = useState<ReturnType<typeof asApiError> | null>(null);
  return (
    <div className="user-menu">
      <span className="user-name" data-testid="user-name">
        {name}
      </span>
      <button
        type="button"
        className="button"
        onClick={() => {
          setError(null);
          logOut().catch((failure: unknown) => setError(asApiError(failure)));
        }}
      >
        {t('session.logOut')}
      </button>
      {error ? <ErrorNotice error={error} title={t('session.logOutFailed')} /> : null}
    </div>
  );
}

function NotFound({ path }: { path: string }) {
  const { t } = useTranslation();
  return (
    <section className="page">
      <h1 tabIndex={-1}>{t('notFound.title')}</h1>
      <p>{t('notFound.body', { path })}</p>
      <p>
        <Link to="/">{t('notFound.back')}</Link>
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
