import { HadafError } from '../../../core/errors.ts';
import { API_ENTITIES, type ApiEntity, type EntityDef } from '../entity.ts';
import { accounts, subscriptions } from './accounts.ts';
import { activities } from './activities.ts';
import { coaching } from './coaching.ts';
import { deals } from './deals.ts';
import { leads } from './leads.ts';
import { teams, users } from './people.ts';
import { spend } from './spend.ts';

export const ENTITY_DEFS: Readonly<Record<ApiEntity, EntityDef>> = {
  teams,
  users,
  accounts,
  subscriptions,
  leads,
  deals,
  activities,
  spend,
  coaching,
} as Record<ApiEntity, EntityDef>;

export function isApiEntity(name: string): name is ApiEntity {
  return (API_ENTITIES as readonly string[]).includes(name);
}

/** The entity named `name` (as in the URL or `hadaf export <entity>`), or a clear error listing them. */
export function entityDef(name: string): EntityDef {
  if (!isApiEntity(name)) {
    throw new HadafError(
      'invalid_input',
      `There is no entity "${name}": use one of ${API_ENTITIES.join(', ')}.`,
      'entity',
    );
  }
  return ENTITY_DEFS[name];
}
