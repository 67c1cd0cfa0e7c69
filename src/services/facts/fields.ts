import { z } from 'zod';

/**
 * The zod pieces every fact entity's JSON is built from. Instants are epoch
 * milliseconds (as everywhere in the API), money is an integer in minor
 * units of `currency`, days are 'YYYY-MM-DD' in the org's time zone.
 */

export const idField = z.number().int().positive();
export const refField = (what: string) => idField.nullable().describe(`Id of the ${what}, or null.`);
export const instantField = z.number().int().min(-8.64e15).max(8.64e15).describe('Epoch milliseconds (UTC).');
export const moneyField = z
  .number()
  .int()
  .min(0)
  .max(Number.MAX_SAFE_INTEGER)
  .describe('Integer amount in minor units of `currency` (cents for USD, halalas for SAR).');
export const currencyField = z
  .string()
  .regex(/^[A-Z]{3}$/, 'is not an ISO 4217 code such as USD or SAR')
  .describe("ISO 4217 code; must be the org's reporting currency (the default).");
export const textField = z.string().trim().min(1).max(200);
export const optionalText = textField.nullable();
export const externalIdField = textField
  .nullable()
  .describe('Id of the row in the source system (unique per org).');
export const dayField = z.iso.date().describe("A day 'YYYY-MM-DD' in the org's time zone.");

export const dealStatuses = ['open', 'won', 'lost'] as const;
export const activityTypes = ['call', 'email', 'meeting', 'demo', 'discovery_call'] as const;
export const roles = ['admin', 'manager', 'rep'] as const;
export const coachingKinds = ['coaching', 'training'] as const;
export const spendCategories = ['sales', 'marketing'] as const;

/** Read side: the same fields as they come back (nullable, never optional). */
export const out = {
  id: z.number().int(),
  ref: z.number().int().nullable(),
  text: z.string().nullable(),
  instant: z.number().int().nullable(),
};
