/**
 * The user-defined mapping file (docs/import.md has a full example): which
 * column feeds which field, value maps, date and number formats, currency,
 * how people and accounts are referenced. Checked with zod; every error names
 * the key that is wrong.
 */
import { z } from 'zod';
import { invalid } from '../core/errors.ts';
import { compileDateFormat } from './dates.ts';
import { ENTITY_NAMES } from './entities.ts';
import { isCurrencyCode } from './numbers.ts';
import { PRESET_IDS } from './presets/index.ts';

const dateFormat = z.string().superRefine((pattern, context) => {
  try {
    compileDateFormat(pattern);
  } catch (error) {
    context.addIssue({ code: 'custom', message: (error as Error).message });
  }
});

const scalar = z.union([z.string(), z.number(), z.boolean()]);

export const mappingSchema = z.strictObject({
  /** Optional check: the file is meant for this entity. */
  entity: z.enum(ENTITY_NAMES).optional(),
  /** Start from a CRM preset and override parts of it. */
  preset: z.enum(PRESET_IDS).optional(),
  /** Value separator; default ",". */
  delimiter: z.string().length(1, 'must be one character, such as "," ";" or a tab').optional(),
  /** Column header -> field; null ignores the column. */
  columns: z.record(z.string(), z.string().nullable()).default({}),
  /** Field -> (cell value -> stored value); "*" catches every other value, blanks included. */
  values: z.record(z.string(), z.record(z.string(), scalar)).default({}),
  /** Fixed values for fields no column feeds. */
  defaults: z.record(z.string(), scalar).default({}),
  /** How dates are written, tried in order; default ISO 8601. */
  dateFormat: z.union([dateFormat, z.array(dateFormat).min(1)]).optional(),
  /** Zone of dates written without an offset; default the org's. */
  timeZone: z.string().min(1).optional(),
  number: z
    .strictObject({
      thousands: z.enum([',', '.', ' ', "'", '']),
      decimal: z.enum(['.', ',']),
    })
    .refine((f) => f.thousands !== f.decimal, 'thousands and decimal separators must differ')
    .optional(),
  /** Currency of money columns when the file has no currency column; default the org's. */
  currency: z
    .string()
    .refine(isCurrencyCode, 'is not an ISO 4217 currency code such as USD, EUR or SAR')
    .optional(),
  /** How owners, managers, coaches and reps are referenced; auto tries external id, e-mail, then name. */
  people: z.enum(['auto', 'external_id', 'email', 'name']).default('auto'),
  /** How accounts are referenced; auto tries external id, then name. */
  accounts: z.enum(['auto', 'external_id', 'name']).default('auto'),
});

export type Mapping = z.output<typeof mappingSchema>;

/** Checks a mapping (parsed JSON); the error names the key at fault, e.g. `number.decimal`. */
export function parseMapping(input: unknown): Mapping {
  const result = mappingSchema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (issue?.code === 'unrecognized_keys') {
    const where = [...issue.path.map(String), issue.keys[0] ?? ''].join('.');
    throw invalid(
      `Mapping file: ${where}: is not a mapping key (keys are ${Object.keys(mappingSchema.shape).join(', ')}).`,
      `mapping.${where}`,
    );
  }
  const path = issue?.path.map(String).join('.') || '(top level)';
  throw invalid(`Mapping file: ${path}: ${issue?.message ?? 'is not valid'}.`, `mapping.${path}`);
}
