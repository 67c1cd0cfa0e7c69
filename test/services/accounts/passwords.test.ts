import { describe, expect, it } from 'vitest';
import {
  assertGoodPassword,
  hashPassword,
  passwordProblem,
  verifyPassword,
} from '../../../src/services/accounts/passwords.ts';
import { hashSecret, newSecret } from '../../../src/services/accounts/secrets.ts';

describe('password hashing', () => {
  it('stores scrypt parameters, a salt and the hash, and verifies only the right password', async () => {
    const stored = await hashPassword('blue-harbour-lantern-42');
    const [scheme, n, r, p, salt, hash] = stored.split('$');
    expect([scheme, n, r, p]).toEqual(['scrypt', '32768', '8', '3']);
    expect(Buffer.from(salt ?? '', 'base64')).toHaveLength(16);
    expect(Buffer.from(hash ?? '', 'base64')).toHaveLength(32);
    expect(await verifyPassword('blue-harbour-lantern-42', stored)).toBe(true);
    expect(await verifyPassword('blue-harbour-lantern-43', stored)).toBe(false);
  });

  it('salts each hash, so one password never gives the same hash twice', async () => {
    const [a, b] = await Promise.all([
      hashPassword('same password here'),
      hashPassword('same password here'),
    ]);
    expect(a).not.toBe(b);
  });

  it('verifies with the parameters stored in the hash, not the current ones', async () => {
    // N=2^10 r=8 p=1 hash of 'old parameters ok', salt 'c2FsdHNhbHRzYWx0c2FsdA==' (saltsaltsaltsalt)
    const { scryptSync } = await import('node:crypto');
    const key = scryptSync('old parameters ok', Buffer.from('saltsaltsaltsalt'), 32, { N: 1024, r: 8, p: 1 });
    const stored = `scrypt$1024$8$1$${Buffer.from('saltsaltsaltsalt').toString('base64')}$${key.toString('base64')}`;
    expect(await verifyPassword('old parameters ok', stored)).toBe(true);
  });

  it('refuses malformed stored values instead of throwing', async () => {
    expect(await verifyPassword('x', 'plain-text-password')).toBe(false);
    expect(await verifyPassword('x', 'bcrypt$1$2$3$a$b')).toBe(false);
  });
});

describe('password rules', () => {
  it('states the rule a weak password breaks', () => {
    expect(passwordProblem('short1')).toBe('The password must be at least 10 characters long.');
    expect(passwordProblem('x'.repeat(257))).toBe('The password must be at most 256 characters long.');
    expect(passwordProblem('Password123')).toMatch(/too easy to guess/);
    expect(passwordProblem('aaaaaaaaaaaa')).toMatch(/too easy to guess/);
    expect(passwordProblem('sara.hamdan-2026!', { email: 'sara.hamdan@acme.test' })).toBe(
      'The password must not contain your e-mail address.',
    );
    expect(passwordProblem('I am Khalid Omar!', { name: 'Khalid Omar' })).toBe(
      'The password must not contain your name.',
    );
    expect(passwordProblem('blue-harbour-lantern-42', { email: 'sara@acme.test', name: 'Sara' })).toBeNull();
  });

  it('throws an invalid_input error naming the field', () => {
    expect(() => assertGoodPassword('short', {}, 'newPassword')).toThrow(
      expect.objectContaining({ code: 'invalid_input', field: 'newPassword' }),
    );
  });
});

describe('tokens', () => {
  it('are 32 random bytes shown once and stored as their sha256', () => {
    const a = newSecret();
    const b = newSecret('hadaf_');
    expect(Buffer.from(a.token, 'base64url')).toHaveLength(32);
    expect(b.token.startsWith('hadaf_')).toBe(true);
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(a.hash).toBe(hashSecret(a.token));
    expect(a.token).not.toBe(b.token.slice(6));
  });
});
