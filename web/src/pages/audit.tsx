import { type FormEvent, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type ApiError, getJson, query } from '../api.ts';
import type { Page, User } from '../api-types.ts';
import { Empty, ErrorNotice, Loading } from '../components/async.tsx';
import { NotAllowed, PeopleTabs } from '../components/people-nav.tsx';
import { usePreferences } from '../preferences.tsx';
import { useSignedIn } from '../session.tsx';
import { asApiError, useApi } from '../use-api.ts';

const pageSize = 50;

/** GET /api/audit entry. */
interface AuditEntry {
  id: number;
  at: number;
  actor: { id: number | null; label: string; name: string | null };
  entity: string;
  entityId: number | null;
  action: string;
  before: unknown;
  after: unknown;
}

const knownActions = [
  'create',
  'update',
  'delete',
  'rename',
  'move',
  'set_manager',
  'change_role',
  'move_team',
  'accept_invitation',
  'revoke',
] as const;
type KnownAction = (typeof knownActions)[number];
const isKnownAction = (action: string): action is KnownAction =>
  (knownActions as readonly string[]).includes(action);

const knownEntities = ['team', 'user', 'invitation', 'goal', 'org', 'api_token'] as const;
type KnownEntity = (typeof knownEntities)[number];
const isKnownEntity = (entity: string): entity is KnownEntity =>
  (knownEntities as readonly string[]).includes(entity);

/** The instant a calendar day starts in `timeZone` (the org's), for the API's epoch-ms bounds. */
export function startOfDayIn(day: string, timeZone: string): number {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  const utcMidnight = Date.UTC(year, month - 1, date);
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  const offsetAt = (instant: number) => {
    const p = Object.fromEntries(parts.formatToParts(instant).map((x) => [x.type, Number(x.value)]));
    return Date.UTC(p.year ?? 0, (p.month ?? 1) - 1, p.day, p.hour, p.minute, p.second) - instant;
  };
  // Twice: the offset at the guess may differ from the offset at the answer across a DST change.
  const guess = utcMidnight - offsetAt(utcMidnight);
  return utcMidnight - offsetAt(guess);
}

const nextDay = (day: string) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

interface Filters {
  actorId: string;
  action: string;
  from: string;
  to: string;
}

/** Who did what, when: the org's audit log for admins, newest first, in pages. */
export function AuditPage() {
  const { t } = useTranslation();
  const { user } = useSignedIn();
  if (user.role !== 'admin') return <NotAllowed title={t('people.audit.title')} />;
  return <AuditLog />;
}

function AuditLog() {
  const { t } = useTranslation();
  const { org } = useSignedIn();
  const users = useApi<{ users: User[] }>('/api/users');
  const teams = useApi<Page<{ id: number; name: string }>>('/api/teams?limit=500');
  const ids = { actor: useId(), action: useId(), from: useId(), to: useId() };
  const [draft, setDraft] = useState<Filters>({ actorId: '', action: '', from: '', to: '' });
  const [filters, setFilters] = useState<Filters>(draft);
  const [entries, setEntries] = useState<AuditEntry[]>([]);
  const [next, setNext] = useState<number | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<ApiError | null>(null);
  const [attempt, setAttempt] = useState(0);

  const pathFor = (f: Filters, beforeId?: number) =>
    `/api/audit${query({
      actorId: f.actorId,
      action: f.action,
      from: f.from ? startOfDayIn(f.from, org.timeZone) : undefined,
      to: f.to ? startOfDayIn(nextDay(f.to), org.timeZone) : undefined,
      beforeId,
      limit: pageSize,
    })}`;

  // biome-ignore lint/correctness/useExhaustiveDependencies: attempt is the retry trigger; pathFor reads filters.
  useEffect(() => {
    const abort = new AbortController();
    setLoading(true);
    setError(null);
    getJson<{ entries: AuditEntry[]; nextBeforeId: number | null }>(pathFor(filters), abort.signal).then(
      (page) => {
        if (abort.signal.aborted) return;
        setEntries(page.entries);
        setNext(page.nextBeforeId);
        setLoading(false);
      },
      (failure: unknown) => {
        if (abort.signal.aborted) return;
        setError(asApiError(failure));
        setLoading(false);
      },
    );
    return () => abort.abort();
  }, [filters, attempt, org.timeZone]);

  const more = async () => {
    if (next === null) return;
    setLoading(true);
    try {
      const page = await getJson<{ entries: AuditEntry[]; nextBeforeId: number | null }>(
        pathFor(filters, next),
      );
      setEntries((current) => [...current, ...page.entries]);
      setNext(page.nextBeforeId);
    } catch (failure) {
      setError(asApiError(failure));
    } finally {
      setLoading(false);
    }
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setFilters(draft);
  };
  const people = users.state.status === 'ready' ? users.state.data.users : [];
  const teamList = teams.state.status === 'ready' ? teams.state.data.items : [];
  const badRange = draft.from && draft.to && draft.to < draft.from;

  return (
    <section className="page" data-page="audit">
      <h1 tabIndex={-1}>{t('people.audit.title')}</h1>
      <PeopleTabs current="audit" />
      <p className="muted">{t('people.audit.lead', { zone: org.timeZone })}</p>
      <form className="form card people-form" onSubmit={submit} noValidate data-testid="audit-filters">
        <fieldset>
          <legend>{t('people.audit.filters')}</legend>
          <div className="people-fields">
            <div>
              <label htmlFor={ids.actor}>{t('people.audit.actor')}</label>
              <select
                id={ids.actor}
                value={draft.actorId}
                onChange={(e) => setDraft((d) => ({ ...d, actorId: e.target.value }))}
              >
                <option value="">{t('people.audit.anyone')}</option>
                {[...people]
                  .sort((a, b) => a.name.localeCompare(b.name))
                  .map((u) => (
                    <option key={u.id} value={u.id}>
                      {u.name}
                    </option>
                  ))}
              </select>
            </div>
            <div>
              <label htmlFor={ids.action}>{t('people.audit.action')}</label>
              <select
                id={ids.action}
                value={draft.action}
                onChange={(e) => setDraft((d) => ({ ...d, action: e.target.value }))}
              >
                <option value="">{t('people.audit.anyAction')}</option>
                {knownActions.map((action) => (
                  <option key={action} value={action}>
                    {t(`people.audit.actions.${action}`)}
                  </option>
                ))}
              </select>
            </div>
            <div>
              <label htmlFor={ids.from}>{t('people.audit.from')}</label>
              <input
                id={ids.from}
                type="date"
                value={draft.from}
                onChange={(e) => setDraft((d) => ({ ...d, from: e.target.value }))}
              />
            </div>
            <div>
              <label htmlFor={ids.to}>{t('people.audit.to')}</label>
              <input
                id={ids.to}
                type="date"
                value={draft.to}
                aria-invalid={badRange ? true : undefined}
                onChange={(e) => setDraft((d) => ({ ...d, to: e.target.value }))}
              />
            </div>
          </div>
          {badRange ? (
            <p className="field-error" role="alert">
              {t('people.audit.badRange')}
            </p>
          ) : null}
          <button type="submit" className="button primary" disabled={!!badRange}>
            {t('people.audit.apply')}
          </button>
        </fieldset>
      </form>
      {error ? <ErrorNotice error={error} onRetry={() => setAttempt((n) => n + 1)} /> : null}
      {!error && !loading && entries.length === 0 ? <Empty>{t('people.audit.none')}</Empty> : null}
      {entries.length > 0 ? <AuditTable entries={entries} users={people} teams={teamList} /> : null}
      {loading ? <Loading label={t('people.audit.loading')} /> : null}
      {next !== null && !loading ? (
        <p className="pager">
          <button type="button" className="button" onClick={() => void more()}>
            {t('people.audit.older')}
          </button>
        </p>
      ) : null}
    </section>
  );
}

function AuditTable({
  entries,
  users,
  teams,
}: {
  entries: AuditEntry[];
  users: User[];
  teams: Array<{ id: number; name: string }>;
}) {
  const { t } = useTranslation();
  const { format } = usePreferences();
  const { org } = useSignedIn();

  const nameIn = (value: unknown, key: string) =>
    value && typeof value === 'object' && key in value
      ? String((value as Record<string, unknown>)[key])
      : null;
  const target = (entry: AuditEntry) => {
    const kind = isKnownEntity(entry.entity) ? t(`people.audit.entities.${entry.entity}`) : entry.entity;
    const name =
      (entry.entity === 'user' ? users.find((u) => u.id === entry.entityId)?.name : undefined) ??
      (entry.entity === 'team' ? teams.find((team) => team.id === entry.entityId)?.name : undefined) ??
      nameIn(entry.after, 'email') ??
      nameIn(entry.before, 'email') ??
      nameIn(entry.after, 'name') ??
      nameIn(entry.before, 'name') ??
      nameIn(entry.after, 'title') ??
      (entry.entityId === null ? null : `#${format.number(entry.entityId, { useGrouping: false })}`);
    return name ? `${kind}: ${name}` : kind;
  };
  /** A change as "key: before → after", for the keys that differ. */
  const change = (entry: AuditEntry) => {
    const before = (entry.before && typeof entry.before === 'object' ? entry.before : {}) as Record<
      string,
      unknown
    >;
    const after = (entry.after && typeof entry.after === 'object' ? entry.after : {}) as Record<
      string,
      unknown
    >;
    const shown = (value: unknown) =>
      value === undefined || value === null
        ? '—'
        : typeof value === 'object'
          ? JSON.stringify(value)
          : String(value);
    return [...new Set([...Object.keys(before), ...Object.keys(after)])]
      .filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]))
      .map((key) =>
        entry.before === null || entry.before === undefined
          ? `${key}: ${shown(after[key])}`
          : entry.after === null || entry.after === undefined
            ? `${key}: ${shown(before[key])}`
            : `${key}: ${shown(before[key])} → ${shown(after[key])}`,
      );
  };

  return (
    <div className="table-scroll">
      <table className="table audit-table" data-testid="audit-table">
        <caption className="visually-hidden">{t('people.audit.title')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('people.audit.when')}</th>
            <th scope="col">{t('people.audit.actor')}</th>
            <th scope="col">{t('people.audit.action')}</th>
            <th scope="col">{t('people.audit.target')}</th>
            <th scope="col">{t('people.audit.change')}</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((entry) => (
            <tr key={entry.id} data-testid="audit-entry">
              <td className="day">{format.instant(entry.at, org.timeZone)}</td>
              <td>{entry.actor.name ?? <bdi dir="ltr">{entry.actor.label}</bdi>}</td>
              <td>
                {isKnownAction(entry.action) ? t(`people.audit.actions.${entry.action}`) : entry.action}
              </td>
              <td>{target(entry)}</td>
              <td>
                <ul className="audit-change">
                  {change(entry).map((line) => (
                    <li key={line}>
                      <bdi dir="ltr">{line}</bdi>
                    </li>
                  ))}
                </ul>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
