import type { TFunction } from 'i18next';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { query, sendJson } from '../api.ts';
import type { NotificationItem, Notifications, ProgressStatus } from '../api-types.ts';
import { Async, Empty, ErrorNotice } from '../components/async.tsx';
import type { Formatter } from '../format.ts';
import { goalHref } from '../links.ts';
import { usePreferences } from '../preferences.tsx';
import { Link } from '../router.tsx';
import { useSignedIn } from '../session.tsx';
import { refreshUnread } from '../unread.ts';
import { asApiError, useApi } from '../use-api.ts';

const pageSize = 50;

interface EventData {
  event?: { kind?: string; from?: ProgressStatus; to?: ProgressStatus; milestone?: string; dueOn?: string };
  goal?: { title?: string };
  progress?: { attainment?: number | null; paceRatio?: number | null } | null;
}

/**
 * The words of a notification in the UI's language, from the event it
 * keeps; the server's own text (in the recipient's language at the time)
 * when the event is not one this screen knows.
 */
function wordsOf(item: NotificationItem, t: TFunction, format: Formatter) {
  const data = (item.data ?? {}) as EventData;
  const goal = data.goal?.title;
  const event = data.event;
  if (!goal || !event) return { title: item.title, body: item.body };
  const figures =
    data.progress && data.progress.attainment != null && data.progress.paceRatio != null
      ? t('notifications.figures', {
          attainment: format.percent(data.progress.attainment),
          pace: format.percent(data.progress.paceRatio),
        })
      : '';
  switch (event.kind) {
    case 'status_changed':
      if (!event.from || !event.to) break;
      return {
        title: t('notifications.statusTitle', { goal, status: t(`status.${event.to}`) }),
        body: `${t('notifications.statusBody', { goal, status: t(`status.${event.to}`), from: t(`status.${event.from}`) })} ${figures}`,
      };
    case 'milestone':
      if (event.milestone !== 'half' && event.milestone !== 'target' && event.milestone !== 'stretch') break;
      return {
        title: t(`notifications.milestone.${event.milestone}`, { goal }),
        body: `${t(`notifications.milestone.${event.milestone}`, { goal })} ${figures}`,
      };
    case 'checkin_due':
    case 'checkin_overdue':
      if (!event.dueOn) break;
      return {
        title: t(`notifications.${event.kind === 'checkin_due' ? 'checkinDue' : 'checkinOverdue'}`, { goal }),
        body: t('notifications.dueOn', { day: format.day(event.dueOn) }),
      };
  }
  return { title: item.title, body: item.body };
}

export function NotificationsPage() {
  const { t } = useTranslation();
  const { format } = usePreferences();
  const { org } = useSignedIn();
  const [unreadOnly, setUnreadOnly] = useState(false);
  const [before, setBefore] = useState<number | undefined>(undefined);
  const [older, setOlder] = useState<NotificationItem[]>([]);
  const { state, reload } = useApi<Notifications>(
    `/api/notifications${query({ unread: unreadOnly ? 'true' : undefined, limit: pageSize, before })}`,
  );
  const [failure, setFailure] = useState<ReturnType<typeof asApiError> | null>(null);

  const markRead = async (body: { ids: number[] } | { all: true }) => {
    setFailure(null);
    try {
      await sendJson('POST', '/api/notifications/read', body);
      setOlder([]);
      setBefore(undefined);
      reload();
      refreshUnread();
    } catch (error) {
      setFailure(asApiError(error));
    }
  };

  return (
    <section className="page" data-page="notifications">
      <div className="page-heading">
        <h1 tabIndex={-1}>{t('notifications.title')}</h1>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={unreadOnly}
            onChange={(event) => {
              setUnreadOnly(event.target.checked);
              setOlder([]);
              setBefore(undefined);
            }}
          />
          <span>{t('notifications.unreadOnly')}</span>
        </label>
      </div>
      {failure ? <ErrorNotice error={failure} /> : null}
      <Async state={state} onRetry={reload} loading={t('notifications.loading')}>
        {({ unread, notifications }) => {
          const items = [...older, ...notifications];
          return (
            <>
              <div className="section-head">
                <p data-testid="unread-summary">
                  {t('notifications.unreadCount', { unread: format.number(unread) })}
                </p>
                {unread > 0 ? (
                  <button type="button" className="button" onClick={() => markRead({ all: true })}>
                    {t('notifications.markAll')}
                  </button>
                ) : null}
              </div>
              {items.length === 0 ? (
                <Empty>{unreadOnly ? t('notifications.noneUnread') : t('notifications.none')}</Empty>
              ) : (
                <ul className="notification-list">
                  {items.map((item) => {
                    const words = wordsOf(item, t, format);
                    return (
                      <li key={item.id} className={item.readAt === null ? 'unread' : undefined}>
                        <p className="notification-title">
                          {item.readAt === null ? (
                            <span className="badge">{t('notifications.new')}</span>
                          ) : null}{' '}
                          {item.goalId !== null ? (
                            <Link to={goalHref(item.goalId)}>{words.title}</Link>
                          ) : (
                            words.title
                          )}
                        </p>
                        <p>{words.body}</p>
                        <p className="muted">
                          {format.instant(item.createdAt, org.timeZone)}
                          {item.readAt === null ? (
                            <>
                              {' · '}
                              <button
                                type="button"
                                className="link-button"
                                onClick={() => markRead({ ids: [item.id] })}
                              >
                                {t('notifications.markRead')}
                              </button>
                            </>
                          ) : null}
                        </p>
                      </li>
                    );
                  })}
                </ul>
              )}
              {notifications.length === pageSize ? (
                <button
                  type="button"
                  className="button"
                  onClick={() => {
                    setOlder(items);
                    setBefore(notifications.at(-1)?.id);
                  }}
                >
                  {t('notifications.older')}
                </button>
              ) : null}
            </>
          );
        }}
      </Async>
    </section>
  );
}
