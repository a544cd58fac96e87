import { randomBytes, randomInt, scrypt, timingSafeEqual } from 'node:crypto';
import { AppError } from '../../kernel/errors/app-error.js';

/** scrypt cost: N=2^15, r=8, p=1 (about 60 ms here); stored with each hash so it can be raised later. */
export const SCRYPT_PARAMS = { N: 32768, r: 8, p: 1 } as const;
const KEY_LEN = 32;

function scryptAsync(password: string, salt: Buffer, N: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, KEY_LEN, { N, r, p, maxmem: 256 * N * r }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

/** `scrypt$N$r$p$salt$hash` with a fresh 16-byte salt per password. */
export async function hashPassword(password: string, params = SCRYPT_PARAMS): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, params.N, params.r, params.p);
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64url'), key.toString('base64url')].join(
    '$',
  );
}

/** Constant-time check of a password against a stored hash; a malformed hash never matches. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  if (![N, r, p].every((n) => Number.isInteger(n) && n > 0) || N > 2 ** 20) return false;
  const expected = Buffer.from(parts[5] as string, 'base64url');
  const key = await scryptAsync(password, Buffer.from(parts[4] as string, 'base64url'), N, r, p);
  return expected.length === key.length && timingSafeEqual(expected, key);
}

let dummy: Promise<string> | undefined;
/** A hash to check unknown usernames against, so they take as long as known ones. */
export function dummyHash(): Promise<string> {
  dummy ??= hashPassword(randomBytes(16).toString('hex'));
  return dummy;
}

const CLASSES = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/];

/** Policy: at least 10 characters, not the username, not all of one character class, at most 200. */
export function checkPasswordPolicy(password: string, username: string): void {
  const fail = (detail: string, detailZh: string): never => {
    throw new AppError('PASSWORD_POLICY', { detail, detailZh });
  };
  if (typeof password !== 'string' || [...password].length < 10)
    fail('at least 10 characters', '至少 10 个字符');
  if (password.length > 200) fail('at most 200 characters', '最多 200 个字符');
  const lower = password.toLowerCase();
  const name = username.toLowerCase();
  if (name && (lower === name || (name.length >= 4 && lower.includes(name))))
    fail('must not contain the username', '不能包含用户名');
  if (CLASSES.filter((c) => c.test(password)).length < 2)
    fail(
      'mix at least two of: lower case, upper case, digits, symbols',
      '须包含小写字母、大写字母、数字、符号中的至少两类',
    );
}

const ALPHABET = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** A one-time password (shown once, changed at first sign-in): 4 groups of 4, mixed classes. */
export function oneTimePassword(): string {
  for (;;) {
    const chars = Array.from({ length: 16 }, () => ALPHABET[randomInt(ALPHABET.length)]);
    const pw = [0, 4, 8, 12].map((i) => chars.slice(i, i + 4).join('')).join('-');
    if (/[a-z]/.test(pw) && /[A-Z]/.test(pw) && /[0-9]/.test(pw)) return pw;
  }
}
