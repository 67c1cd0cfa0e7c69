import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { User } from '../api-types.ts';
import { type Directory, type Scope, scopeText } from '../directory.tsx';
import { dashboardHref } from '../links.ts';
import { Link } from '../router.tsx';

/**
 * Where in the team tree the dashboard stands, with links back up and a
 * choice of the teams and reps one level down. Reps move between their own
 * figures and their team's.
 */
export function ScopeSwitcher({
  scope,
  directory,
  user,
  orgName,
  hrefOf = dashboardHref,
  showBelow = true,
}: {
  scope: Scope;
  directory: Directory;
  user: User;
  orgName: string;
  hrefOf?: (scope: string) => string;
  /** The drill-down lists the level below itself, with figures. */
  showBelow?: boolean;
}) {
  const { t } = useTranslation();
  const belowId = useId();
  const crumbs: Array<{ scope: string; label: string }> = [];
  if (user.role === 'admin') crumbs.push({ scope: 'org', label: orgName });
  const team =
    scope.type === 'team'
      ? directory.team(scope.id)
      : scope.type === 'rep'
        ? directory.team(directory.user(scope.id)?.teamId)
        : undefined;
  if (team) {
    for (const step of directory.teamPath(team.id))
      crumbs.push({ scope: `team:${step.id}`, label: step.name });
  }
  if (scope.type === 'rep') {
    crumbs.push({ scope: scopeText(scope), label: directory.user(scope.id)?.name ?? t('scope.unknownRep') });
  }

  const below: Array<{ scope: string; label: string }> = [];
  if (user.role === 'rep') {
    if (scope.type === 'team') below.push({ scope: `rep:${user.id}`, label: t('scope.myFigures') });
  } else if (scope.type === 'org') {
    for (const top of directory.topTeams()) below.push({ scope: `team:${top.id}`, label: top.name });
  } else if (scope.type === 'team' && scope.id !== null) {
    for (const child of directory.childTeams(scope.id))
      below.push({ scope: `team:${child.id}`, label: child.name });
    for (const rep of directory.repsOf(scope.id)) below.push({ scope: `rep:${rep.id}`, label: rep.name });
  }

  return (
    <div className="scope-switcher">
      <nav aria-label={t('scope.label')}>
        <ol className="breadcrumb">
          {crumbs.map((crumb, index) => (
            <li key={crumb.scope}>
              {index === crumbs.length - 1 ? (
                <span aria-current="page">{crumb.label}</span>
              ) : (
                <Link to={hrefOf(crumb.scope)}>{crumb.label}</Link>
              )}
            </li>
          ))}
        </ol>
      </nav>
      {showBelow && below.length > 0 ? (
        <nav className="scope-below" aria-labelledby={belowId}>
          <span id={belowId}>{t('scope.goDown')}</span>
          <ul>
            {below.map((option) => (
              <li key={option.scope}>
                <Link className="chip" to={hrefOf(option.scope)}>
                  {option.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
      ) : null}
    </div>
  );
}
