import { afterEach, describe, expect, it } from 'vitest';
import { createOrg, listOrgs } from '../../src/store/org-queries.ts';
import { freshStore, type TestStore } from '../helpers/stores.ts';

describe('SQLite statement cache', () => {
  let store: TestStore;
  afterEach(() => store?.drop());

  it('reuses a statement after a streamed read of it, finished or stopped early', async () => {
    store = await freshStore('sqlite');
    for (const slug of ['a', 'b', 'c']) await createOrg(store.db, { name: slug, slug }, 0);
    const query = () => store.db.selectFrom('org').select('slug').orderBy('id');
    const streamed: string[] = [];
    for await (const row of query().stream()) streamed.push(row.slug);
    for await (const row of query().stream()) {
      streamed.push(row.slug);
      break; // leaves the iterator early: the statement must be reset, not stuck busy
    }
    expect(streamed).toEqual(['a', 'b', 'c', 'a']);
    expect((await query().execute()).map((r) => r.slug)).toEqual(['a', 'b', 'c']);
  });

  it('sees rows written after a statement was first cached', async () => {
    store = await freshStore('sqlite');
    expect(await listOrgs(store.db)).toEqual([]);
    await createOrg(store.db, { name: 'A', slug: 'a' }, 0);
    expect((await listOrgs(store.db)).map((o) => o.slug)).toEqual(['a']);
  });
});
