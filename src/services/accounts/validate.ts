import { invalid } from '../../core/errors.ts';

/** A trimmed, lower-case e-mail address, or a clear error about `field`. */
export function normalEmail(email: string, field = 'email'): string {
  const value = email.trim().toLowerCase();
  if (value.length > 254 || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)) {
    throw invalid(`"${email.slice(0, 80)}" is not an e-mail address.`, field);
  }
  return value;
}

/** A person's or org's display name: trimmed, 1 to 200 characters, no control characters. */
export function normalName(name: string, field = 'name'): string {
  const value = name.trim();
  if (value.length === 0) throw invalid('The name is empty.', field);
  if (value.length > 200) throw invalid('The name is longer than 200 characters.', field);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(value)) throw invalid('The name contains control characters.', field);
  return value;
}

export function assertSlug(slug: string, field = 'orgSlug'): string {
  if (!/^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/.test(slug)) {
    throw invalid(
      `"${slug.slice(0, 80)}" is not a valid org slug: use 1 to 40 lower-case letters, digits and inner hyphens.`,
      field,
    );
  }
  return slug;
}

export function assertCurrency(code: string, field = 'currency'): string {
  if (!/^[A-Z]{3}$/.test(code))
    throw invalid(`"${code.slice(0, 20)}" is not an ISO 4217 code like USD or SAR.`, field);
  return code;
}

export function assertTimeZone(zone: string, field = 'timeZone'): string {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
  } catch {
    throw invalid(`"${zone.slice(0, 60)}" is not an IANA time zone like Asia/Riyadh.`, field);
  }
  return zone;
}
