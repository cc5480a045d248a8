import { describe, expect, it } from 'vitest';
import { HASH_LIMITS, acceptedHashParameters, verifyPassword } from '../../src/auth/password-hash.js';

const SCRYPT_KEY = 64;

describe('accepted hash parameters', () => {
  it.each([
    ['scrypt:32768:8:1', SCRYPT_KEY, { kind: 'scrypt', N: 32768, r: 8, p: 1 }], // Werkzeug's default, 32 MiB
    ['scrypt:65536:8:1', SCRYPT_KEY, { kind: 'scrypt', N: 65536, r: 8, p: 1 }], // 64 MiB, the limit
    ['scrypt:16384:8:4', SCRYPT_KEY, { kind: 'scrypt', N: 16384, r: 8, p: 4 }],
    ['pbkdf2:sha256:600000', 32, { kind: 'pbkdf2', digest: 'sha256', iterations: 600000 }],
    ['pbkdf2:sha512:1000000', 64, { kind: 'pbkdf2', digest: 'sha512', iterations: 1000000 }],
    ['pbkdf2:sha1:2000000', 20, { kind: 'pbkdf2', digest: 'sha1', iterations: 2000000 }],
  ])('accepts %s', (method, keyBytes, expected) => {
    expect(acceptedHashParameters(method, keyBytes)).toEqual(expected);
  });

  it.each([
    ['scrypt:131072:8:1', SCRYPT_KEY], // 128 MiB
    ['scrypt:1048576:8:1', SCRYPT_KEY], // 1 GiB
    ['scrypt:32768:1024:1', SCRYPT_KEY], // r multiplies the memory
    ['scrypt:32768:8:5', SCRYPT_KEY], // p multiplies the work
    ['scrypt:4294967296:8:1', SCRYPT_KEY],
    ['scrypt:99999999999999:8:1', SCRYPT_KEY],
    ['scrypt:30000:8:1', SCRYPT_KEY], // N not a power of two
    ['scrypt:32768:0:1', SCRYPT_KEY],
    ['scrypt:32768:8:1', 32], // wrong key length
    ['scrypt:32768:8', SCRYPT_KEY],
    ['scrypt:0x8000:8:1', SCRYPT_KEY],
    ['scrypt:3.2e4:8:1', SCRYPT_KEY],
    ['pbkdf2:sha256:2000001', 32],
    ['pbkdf2:sha256:999999999', 32],
    ['pbkdf2:sha256:0', 32],
    ['pbkdf2:sha256:1e6', 32],
    ['pbkdf2:md5:1000', 16],
    ['pbkdf2:sha256:1000', 64], // key length of another digest
    ['bcrypt:12', 32],
  ])('refuses %s', (method, keyBytes) => {
    expect(acceptedHashParameters(method, keyBytes)).toBeUndefined();
  });

  it('bounds scrypt memory at 64 MiB', () => {
    expect(HASH_LIMITS.scryptMemoryBytes).toBe(64 * 1024 * 1024);
  });
});

describe('a hash planted with a huge cost', () => {
  it('is refused without allocating its memory (scrypt N=2^20, r=8 would take 1 GiB)', async () => {
    const before = process.resourceUsage().maxRSS; // KiB, the peak so far
    expect(await verifyPassword('egal', `scrypt:1048576:8:1$salzsalzsalzsalz$${'ab'.repeat(SCRYPT_KEY)}`)).toBe(false);
    const grownMiB = (process.resourceUsage().maxRSS - before) / 1024;
    expect(grownMiB).toBeLessThan(256);
  });
});
