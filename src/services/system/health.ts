import type { Store } from '../../store/db.ts';
import { appliedMigration } from '../../store/migrate.ts';
import { countOrgs } from '../../store/org-queries.ts';

export interface Health {
  status: 'ok';
  dialect: Store['dialect'];
  migration: string | null;
  orgs: number;
}

/** Health is org-independent: it needs only the store, and reveals no org data but a count. */
export async function health({ store }: { store: Store }): Promise<Health> {
  const [migration, orgs] = await Promise.all([appliedMigration(store.db), countOrgs(store.db)]);
  return { status: 'ok', dialect: store.dialect, migration, orgs };
}
