import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../../src/server/app.ts';
import { generateDemo } from '../../../src/services/demo/generate.ts';
import { listMembers, type Member } from '../../../src/store/account-queries.ts';
import { freshStore, type TestStore } from '../../helpers/stores.ts';
import { injectAs, sessionOf } from '../../server/signed-in.ts';

const NOW = Date.parse('2026-11-27T09:00:00Z');

/** What `npm start` shows a newcomer must be readable through the API by every role. */
describe('the demo org over the API', () => {
  let store: TestStore;
  let members: Member[];

  beforeAll(async () => {
    store = await freshStore('sqlite');
    const demo = await generateDemo(store, { seed: 1, scale: 1, now: NOW });
    members = await listMembers(store.db, demo.org.id);
  });
  afterAll(() => store?.drop());

  it.each(['admin', 'manager', 'rep'] as const)('lists and opens every goal a %s may see', async (role) => {
    const user = members.find((m) => m.role === role && (role === 'admin' || m.team_id !== null));
    expect(user).toBeDefined();
    const app = await buildServer({ store, now: () => NOW, mailer: null });
    const who = await sessionOf(store, user as Member, NOW);
    const list = await injectAs(app, who, { url: '/api/goals?limit=500' });
    expect(list.statusCode, list.body).toBe(200);
    const goals = (list.json().goals ?? list.json().items) as Array<{ id: number }>;
    expect(goals.length).toBeGreaterThan(0);
    for (const goal of goals) {
      const one = await injectAs(app, who, { url: `/api/goals/${goal.id}` });
      expect(one.statusCode, `goal ${goal.id}: ${one.body}`).toBe(200);
    }
    const dashboard = await injectAs(app, who, { url: '/api/dashboard' });
    expect(dashboard.statusCode, dashboard.body).toBe(200);
    await app.close();
  });
});
