import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type ApiError, sendJson } from '../api.ts';
import type { Page, Role, User } from '../api-types.ts';
import { Async, Empty, ErrorNotice } from '../components/async.tsx';
import { NotAllowed, PeopleTabs, teamOptions } from '../components/people-nav.tsx';
import { usePreferences } from '../preferences.tsx';
import { useSignedIn } from '../session.tsx';
import { asApiError, combine, type Loadable, useApi } from '../use-api.ts';

const roles: Role[] = ['admin', 'manager', 'rep'];
type Status = 'active' | 'invited' | 'locked' | 'left';
const statuses: Status[] = ['active', 'invited', 'locked', 'left'];

/** GET /api/users item. */
type ListedUser = User & { status: Exclude<Status, 'invited'>; lockedUntil: number | null };

/** GET /api/users/invitations item. */
interface Invitation {
  id: number;
  email: string;
  name: string | null;
  role: Role;
  teamId: number | null;
  createdAt: number;
  expiresAt: number;
}

interface TeamItem {
  id: number;
  name: string;
  path: string;
}

/** One line of the list: a member, or someone invited who has not joined yet. */
type Row =
  | {
      kind: 'user';
      key: string;
      name: string;
      email: string;
      role: Role;
      teamId: number | null;
      status: Status;
      user: ListedUser;
    }
  | {
      kind: 'invitation';
      key: string;
      name: string;
      email: string;
      role: Role;
      teamId: number | null;
      status: 'invited';
      invitation: Invitation;
    };

function rowsOf(users: ListedUser[], invitations: Invitation[]): Row[] {
  return [
    ...users.map((user): Row => ({ kind: 'user', key: `u${user.id}`, ...user, user })),
    ...invitations.map(
      (invitation): Row => ({
        kind: 'invitation',
        key: `i${invitation.id}`,
        name: invitation.name ?? '',
        email: invitation.email,
        role: invitation.role,
        teamId: invitation.teamId,
        status: 'invited',
        invitation,
      }),
    ),
  ];
}

interface Filters {
  text: string;
  role: Role | '';
  status: Status | '';
  teamId: string;
}

/** People of the org with their role, team and status; admins invite, change roles and teams. */
export function PeoplePage() {
  const { t } = useTranslation();
  const { user } = useSignedIn();
  if (user.role === 'rep') return <NotAllowed title={t('people.users.title')} />;
  return <People admin={user.role === 'admin'} />;
}

function People({ admin }: { admin: boolean }) {
  const { t } = useTranslation();
  const users = useApi<{ users: ListedUser[] }>('/api/users');
  const teams = useApi<Page<TeamItem>>('/api/teams?limit=500');
  const invitations = useApi<{ invitations: Invitation[] }>('/api/users/invitations');
  const [done, setDone] = useState<string | null>(null);
  const [link, setLink] = useState<string | null>(null);
  const reload = () => {
    users.reload();
    teams.reload();
    invitations.reload();
  };
  const changed = (message: string, newLink: string | null = null) => {
    setDone(message);
    setLink(newLink);
    reload();
  };
  const all: Loadable<[[{ users: ListedUser[] }, Page<TeamItem>], { invitations: Invitation[] }]> = combine(
    combine(users.state, teams.state),
    invitations.state,
  );

  return (
    <section className="page" data-page="people">
      <h1 tabIndex={-1}>{t('people.users.title')}</h1>
      <PeopleTabs current="people" />
      <p className="muted">{t(admin ? 'people.users.adminLead' : 'people.users.managerLead')}</p>
      <div role="status" data-testid="people-done">
        {done ? <p className="success">{done}</p> : null}
        {link ? (
          <p className="people-link">
            {t('people.users.linkHint')}{' '}
            <bdi dir="ltr" data-testid="invitation-link">
              {link}
            </bdi>
          </p>
        ) : null}
      </div>
      <Async state={all} onRetry={reload}>
        {([[list, page], open]) => (
          <>
            {admin ? <InviteForm teams={page.items} onDone={changed} /> : null}
            <PeopleList
              rows={rowsOf(list.users, open.invitations)}
              teams={page.items}
              admin={admin}
              onDone={changed}
            />
          </>
        )}
      </Async>
    </section>
  );
}

function PeopleList({
  rows,
  teams,
  admin,
  onDone,
}: {
  rows: Row[];
  teams: TeamItem[];
  admin: boolean;
  onDone: (message: string, link?: string | null) => void;
}) {
  const { t } = useTranslation();
  const { format } = usePreferences();
  const { org } = useSignedIn();
  const ids = { text: useId(), role: useId(), status: useId(), team: useId() };
  const [filters, setFilters] = useState<Filters>({ text: '', role: '', status: '', teamId: '' });
  const [error, setError] = useState<{ who: string; error: ApiError } | null>(null);
  const set = <K extends keyof Filters>(key: K, value: Filters[K]) =>
    setFilters((f) => ({ ...f, [key]: value }));
  const teamName = (id: number | null) =>
    teams.find((team) => team.id === id)?.name ?? t('people.users.noTeam');
  const needle = filters.text.trim().toLocaleLowerCase(format.language);
  const shown = rows
    .filter(
      (row) =>
        (!needle ||
          row.name.toLocaleLowerCase(format.language).includes(needle) ||
          row.email.includes(needle)) &&
        (!filters.role || row.role === filters.role) &&
        (!filters.status || row.status === filters.status) &&
        (!filters.teamId || String(row.teamId) === filters.teamId),
    )
    .sort((a, b) => (a.name || a.email).localeCompare(b.name || b.email, format.language));

  /** Runs one change; a resent invitation answers with its new link, shown once. */
  const act = async (who: string, work: () => Promise<unknown>, message: string) => {
    setError(null);
    try {
      const answer = (await work()) as { link?: string } | null;
      onDone(message, answer?.link ?? null);
    } catch (failure) {
      setError({ who, error: asApiError(failure) });
    }
  };

  return (
    <section className="section" aria-labelledby="people-list-title">
      <h2 id="people-list-title">{t('people.users.listTitle')}</h2>
      <search className="people-filters">
        <div>
          <label htmlFor={ids.text}>{t('people.users.search')}</label>
          <input
            id={ids.text}
            type="search"
            value={filters.text}
            onChange={(e) => set('text', e.target.value)}
          />
        </div>
        <div>
          <label htmlFor={ids.role}>{t('people.users.role')}</label>
          <select
            id={ids.role}
            value={filters.role}
            onChange={(e) => set('role', e.target.value as Role | '')}
          >
            <option value="">{t('people.users.any')}</option>
            {roles.map((role) => (
              <option key={role} value={role}>
                {t(`account.roles.${role}`)}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor={ids.status}>{t('people.users.status')}</label>
          <select
            id={ids.status}
            value={filters.status}
            onChange={(e) => set('status', e.target.value as Status | '')}
          >
            <option value="">{t('people.users.any')}</option>
            {statuses.map((status) => (
              <option key={status} value={status}>
                {t(`people.users.statuses.${status}`)}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor={ids.team}>{t('people.users.team')}</label>
          <select id={ids.team} value={filters.teamId} onChange={(e) => set('teamId', e.target.value)}>
            <option value="">{t('people.users.any')}</option>
            {teamOptions(teams).map((option) => (
              <option key={option.id} value={option.id}>
                {option.label}
              </option>
            ))}
          </select>
        </div>
      </search>
      {error ? (
        <ErrorNotice error={error.error} title={t('people.users.refused', { name: error.who })} />
      ) : null}
      {shown.length === 0 ? (
        <Empty>{t('people.users.none')}</Empty>
      ) : (
        <div className="table-scroll">
          <table className="table people-table">
            <caption className="visually-hidden">{t('people.users.listTitle')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('people.users.name')}</th>
                <th scope="col">{t('people.users.email')}</th>
                <th scope="col">{t('people.users.role')}</th>
                <th scope="col">{t('people.users.team')}</th>
                <th scope="col">{t('people.users.status')}</th>
                {admin ? <th scope="col">{t('people.users.actions')}</th> : null}
              </tr>
            </thead>
            <tbody>
              {shown.map((row) => {
                const who = row.name || row.email;
                return (
                  <tr key={row.key} data-testid={`person-${row.email}`}>
                    <th scope="row">{row.name || '—'}</th>
                    <td>
                      <bdi dir="ltr">{row.email}</bdi>
                    </td>
                    <td>
                      {admin && row.kind === 'user' ? (
                        <select
                          aria-label={t('people.users.roleOf', { name: who })}
                          value={row.role}
                          onChange={(e) => {
                            const role = e.target.value as Role;
                            void act(
                              who,
                              () => sendJson('PATCH', `/api/users/${row.user.id}/role`, { role }),
                              t('people.users.roleChanged', { name: who, role: t(`account.roles.${role}`) }),
                            );
                          }}
                        >
                          {roles.map((role) => (
                            <option key={role} value={role}>
                              {t(`account.roles.${role}`)}
                            </option>
                          ))}
                        </select>
                      ) : (
                        t(`account.roles.${row.role}`)
                      )}
                    </td>
                    <td>
                      {admin && row.kind === 'user' ? (
                        <select
                          aria-label={t('people.users.teamOf', { name: who })}
                          value={row.teamId ?? ''}
                          onChange={(e) => {
                            const teamId = Number(e.target.value);
                            void act(
                              who,
                              () => sendJson('PATCH', `/api/users/${row.user.id}/team`, { teamId }),
                              t('people.users.teamChanged', { name: who, team: teamName(teamId) }),
                            );
                          }}
                        >
                          {row.teamId === null ? (
                            <option value="" disabled>
                              {t('people.users.noTeam')}
                            </option>
                          ) : null}
                          {teamOptions(teams).map((option) => (
                            <option key={option.id} value={option.id}>
                              {option.label}
                            </option>
                          ))}
                        </select>
                      ) : (
                        teamName(row.teamId)
                      )}
                    </td>
                    <td>
                      <span className={`people-status people-status-${row.status}`}>
                        {t(`people.users.statuses.${row.status}`)}
                      </span>
                      {row.kind === 'user' && row.user.lockedUntil !== null ? (
                        <span className="muted">
                          {' '}
                          {t('people.users.lockedUntil', {
                            time: format.instant(row.user.lockedUntil, org.timeZone),
                          })}
                        </span>
                      ) : null}
                      {row.kind === 'invitation' ? (
                        <span className="muted">
                          {' '}
                          {t('people.users.expires', {
                            time: format.instant(row.invitation.expiresAt, org.timeZone),
                          })}
                        </span>
                      ) : null}
                    </td>
                    {admin ? (
                      <td>
                        {row.kind === 'invitation' ? (
                          <span className="people-buttons">
                            <button
                              type="button"
                              className="link-button"
                              onClick={() =>
                                void act(
                                  who,
                                  () =>
                                    sendJson('POST', '/api/users/invitations', {
                                      email: row.email,
                                      ...(row.invitation.name ? { name: row.invitation.name } : {}),
                                      role: row.role,
                                      teamId: row.teamId,
                                    }),
                                  t('people.users.resent', { email: row.email }),
                                )
                              }
                            >
                              {t('people.users.resend', { email: row.email })}
                            </button>
                            <button
                              type="button"
                              className="link-button"
                              onClick={() =>
                                void act(
                                  who,
                                  () => sendJson('DELETE', `/api/users/invitations/${row.invitation.id}`),
                                  t('people.users.withdrawn', { email: row.email }),
                                )
                              }
                            >
                              {t('people.users.withdraw', { email: row.email })}
                            </button>
                          </span>
                        ) : null}
                      </td>
                    ) : null}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function InviteForm({
  teams,
  onDone,
}: {
  teams: TeamItem[];
  onDone: (message: string, link?: string | null) => void;
}) {
  const { t } = useTranslation();
  const ids = { email: useId(), name: useId(), role: useId(), team: useId() };
  const [form, setForm] = useState({ email: '', name: '', role: 'rep' as Role, teamId: '' });
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const set = <K extends keyof typeof form>(key: K, value: (typeof form)[K]) =>
    setForm((f) => ({ ...f, [key]: value }));
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSending(true);
    setError(null);
    try {
      const sent = await sendJson<{ link: string }>('POST', '/api/users/invitations', {
        email: form.email,
        ...(form.name.trim() ? { name: form.name } : {}),
        role: form.role,
        teamId: form.teamId ? Number(form.teamId) : null,
      });
      onDone(t('people.users.invited', { email: form.email.trim().toLowerCase() }), sent.link);
      setForm({ email: '', name: '', role: 'rep', teamId: '' });
    } catch (failure) {
      setError(asApiError(failure));
    } finally {
      setSending(false);
    }
  };
  const invalid = (field: string) => (error?.field === field ? true : undefined);
  return (
    <form className="form card people-form" onSubmit={submit} noValidate data-testid="invite-form">
      <fieldset>
        <legend>{t('people.users.inviteTitle')}</legend>
        <div className="people-fields">
          <div>
            <label htmlFor={ids.email}>{t('people.users.email')}</label>
            <input
              id={ids.email}
              type="email"
              dir="ltr"
              required
              value={form.email}
              onChange={(e) => set('email', e.target.value)}
              aria-invalid={invalid('email')}
            />
          </div>
          <div>
            <label htmlFor={ids.name}>{t('people.users.name')}</label>
            <input
              id={ids.name}
              type="text"
              value={form.name}
              onChange={(e) => set('name', e.target.value)}
              aria-invalid={invalid('name')}
            />
          </div>
          <div>
            <label htmlFor={ids.role}>{t('people.users.role')}</label>
            <select id={ids.role} value={form.role} onChange={(e) => set('role', e.target.value as Role)}>
              {roles.map((role) => (
                <option key={role} value={role}>
                  {t(`account.roles.${role}`)}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label htmlFor={ids.team}>{t('people.users.team')}</label>
            <select id={ids.team} value={form.teamId} onChange={(e) => set('teamId', e.target.value)}>
              <option value="">{t('people.users.noTeam')}</option>
              {teamOptions(teams).map((option) => (
                <option key={option.id} value={option.id}>
                  {option.label}
                </option>
              ))}
            </select>
          </div>
        </div>
        <button type="submit" className="button primary" disabled={sending}>
          {t('people.users.invite')}
        </button>
      </fieldset>
      {error ? <ErrorNotice error={error} title={t('people.users.inviteFailed')} /> : null}
    </form>
  );
}
