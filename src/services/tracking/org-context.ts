import { invalid, notFound } from '../../core/errors.ts';
import type { Store } from '../../store/db.ts';
import { findOrgBySlug, listOrgs } from '../../store/org-queries.ts';
import { type Ctx, systemActor } from '../context.ts';

/**
 * The context of a command run on the server itself (CLI): the system actor
 * in the org named by `slug`, or in the only org when there is one.
 */
export async function systemContextFor(
  store: Store,
  slug: string | undefined,
  now: number,
  label: string,
): Promise<Ctx> {
  let org = slug === undefined ? undefined : await findOrgBySlug(store.db, slug);
  if (slug !== undefined && !org) throw notFound(`There is no org "${slug}".`);
  if (!org) {
    const orgs = await listOrgs(store.db);
    if (orgs.length === 0)
      throw notFound('The database has no org yet: run `hadaf demo` or `hadaf user add`.');
    if (orgs.length > 1) {
      throw invalid(
        `Several orgs share this database: pick one with --org (${orgs.map((o) => o.slug).join(', ')}).`,
        'org',
      );
    }
    org = orgs[0];
  }
  return {
    db: store.db,
    dialect: store.dialect,
    org: org as NonNullable<typeof org>,
    actor: systemActor(label),
    now,
  };
}
