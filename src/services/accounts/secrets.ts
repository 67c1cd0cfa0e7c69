import { createHash, randomBytes } from 'node:crypto';

/**
 * Session, invitation, reset and API tokens: 32 random bytes, shown once.
 * Only the sha256 digest is stored; a stolen database does not hold a
 * usable token (the tokens have full entropy, so no salt or slow hash is needed).
 */
export function newSecret(prefix = ''): { token: string; hash: string } {
  const token = `${prefix}${randomBytes(32).toString('base64url')}`;
  return { token, hash: hashSecret(token) };
}

export function hashSecret(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Prefix of API tokens, so secret scanners and people recognise them. */
export const apiTokenPrefix = 'hadaf_';
