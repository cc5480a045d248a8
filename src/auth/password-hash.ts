import { pbkdf2, randomInt, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * Password hashes in Werkzeug's format, `scrypt:N:r:p$salt$hex` (the one
 * Flask-based Scandy writes), so that both apps can check each other's hashes.
 * The cost parameters travel with every hash; `pbkdf2:sha256:N$salt$hex`
 * hashes are accepted as well.
 */
const SCRYPT_COST = { N: 32768, r: 8, p: 1 } as const;
const SCRYPT_KEY_BYTES = 64;
const SALT_LENGTH = 16;
const SALT_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/**
 * What a stored hash may ask of us. Scandy's hashes (Werkzeug: scrypt
 * N=2^15, r=8, p=1, 32 MiB; pbkdf2 up to 1,000,000 iterations) fit with room
 * to spare; a hash planted in the database with a larger cost is refused
 * before anything is allocated or computed.
 */
export const HASH_LIMITS = { scryptMemoryBytes: 64 * 1024 * 1024, scryptMaxP: 4, pbkdf2MaxIterations: 2_000_000 } as const;
const PBKDF2_DIGESTS: Readonly<Record<string, number>> = { sha1: 20, sha256: 32, sha512: 64 };

export type HashParameters =
  | { readonly kind: 'scrypt'; readonly N: number; readonly r: number; readonly p: number }
  | { readonly kind: 'pbkdf2'; readonly digest: string; readonly iterations: number };

/**
 * The cost parameters of a stored hash (`scrypt:N:r:p` or
 * `pbkdf2:digest:iterations`) for a key of `keyBytes`, or undefined when they
 * are unreadable or beyond HASH_LIMITS. Pure.
 */
export function acceptedHashParameters(method: string, keyBytes: number): HashParameters | undefined {
  const [name, ...args] = method.split(':');
  const numbers = args.map((arg) => (/^\d{1,10}$/.test(arg) ? Number(arg) : NaN));
  if (name === 'scrypt' && numbers.length === 3) {
    const [N = NaN, r = NaN, p = NaN] = numbers;
    const powerOfTwo = N > 1 && (N & (N - 1)) === 0;
    const memory = 128 * N * r;
    const valid = powerOfTwo && r >= 1 && p >= 1 && p <= HASH_LIMITS.scryptMaxP && memory <= HASH_LIMITS.scryptMemoryBytes;
    return valid && keyBytes === SCRYPT_KEY_BYTES ? { kind: 'scrypt', N, r, p } : undefined;
  }
  if (name === 'pbkdf2' && args.length === 2) {
    const [digest = '', iterations = NaN] = [args[0], numbers[1]];
    const valid = PBKDF2_DIGESTS[digest] === keyBytes && iterations >= 1 && iterations <= HASH_LIMITS.pbkdf2MaxIterations;
    return valid ? { kind: 'pbkdf2', digest, iterations } : undefined;
  }
  return undefined;
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomSalt();
  const { N, r, p } = SCRYPT_COST;
  const key = await scryptKey(password, salt, N, r, p);
  return `scrypt:${N}:${r}:${p}$${salt}$${key.toString('hex')}`;
}

/** False for a wrong password and for any hash it cannot read. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [method, salt, expectedHex] = stored.split('$');
  if (!method || !salt || !expectedHex || !/^[0-9a-f]+$/.test(expectedHex)) return false;
  const expected = Buffer.from(expectedHex, 'hex');
  const actual = await derive(method, password, salt, expected.length).catch(() => undefined);
  return actual !== undefined && actual.length === expected.length && timingSafeEqual(actual, expected);
}

async function derive(method: string, password: string, salt: string, keyBytes: number): Promise<Buffer | undefined> {
  const parameters = acceptedHashParameters(method, keyBytes);
  if (parameters?.kind === 'scrypt') return scryptKey(password, salt, parameters.N, parameters.r, parameters.p);
  if (parameters?.kind === 'pbkdf2') return pbkdf2Key(password, salt, parameters.iterations, keyBytes, parameters.digest);
  return undefined;
}

function scryptKey(password: string, salt: string, N: number, r: number, p: number): Promise<Buffer> {
  // What OpenSSL needs (128·N·r for V, 128·r·p for B), within HASH_LIMITS plus a little.
  const maxmem = 128 * r * (N + p) + 1024 * 1024;
  return new Promise((resolve, reject) =>
    scrypt(password, salt, SCRYPT_KEY_BYTES, { N, r, p, maxmem }, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

function pbkdf2Key(password: string, salt: string, iterations: number, keyBytes: number, digest: string): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    pbkdf2(password, salt, iterations, keyBytes, digest, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

function randomSalt(): string {
  let salt = '';
  for (let i = 0; i < SALT_LENGTH; i++) salt += SALT_CHARS[randomInt(SALT_CHARS.length)];
  return salt;
}
