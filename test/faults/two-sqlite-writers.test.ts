import { afterEach, describe, expect, it } from 'vitest';
import { createOrg } from '../../src/store/org-queries.ts';
import { freshStore, type TestStore } from '../helpers/stores.ts';
import { startWriter, type WriterReport } from './sqlite-writer-process.ts';

// SQLite only: PostgreSQL has row-level locks and no single-writer rule.
describe('two processes writing one SQLite file at once', () => {
  let store: TestStore;
  afterEach(() => store?.drop());

  it('both commit every transaction and no "database is locked" error reaches them', async () => {
    store = await freshStore('sqlite');
    const org = await createOrg(store.db, { name: 'Acme', slug: 'acme' }, 0);
    const writers = ['a', 'b'].map((label) => startWriter(store.location, org.id, label, 3000));
    await Promise.all(writers.map((w) => w.ready));
    for (const w of writers) w.go();
    const reports = await Promise.all(writers.map((w) => w.finished));

    // The two really overlapped: each wrote while the other was writing.
    const spans = await store.db
      .selectFrom('audit_log')
      .select(['actor_label', (eb) => eb.fn.min('at').as('first'), (eb) => eb.fn.max('at').as('last')])
      .groupBy('actor_label')
      .orderBy('actor_label')
      .execute();
    const [a, b] = spans.map((s) => ({ first: Number(s.first), last: Number(s.last) }));
    expect(a && b && a.first < b.last && b.first < a.last).toBe(true);

    for (const [i, label] of ['a', 'b'].entries()) {
      const report = reports[i] as WriterReport;
      expect(report.errors).toEqual([]);
      expect(report.transactions).toBeGreaterThan(0);
      // Each transaction read its own count and wrote count + 1: with serialized
      // writers the sequence is exactly 1..transactions, no gap and no repeat.
      const sequence = await store.db
        .selectFrom('audit_log')
        .select('entity_id')
        .where('actor_label', '=', label)
        .where('entity', '=', 'sequence')
        .orderBy('entity_id')
        .execute();
      expect(sequence.map((r) => r.entity_id)).toEqual(
        Array.from({ length: report.transactions }, (_, k) => k + 1),
      );
      const { n } = await store.db
        .selectFrom('audit_log')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('actor_label', '=', label)
        .where('entity', '=', 'single')
        .executeTakeFirstOrThrow();
      expect(Number(n)).toBe(report.singles);
    }
  });
});
