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

/** Upper bounds for parameters read from the database, so a forged hash cannot exhaust the server. */
const LIMITS = { maxN: 2 ** 20, maxR: 32, maxP: 16, maxIterations: 10_000_000 } as const;
const PBKDF2_DIGESTS: Readonly<Record<string, number>> = { sha1: 20, sha256: 32, sha512: 64 };

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
  const [name, ...args] = method.split(':');
  if (name === 'scrypt' && args.length === 3) {
    const [N, r, p] = args.map(Number) as [number, number, number];
    const valid = [N, r, p].every(Number.isSafeInteger) && N > 1 && (N & (N - 1)) === 0 && N <= LIMITS.maxN && r >= 1 && r <= LIMITS.maxR && p >= 1 && p <= LIMITS.maxP;
    return valid && keyBytes === SCRYPT_KEY_BYTES ? scryptKey(password, salt, N, r, p) : undefined;
  }
  if (name === 'pbkdf2' && args.length === 2) {
    const [digest = '', iterationsText = ''] = args;
    const iterations = Number(iterationsText);
    const valid = PBKDF2_DIGESTS[digest] === keyBytes && Number.isSafeInteger(iterations) && iterations >= 1 && iterations <= LIMITS.maxIterations;
    return valid ? pbkdf2Key(password, salt, iterations, keyBytes, digest) : undefined;
  }
  return undefined;
}

function scryptKey(password: string, salt: string, N: number, r: number, p: number): Promise<Buffer> {
  const maxmem = 256 * N * r * p;
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
