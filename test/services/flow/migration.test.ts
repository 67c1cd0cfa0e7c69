import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allowNotificationKind } from '../../../src/store/migrations/0006-acknowledgements.ts';
import { createOrg } from '../../../src/store/org-queries.ts';
import {
  insertNotification,
  listNotifications,
  type NotificationKind,
} from '../../../src/store/progress-queries.ts';
import { createUser } from '../../../src/store/user-queries.ts';
import { dialects, freshStore, type TestStore } from '../../helpers/stores.ts';

describe.each(dialects)('0006-acknowledgements on %s', (dialect) => {
  let store: TestStore;
  let orgId: number;
  let userId: number;
  const note = (kind: string, key: string) =>
    insertNotification(
      store.db,
      orgId,
      {
        userId,
        goalId: null,
        kind: kind as NotificationKind,
        dedupeKey: key,
        title: key,
        body: '',
        data: {},
      },
      1,
    );

  beforeAll(async () => {
    store = await freshStore(dialect);
    orgId = (await createOrg(store.db, { name: 'A', slug: 'a' }, 0)).id;
    userId = (await createUser(store.db, orgId, { name: 'A', email: 'a@x.test', role: 'rep' }, 0)).id;
  });
  afterAll(() => store?.drop());

  it('lets the inbox hold goal_assigned beside the alert kinds, and nothing else', async () => {
    expect(await note('goal_assigned', 'assigned')).toBe(true);
    expect(await note('milestone', 'milestone')).toBe(true);
    await expect(note('gossip', 'gossip')).rejects.toThrow();
  });

  it('widens the kinds again without losing rows, keys or the old kinds', async () => {
    const db = store.db as unknown as Kysely<unknown>;
    await allowNotificationKind(db, dialect, 'later_kind');
    // idempotent: a kind already there changes nothing
    await allowNotificationKind(db, dialect, 'later_kind');
    const rows = await listNotifications(store.db, orgId, userId);
    expect(rows.map((r) => r.dedupe_key).sort()).toEqual(['assigned', 'milestone']);
    expect(await note('later_kind', 'later')).toBe(true);
    expect(await note('goal_assigned', 'assigned-2')).toBe(true);
    // the unique (user, key) index came through the rebuild: the same key is not added twice
    expect(await note('milestone', 'milestone')).toBe(false);
    await expect(note('gossip', 'gossip')).rejects.toThrow();
  });
});
