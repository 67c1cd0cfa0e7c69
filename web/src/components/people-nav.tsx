import { useTranslation } from 'react-i18next';
import type { Role } from '../api-types.ts';
import { Link } from '../router.tsx';
import { useSignedIn } from '../session.tsx';

type PeopleSection = 'teams' | 'people' | 'audit';

const sections: Array<{ id: PeopleSection; path: string; roles: Role[] }> = [
  { id: 'teams', path: '/teams', roles: ['admin', 'manager'] },
  { id: 'people', path: '/people', roles: ['admin', 'manager'] },
  { id: 'audit', path: '/audit', roles: ['admin'] },
];

/** The people screens the signed-in user may open: admins all three, managers the team tree and people. */
function sectionsFor(role: Role) {
  return sections.filter((section) => section.roles.includes(role));
}

/** Tabs between the team tree, the people list and the audit log. */
export function PeopleTabs({ current }: { current: PeopleSection }) {
  const { t } = useTranslation();
  const { user } = useSignedIn();
  return (
    <nav className="people-tabs" aria-label={t('people.tabs.label')}>
      <ul>
        {sectionsFor(user.role).map((section) => (
          <li key={section.id}>
            <Link to={section.path} aria-current={section.id === current ? 'page' : undefined}>
              {t(`people.tabs.${section.id}`)}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** The way in from Settings: nothing for reps. */
export function PeopleLinks() {
  const { t } = useTranslation();
  const { user } = useSignedIn();
  const reachable = sectionsFor(user.role);
  if (reachable.length === 0) return null;
  return (
    <section className="section card" aria-labelledby="people-links-title" data-testid="people-links">
      <h2 id="people-links-title">{t('people.tabs.label')}</h2>
      <p className="muted">
        {t(user.role === 'admin' ? 'people.links.adminHint' : 'people.links.managerHint')}
      </p>
      <ul className="people-links">
        {reachable.map((section) => (
          <li key={section.id}>
            <Link to={section.path}>{t(`people.tabs.${section.id}`)}</Link>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** What a user whose role does not reach a people screen sees instead of it. */
export function NotAllowed({ title }: { title: string }) {
  const { t } = useTranslation();
  return (
    <section className="page" data-page="not-allowed">
      <h1 tabIndex={-1}>{title}</h1>
      <div className="notice notice-error" role="alert" data-testid="not-allowed">
        <p className="notice-title">{t('people.notAllowed.title')}</p>
        <p>{t('people.notAllowed.body')}</p>
        <p>
          <Link to="/">{t('people.notAllowed.back')}</Link>
        </p>
      </div>
    </section>
  );
}

/** Tree order: by path in code-point order ('/' sorts before digits), so each subtree is contiguous. */
export const byPath = (a: { path: string }, b: { path: string }) =>
  a.path < b.path ? -1 : a.path > b.path ? 1 : 0;

/** Teams in tree order, each name indented by its depth, for a select. */
export function teamOptions<T extends { id: number; name: string; path: string }>(teams: T[]) {
  return [...teams].sort(byPath).map((team) => ({
    id: team.id,
    label: `${'\u00a0\u00a0'.repeat(Math.max(0, team.path.split('/').length - 3))}${team.name}`,
  }));
}
