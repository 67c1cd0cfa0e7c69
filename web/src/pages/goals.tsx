import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { query } from '../api.ts';
import type { Goal, GoalStatus } from '../api-types.ts';
import { Empty, ErrorNotice, Loading } from '../components/async.tsx';
import { type Directory, useDirectory } from '../directory.tsx';
import { goalHref } from '../links.ts';
import { usePreferences } from '../preferences.tsx';
import { Link } from '../router.tsx';
import { useSignedIn } from '../session.tsx';
import { combine, type Loadable, useApi } from '../use-api.ts';

const statuses: GoalStatus[] = ['active', 'draft', 'achieved', 'missed', 'archived'];
const pageSize = 100;

/** Every goal the user may see, newest period first, by status. */
export function GoalsPage() {
  const { t } = useTranslation();
  const [status, setStatus] = useState<GoalStatus>('active');
  // Pages already shown stay on screen while the next one loads below them.
  const [earlier, setEarlier] = useState<Goal[]>([]);
  const [offset, setOffset] = useState(0);
  const selectId = useId();
  const directory = useDirectory();
  const { user } = useSignedIn();
  const { state, reload } = useApi<{ goals: Goal[] }>(
    `/api/goals${query({ status, limit: pageSize, offset: offset || undefined })}`,
  );
  return (
    <section className="page" data-page="goals">
      <div className="page-heading">
        <h1 tabIndex={-1}>{t('goals.title')}</h1>
        {user.role === 'rep' ? null : (
          <>
            <Link className="button primary" to="/goals/new">
              {t('goalForm.new')}
            </Link>
            <Link className="button" to="/plan">
              {t('flow.entry')}
            </Link>
          </>
        )}
        <label className="inline-field" htmlFor={selectId}>
          <span>{t('goals.status')}</span>
          <select
            id={selectId}
            value={status}
            onChange={(event) => {
              setStatus(event.target.value as GoalStatus);
              setEarlier([]);
              setOffset(0);
            }}
          >
            {statuses.map((option) => (
              <option key={option} value={option}>
                {t(`goalStatus.${option}`)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <GoalList
        earlier={earlier}
        state={combine(state, directory)}
        onRetry={reload}
        onMore={(shown) => {
          setEarlier(shown);
          setOffset((n) => n + pageSize);
        }}
      />
    </section>
  );
}

/** The pages shown so far as one table, the next one loading (or failing) below them. */
function GoalList({
  earlier,
  state,
  onRetry,
  onMore,
}: {
  earlier: Goal[];
  state: Loadable<[{ goals: Goal[] }, Directory]>;
  onRetry: () => void;
  onMore: (shown: Goal[]) => void;
}) {
  const { t } = useTranslation();
  const directory = useDirectory();
  const latest = state.status === 'ready' ? state.data[0].goals : [];
  const goals = [...earlier, ...latest];
  return (
    <>
      {goals.length > 0 && directory.status === 'ready' ? (
        <GoalTable goals={goals} directory={directory.data} />
      ) : null}
      {state.status === 'loading' ? <Loading label={t('goals.loading')} /> : null}
      {state.status === 'failed' ? <ErrorNotice error={state.error} onRetry={onRetry} /> : null}
      {state.status === 'ready' && goals.length === 0 ? <Empty>{t('goals.empty')}</Empty> : null}
      {latest.length === pageSize ? (
        <button type="button" className="button" onClick={() => onMore(goals)}>
          {t('goals.more')}
        </button>
      ) : null}
    </>
  );
}

function GoalTable({ goals, directory }: { goals: Goal[]; directory: Directory }) {
  const { t } = useTranslation();
  const { format, language } = usePreferences();
  const { org } = useSignedIn();
  const scopeLabel = (goal: Goal) =>
    goal.scope.type === 'org'
      ? org.name
      : goal.scope.type === 'team'
        ? (directory.team(goal.scope.id)?.name ?? t('scope.unknownTeam'))
        : (directory.user(goal.scope.id)?.name ?? t('scope.unknownRep'));
  return (
    <div className="table-scroll card">
      <table className="table">
        <thead>
          <tr>
            <th scope="col">{t('dashboard.goal')}</th>
            <th scope="col">{t('goals.metric')}</th>
            <th scope="col">{t('dashboard.unit')}</th>
            <th scope="col">{t('goals.period')}</th>
            <th scope="col" className="numeric">
              {t('goal.target')}
            </th>
          </tr>
        </thead>
        <tbody>
          {goals.map((goal) => {
            const metric = directory.metrics.get(goal.metric);
            return (
              <tr key={goal.id}>
                <td>
                  <Link to={goalHref(goal.id)}>
                    <bdi>{goal.title}</bdi>
                  </Link>
                </td>
                <td>{metric?.label[language] ?? goal.metric}</td>
                <td>{scopeLabel(goal)}</td>
                <td>
                  {t('goals.range', {
                    start: format.day(goal.period.start, 'medium'),
                    end: format.day(goal.period.end, 'medium'),
                  })}
                </td>
                <td className="numeric">
                  {metric
                    ? format.metric(goal.target, metric.unit, org.currency)
                    : format.number(goal.target)}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
