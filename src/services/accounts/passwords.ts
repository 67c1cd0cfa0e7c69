import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';
import { invalid } from '../../core/errors.ts';

/**
 * scrypt with OWASP's N=2^15, r=8, p=3 (32 MiB, ~0.25 s on one core of the
 * reference machine). The parameters are stored with each hash, so raising
 * them later only affects new and changed passwords.
 */
const current = { N: 2 ** 15, r: 8, p: 3 };
const keyLength = 32;
export const minPasswordLength = 10;
/** Long enough for any passphrase, short enough that hashing cannot be abused to burn CPU. */
export const maxPasswordLength = 256;

function derive(
  password: string,
  salt: Buffer,
  params: { N: number; r: number; p: number },
): Promise<Buffer> {
  const options: ScryptOptions = { ...params, maxmem: 256 * params.N * params.r + 1024 * 1024 };
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, keyLength, options, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

/** 'scrypt$N$r$p$salt$hash', salt and hash in base64. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, current);
  return ['scrypt', current.N, current.r, current.p, salt.toString('base64'), key.toString('base64')].join(
    '$',
  );
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const key = await derive(password, Buffer.from(salt, 'base64'), {
    N: Number(n),
    r: Number(r),
    p: Number(p),
  });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

let decoy: Promise<string> | undefined;
/**
 * Spends the same time as a real check when the e-mail is unknown or has no
 * password, so the response time does not tell whether an account exists.
 */
export async function verifyAgainstDecoy(password: string): Promise<false> {
  decoy ??= hashPassword(randomBytes(16).toString('hex'));
  await verifyPassword(password, await decoy);
  return false;
}

const common = new Set([
  'password',
  'password1',
  'password123',
  'password1234',
  '1234567890',
  '12345678910',
  'qwertyuiop',
  'iloveyou123',
  'letmein123',
  'welcome123',
  'administrator',
  'changeme123',
]);

/** Why a new password is refused, or null when it is acceptable. */
export function passwordProblem(
  password: string,
  about: { email?: string; name?: string } = {},
): string | null {
  if (password.length < minPasswordLength) {
    return `The password must be at least ${minPasswordLength} characters long.`;
  }
  if (password.length > maxPasswordLength) {
    return `The password must be at most ${maxPasswordLength} characters long.`;
  }
  const lower = password.toLowerCase();
  if (new Set(lower).size < 4 || common.has(lower) || common.has(lower.replace(/[^a-z0-9]/g, ''))) {
    return 'The password is too easy to guess: use a longer phrase or a mix of words, numbers and symbols.';
  }
  const local = about.email?.split('@')[0]?.toLowerCase();
  if ((local && local.length >= 4 && lower.includes(local)) || (about.email && lower === about.email)) {
    return 'The password must not contain your e-mail address.';
  }
  if (about.name && about.name.length >= 4 && lower.includes(about.name.toLowerCase())) {
    return 'The password must not contain your name.';
  }
  return null;
}

export function assertGoodPassword(
  password: string,
  about: { email?: string; name?: string } = {},
  field = 'password',
) {
  const problem = passwordProblem(password, about);
  if (problem) throw invalid(problem, field);
}
