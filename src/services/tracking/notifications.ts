/** The in-app inbox: each user reads and clears only their own notifications. */
import { invalid } from '../../core/errors.ts';
import {
  countUnreadNotifications,
  listNotifications as listNotificationRows,
  markNotificationsRead,
  type NotificationKind,
} from '../../store/progress-queries.ts';
import type { Ctx } from '../context.ts';

export interface NotificationView {
  id: number;
  goalId: number | null;
  kind: NotificationKind;
  title: string;
  body: string;
  data: unknown;
  createdAt: number;
  readAt: number | null;
}

export const MAX_NOTIFICATION_PAGE = 200;

function userOf(ctx: Ctx): number {
  if (ctx.actor.kind !== 'user') throw invalid('Notifications belong to a signed-in user.');
  return ctx.actor.userId;
}

export async function listNotifications({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { unreadOnly?: boolean; limit?: number; beforeId?: number };
}): Promise<{ unread: number; notifications: NotificationView[] }> {
  const userId = userOf(ctx);
  const limit = input.limit ?? 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_NOTIFICATION_PAGE) {
    throw invalid(`limit must be a whole number from 1 to ${MAX_NOTIFICATION_PAGE}.`, 'limit');
  }
  const [rows, unread] = await Promise.all([
    listNotificationRows(ctx.db, ctx.org.id, userId, { ...input, limit }),
    countUnreadNotifications(ctx.db, ctx.org.id, userId),
  ]);
  return {
    unread,
    notifications: rows.map((r) => ({
      id: r.id,
      goalId: r.goal_id,
      kind: r.kind,
      title: r.title,
      body: r.body,
      data: JSON.parse(r.data),
      createdAt: r.created_at,
      readAt: r.read_at,
    })),
  };
}

/** Marks the given notifications (or all) read; ids of other users' notifications change nothing. */
export async function readNotifications({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { ids: readonly number[] } | { all: true };
}): Promise<{ marked: number }> {
  const userId = userOf(ctx);
  const ids = 'all' in input ? 'all' : input.ids;
  return { marked: await markNotificationsRead(ctx.db, ctx.org.id, userId, ids, ctx.now) };
}
