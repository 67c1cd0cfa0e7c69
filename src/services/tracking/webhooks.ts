/**
 * Webhooks: alert events POSTed as JSON to URLs an admin configured.
 *
 * A delivery is an outbox row of channel 'webhook' holding the exact body, so
 * every retry sends the same bytes under the same signature, and the
 * outbox's claim/lease/backoff rules make it go out once (see
 * src/services/outbox/deliver.ts). The body is signed with HMAC-SHA256 over
 * the raw bytes using the webhook's secret:
 *   x-hadaf-signature: sha256=<hex>
 * and `x-hadaf-delivery` carries the outbox id, stable across retries, so a
 * receiver can drop a repeat. Any non-2xx answer or a timeout is a failure
 * and is retried with exponential backoff.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { assertAllowed, isAdmin } from '../../core/access.ts';
import { invalid, notFound } from '../../core/errors.ts';
import { type Db, inTransaction } from '../../store/db.ts';
import {
  type AlertKind,
  deleteWebhook as deleteWebhookRow,
  findWebhook,
  insertWebhook,
  listWebhooks as listWebhookRows,
  type WebhookRow,
} from '../../store/progress-queries.ts';
import { audit } from '../audit.ts';
import type { Ctx } from '../context.ts';
import type { Sender } from '../outbox/deliver.ts';
import { enqueue, type OutboxTarget } from '../outbox/enqueue.ts';

export const WEBHOOK_CHANNEL = 'webhook';
export const SIGNATURE_HEADER = 'x-hadaf-signature';
const EVENT_KINDS: readonly AlertKind[] = ['status_changed', 'milestone', 'checkin_due', 'checkin_overdue'];
const TIMEOUT_MS = 10_000;

export function signWebhookBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/** What a receiver runs: constant-time comparison of the header with the expected signature. */
export function verifyWebhookSignature(secret: string, body: string, header: string | undefined): boolean {
  if (!header) return false;
  const expected = Buffer.from(signWebhookBody(secret, body));
  const given = Buffer.from(header);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

export interface WebhookView {
  id: number;
  url: string;
  events: AlertKind[] | '*';
  active: boolean;
  createdAt: number;
}

const view = (row: WebhookRow): WebhookView => ({
  id: row.id,
  url: row.url,
  events: row.events === '*' ? '*' : (row.events.split(',') as AlertKind[]),
  active: row.active === 1,
  createdAt: row.created_at,
});

function checkUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalid(`"${text}" is not a URL: use https://host/path.`, 'url');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw invalid('A webhook URL must start with https:// or http://.', 'url');
  }
  if (url.username || url.password)
    throw invalid('Put no credentials in a webhook URL; the signature authenticates it.', 'url');
  return url.toString();
}

function checkEvents(events: readonly string[] | '*' | undefined): string {
  if (events === undefined || events === '*') return '*';
  if (events.length === 0) throw invalid('List at least one event, or use "*" for all.', 'events');
  for (const e of events) {
    if (!EVENT_KINDS.includes(e as AlertKind)) {
      throw invalid(`"${e}" is not an event: use ${EVENT_KINDS.join(', ')} or "*".`, 'events');
    }
  }
  return [...new Set(events)].join(',');
}

/** Admins add webhooks; the secret is returned this once and never shown again. */
export async function createWebhook({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { url: string; events?: readonly string[] | '*' };
}): Promise<WebhookView & { secret: string }> {
  assertAllowed(isAdmin(ctx.actor), 'Only admins can configure webhooks.');
  const url = checkUrl(input.url);
  const events = checkEvents(input.events);
  const secret = `whsec_${randomBytes(24).toString('base64url')}`;
  return inTransaction(ctx.db, async (tx) => {
    const createdBy = ctx.actor.kind === 'user' ? ctx.actor.userId : null;
    const row = await insertWebhook(tx, ctx.org.id, { url, secret, events, createdBy }, ctx.now);
    await audit(
      { ...ctx, db: tx },
      { entity: 'webhook', entityId: row.id, action: 'create', after: view(row) },
    );
    return { ...view(row), secret };
  });
}

export async function listWebhooks({ ctx }: { ctx: Ctx }): Promise<WebhookView[]> {
  assertAllowed(isAdmin(ctx.actor), 'Only admins can see webhooks.');
  return (await listWebhookRows(ctx.db, ctx.org.id)).map(view);
}

export async function deleteWebhook({ ctx, input }: { ctx: Ctx; input: { id: number } }): Promise<void> {
  assertAllowed(isAdmin(ctx.actor), 'Only admins can remove webhooks.');
  await inTransaction(ctx.db, async (tx) => {
    const row = await findWebhook(tx, ctx.org.id, input.id);
    if (!row) throw notFound(`Webhook ${input.id} does not exist.`);
    await deleteWebhookRow(tx, ctx.org.id, input.id);
    await audit(
      { ...ctx, db: tx },
      { entity: 'webhook', entityId: row.id, action: 'delete', before: view(row) },
    );
  });
}

interface WebhookPayload {
  webhookId: number;
  body: string;
  event: AlertKind;
}

/** Queues the event for every active webhook of the org that wants it; call inside the alert's transaction. */
export async function enqueueWebhookEvent(
  target: OutboxTarget,
  webhooks: readonly WebhookRow[],
  event: { kind: AlertKind; key: string; data: unknown },
): Promise<number> {
  let queued = 0;
  for (const hook of webhooks) {
    if (hook.active !== 1) continue;
    if (hook.events !== '*' && !hook.events.split(',').includes(event.kind)) continue;
    const body = JSON.stringify({ id: event.key, type: event.kind, createdAt: target.now, data: event.data });
    const payload: WebhookPayload = { webhookId: hook.id, body, event: event.kind };
    const { created } = await enqueue(target, {
      channel: WEBHOOK_CHANNEL,
      dedupeKey: `webhook:${hook.id}:${event.key}`,
      payload,
    });
    if (created) queued++;
  }
  return queued;
}

/**
 * The outbox sender for the 'webhook' channel. The URL and secret are read
 * at send time, so a rotated secret or a removed webhook takes effect on the
 * next retry.
 */
export function webhookSender(db: Db, options: { timeoutMs?: number } = {}): Sender {
  return async (message) => {
    const payload = message.payload as WebhookPayload;
    const hook = await findWebhook(db, message.orgId, payload.webhookId);
    if (hook?.active !== 1) throw new Error(`Webhook ${payload.webhookId} was removed or disabled.`);
    const response = await fetch(hook.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Hadaf-Webhook/1',
        [SIGNATURE_HEADER]: signWebhookBody(hook.secret, payload.body),
        'x-hadaf-event': payload.event,
        'x-hadaf-delivery': String(message.id),
      },
      body: payload.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(options.timeoutMs ?? TIMEOUT_MS),
    });
    // Drain the body so the connection is released.
    await response.arrayBuffer().catch(() => undefined);
    if (response.status < 200 || response.status >= 300) {
      throw new Error(`Webhook ${hook.id} answered HTTP ${response.status}.`);
    }
  };
}
