import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type ApiError, sendJson } from '../api.ts';
import type { Page, User } from '../api-types.ts';
import { Async, Empty, ErrorNotice } from '../components/async.tsx';
import { byPath, NotAllowed, PeopleTabs, teamOptions } from '../components/people-nav.tsx';
import { usePreferences } from '../preferences.tsx';
import { useSignedIn } from '../session.tsx';
import { asApiError, combine, useApi } from '../use-api.ts';

/** GET /api/teams item. */
interface TeamItem {
  id: number;
  name: string;
  parentId: number | null;
  managerId: number | null;
  managerName: string | null;
  path: string;
}

type ListedUser = User & { status: 'active' | 'left' | 'locked' };

type Editing = { teamId: number; kind: 'add' | 'edit' | 'move' | 'delete' } | null;

/** The org's teams as a tree: admins shape it, managers read their subtree. */
export function TeamsPage() {
  const { t } = useTranslation();
  const { user } = useSignedIn();
  if (user.role === 'rep') return <NotAllowed title={t('people.teams.title')} />;
  return <TeamTree admin={user.role === 'admin'} />;
}

function TeamTree({ admin }: { admin: boolean }) {
  const { t } = useTranslation();
  const teams = useApi<Page<TeamItem>>('/api/teams?limit=500');
  const users = useApi<{ users: ListedUser[] }>('/api/users');
  const [done, setDone] = useState<string | null>(null);
  const reload = () => {
    teams.reload();
    users.reload();
  };
  const changed = (message: string) => {
    setDone(message);
    reload();
  };

  return (
    <section className="page" data-page="teams">
      <h1 tabIndex={-1}>{t('people.teams.title')}</h1>
      <PeopleTabs current="teams" />
      <p className="muted">{t(admin ? 'people.teams.adminLead' : 'people.teams.managerLead')}</p>
      <p className="success" role="status" data-testid="people-done">
        {done}
      </p>
      <Async state={combine(teams.state, users.state)} onRetry={reload}>
        {([page, list]) => (
          <>
            {admin ? <NewTeamForm teams={page.items} onDone={changed} /> : null}
            <Tree teams={page.items} users={list.users} admin={admin} onDone={changed} />
          </>
        )}
      </Async>
    </section>
  );
}

function Tree({
  teams,
  users,
  admin,
  onDone,
}: {
  teams: TeamItem[];
  users: ListedUser[];
  admin: boolean;
  onDone: (message: string) => void;
}) {
  const { t } = useTranslation();
  const { format } = usePreferences();
  const [editing, setEditing] = useState<Editing>(null);
  if (teams.length === 0) return <Empty>{t('people.teams.none')}</Empty>;
  const visible = new Set(teams.map((team) => team.id));
  const childrenOf = (id: number | null) =>
    teams
      .filter((team) =>
        id === null ? team.parentId === null || !visible.has(team.parentId) : team.parentId === id,
      )
      .sort(byPath);
  const members = (teamId: number) => users.filter((u) => u.teamId === teamId && u.status !== 'left').length;

  const branch = (parentId: number | null, depth: number) => {
    const children = childrenOf(parentId);
    if (children.length === 0) return null;
    return (
      <ul className="team-tree" {...(depth === 0 ? { 'aria-label': t('people.teams.treeLabel') } : {})}>
        {children.map((team) => (
          <li key={team.id}>
            <div className="team-row" data-testid={`team-${team.id}`}>
              <span className="team-name">{team.name}</span>
              <span className="team-meta">
                {team.managerName
                  ? t('people.teams.managedBy', { name: team.managerName })
                  : t('people.teams.noManager')}
              </span>
              <span className="team-meta" data-testid="members">
                {t('people.teams.members', { n: format.number(members(team.id)) })}
              </span>
              {admin ? (
                <span className="team-actions">
                  {(['add', 'edit', 'move', 'delete'] as const).map((kind) => (
                    <button
                      key={kind}
                      type="button"
                      className="link-button"
                      aria-expanded={editing?.teamId === team.id && editing.kind === kind}
                      onClick={() =>
                        setEditing(
                          editing?.teamId === team.id && editing.kind === kind
                            ? null
                            : { teamId: team.id, kind },
                        )
                      }
                    >
                      {t(`people.teams.actions.${kind}`, { name: team.name })}
                    </button>
                  ))}
                </span>
              ) : null}
            </div>
            {editing?.teamId === team.id ? (
              <TeamEditor
                key={editing.kind}
                kind={editing.kind}
                team={team}
                teams={teams}
                users={users}
                onCancel={() => setEditing(null)}
                onDone={(message) => {
                  setEditing(null);
                  onDone(message);
                }}
              />
            ) : null}
            {branch(team.id, depth + 1)}
          </li>
        ))}
      </ul>
    );
  };
  return branch(null, 0);
}

/** Sends one change and keeps the server's refusal beside the form that caused it. */
function useSend() {
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const send = async (work: () => Promise<unknown>, onDone: () => void) => {
    setSending(true);
    setError(null);
    try {
      await work();
      onDone();
    } catch (failure) {
      setError(asApiError(failure));
    } finally {
      setSending(false);
    }
  };
  return { sending, error, send };
}

function NewTeamForm({ teams, onDone }: { teams: TeamItem[]; onDone: (message: string) => void }) {
  const { t } = useTranslation();
  const ids = { name: useId(), parent: useId() };
  const [name, setName] = useState('');
  const [parentId, setParentId] = useState('');
  const { sending, error, send } = useSend();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void send(
      () => sendJson('POST', '/api/teams', { name, parentId: parentId ? Number(parentId) : null }),
      () => {
        setName('');
        onDone(t('people.teams.created', { name: name.trim() }));
      },
    );
  };
  return (
    <form className="form card people-form" onSubmit={submit} noValidate data-testid="new-team">
      <fieldset>
        <legend>{t('people.teams.newTitle')}</legend>
        <div className="people-fields">
          <div>
            <label htmlFor={ids.name}>{t('people.teams.name')}</label>
            <input
              id={ids.name}
              type="text"
              required
              maxLength={200}
              value={name}
              onChange={(e) => setName(e.target.value)}
              aria-invalid={error?.field === 'name' ? true : undefined}
            />
          </div>
          <div>
            <label htmlFor={ids.parent}>{t('people.teams.parent')}</label>
            <select id={ids.parent} value={parentId} onChange={(e) => setParentId(e.target.value)}>
              <option value="">{t('people.teams.topLevel')}</option>
              {teamOptions(teams).map((option) => (
                <option key={option.id} value={option.id}>
                  {option.label}
                </option>
              ))}
            </select>
          </div>
        </div>
        <button type="submit" className="button primary" disabled={sending}>
          {t('people.teams.create')}
        </button>
      </fieldset>
      {error ? <ErrorNotice error={error} title={t('people.teams.failed')} /> : null}
    </form>
  );
}

function TeamEditor({
  kind,
  team,
  teams,
  users,
  onCancel,
  onDone,
}: {
  kind: 'add' | 'edit' | 'move' | 'delete';
  team: TeamItem;
  teams: TeamItem[];
  users: ListedUser[];
  onCancel: () => void;
  onDone: (message: string) => void;
}) {
  const { t } = useTranslation();
  const { format } = usePreferences();
  const ids = { name: useId(), manager: useId(), parent: useId() };
  const [name, setName] = useState(kind === 'edit' ? team.name : '');
  const [managerId, setManagerId] = useState(team.managerId === null ? '' : String(team.managerId));
  const [parentId, setParentId] = useState(team.parentId === null ? '' : String(team.parentId));
  const { sending, error, send } = useSend();
  const url = `/api/teams/${team.id}`;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    switch (kind) {
      case 'add':
        void send(
          () => sendJson('POST', '/api/teams', { name, parentId: team.id }),
          () => onDone(t('people.teams.created', { name: name.trim() })),
        );
        break;
      case 'edit':
        void send(
          () => sendJson('PATCH', url, { name, managerId: managerId ? Number(managerId) : null }),
          () => onDone(t('people.teams.saved', { name: name.trim() })),
        );
        break;
      case 'move': {
        const parent = teams.find((other) => String(other.id) === parentId);
        void send(
          () => sendJson('PATCH', url, { parentId: parent ? parent.id : null }),
          () =>
            onDone(
              parent
                ? t('people.teams.moved', { name: team.name, parent: parent.name })
                : t('people.teams.movedTop', { name: team.name }),
            ),
        );
        break;
      }
      case 'delete':
        void send(
          () => sendJson('DELETE', url),
          () => onDone(t('people.teams.deleted', { name: team.name })),
        );
        break;
    }
  };

  const managers = users
    .filter((u) => u.status !== 'left' && u.role !== 'rep')
    .sort((a, b) => a.name.localeCompare(b.name, format.language));
  return (
    <form className="form people-editor" onSubmit={submit} noValidate data-testid={`team-${kind}`}>
      <fieldset>
        <legend>{t(`people.teams.actions.${kind}`, { name: team.name })}</legend>
        {kind === 'add' || kind === 'edit' ? (
          <div>
            <label htmlFor={ids.name}>
              {t(kind === 'add' ? 'people.teams.subName' : 'people.teams.name')}
            </label>
            <input
              id={ids.name}
              type="text"
              required
              maxLength={200}
              value={name}
              onChange={(e) => setName(e.target.value)}
              aria-invalid={error?.field === 'name' ? true : undefined}
            />
          </div>
        ) : null}
        {kind === 'edit' ? (
          <div>
            <label htmlFor={ids.manager}>{t('people.teams.manager')}</label>
            <select id={ids.manager} value={managerId} onChange={(e) => setManagerId(e.target.value)}>
              <option value="">{t('people.teams.noManager')}</option>
              {managers.map((u) => (
                <option key={u.id} value={u.id}>
                  {u.name}
                </option>
              ))}
            </select>
          </div>
        ) : null}
        {kind === 'move' ? (
          <div>
            <label htmlFor={ids.parent}>{t('people.teams.newParent')}</label>
            <select
              id={ids.parent}
              value={parentId}
              onChange={(e) => setParentId(e.target.value)}
              aria-invalid={error?.field === 'parentId' ? true : undefined}
            >
              <option value="">{t('people.teams.topLevel')}</option>
              {teamOptions(teams.filter((other) => other.id !== team.id)).map((option) => (
                <option key={option.id} value={option.id}>
                  {option.label}
                </option>
              ))}
            </select>
          </div>
        ) : null}
        {kind === 'delete' ? <p>{t('people.teams.deleteQuestion', { name: team.name })}</p> : null}
        <div className="people-buttons">
          <button type="submit" className="button primary" disabled={sending}>
            {t(`people.teams.submit.${kind}`)}
          </button>
          <button type="button" className="button" onClick={onCancel}>
            {t('people.cancel')}
          </button>
        </div>
      </fieldset>
      {error ? <ErrorNotice error={error} title={t(`people.teams.refused.${kind}`)} /> : null}
    </form>
  );
}
