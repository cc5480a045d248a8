import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Encrypter } from 'age-encryption';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { MAX_HEADER_BYTES, startsWithAgeMagic } from '../../src/crypto/age-header.js';
import { AgeIdentities } from '../../src/crypto/age-identities.js';
import { generateKeyPair, type AgeKeyPair } from '../../src/crypto/age-keys.js';
import { decryptFile, decryptStream, encryptStream } from '../../src/crypto/age-stream.js';
import { DecryptionError } from '../../src/crypto/decryption-error.js';
import { useTempDir } from '../helpers/temp-dir.js';

const dir = useTempDir('scandy-age-stream-');
let pair: AgeKeyPair;
let identities: AgeIdentities;
const plainBytes = randomBytes(300_000);
const encryptedPath = path.join(dir, 'archive.zip.age');

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function errorOf(stream: Readable): Promise<unknown> {
  return collect(stream).then(
    () => undefined,
    (error: unknown) => error,
  );
}

beforeAll(async () => {
  pair = await generateKeyPair();
  identities = await AgeIdentities.fromSecretKeys([pair.secretKeyFile.split('\n')[2]!]);
  await pipeline(encryptStream(Readable.from([plainBytes]), [pair.publicKey]), createWriteStream(encryptedPath));
});

describe('encryptStream / decryptStream', () => {
  it('round-trips, and the output starts like an age file', async () => {
    const encrypted = readFileSync(encryptedPath);
    expect(startsWithAgeMagic(encrypted)).toBe(true);
    expect(startsWithAgeMagic(plainBytes)).toBe(false);
    expect(encrypted.includes(plainBytes.subarray(0, 64))).toBe(false);
    expect((await collect(decryptStream(createReadStream(encryptedPath), identities))).equals(plainBytes)).toBe(true);
  });

  it('without any identity: asks for the key', async () => {
    const error = await errorOf(decryptStream(createReadStream(encryptedPath), await AgeIdentities.fromSecretKeys([])));
    expect(error).toBeInstanceOf(DecryptionError);
    expect((error as DecryptionError).failure).toBe('no-identity');
    expect((error as DecryptionError).message).toMatch(/^Dieses Backup ist verschlüsselt: zum Lesen wird der geheime Schlüssel/);
  });

  it('a file encrypted with a passphrase is named as such', async () => {
    const encrypter = new Encrypter();
    encrypter.setPassphrase('geheim');
    encrypter.setScryptWorkFactor(2);
    const withPassphrase = Buffer.from(await encrypter.encrypt(plainBytes));
    const error = await errorOf(decryptStream(Readable.from([withPassphrase]), identities));
    expect((error as DecryptionError).failure).toBe('unsupported');
    expect((error as DecryptionError).message).toContain('age -p');
  });

  it('an endless header is refused after a bounded read, not read to the end', async () => {
    let served = 0;
    const endless = (async function* () {
      yield Buffer.from('age-encryption.org/v1\n-> X25519 ');
      for (;;) {
        served += 65536;
        yield Buffer.alloc(65536, 0x41);
      }
    })();
    const error = await errorOf(decryptStream(endless, identities));
    expect((error as DecryptionError).failure).toBe('damaged');
    expect(served).toBeLessThanOrEqual(MAX_HEADER_BYTES + 2 * 65536);
  });

  it('an error of the source comes out unchanged, in both directions', async () => {
    const diskError = Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' });
    const failingAfter = (first: Buffer) =>
      (async function* () {
        yield first;
        throw diskError;
      })();
    const encrypted = readFileSync(encryptedPath);
    expect(await errorOf(decryptStream(failingAfter(encrypted.subarray(0, 100_000)), identities))).toBe(diskError);
    expect(await errorOf(decryptStream(failingAfter(encrypted.subarray(0, 20)), identities))).toBe(diskError);
    expect(await errorOf(encryptStream(failingAfter(plainBytes), [pair.publicKey]))).toBe(diskError);
  });

  it('a consumer that stops early closes the source file', async () => {
    const forDecryption = createReadStream(encryptedPath, { highWaterMark: 4096 });
    const decrypting = decryptStream(forDecryption, identities);
    for await (const _ of decrypting) break;
    const plainPath = path.join(dir, 'plain.bin');
    writeFileSync(plainPath, plainBytes);
    const forEncryption = createReadStream(plainPath, { highWaterMark: 4096 });
    const encrypting = encryptStream(forEncryption, [pair.publicKey]);
    for await (const _ of encrypting) break;
    await vi.waitFor(() => {
      expect(forDecryption.destroyed).toBe(true);
      expect(forEncryption.destroyed).toBe(true);
    }, { timeout: 5000 });
  });

  it('refuses to encrypt to nobody or to anything but an X25519 public key', () => {
    expect(() => encryptStream(Readable.from([plainBytes]), [])).toThrow('Verschlüsselung ohne Empfänger');
    expect(() => encryptStream(Readable.from([plainBytes]), [pair.publicKey, 'age1pq1qqqq'])).toThrow('Empfänger 2 ist kein öffentlicher age-Schlüssel');
  });
});

describe('decryptFile', () => {
  it('writes the whole plain file with mode 0600 and nothing else', async () => {
    const folder = path.join(dir, 'out-ok');
    const target = path.join(folder, 'archive.zip');
    mkdirSync(folder);
    await decryptFile(encryptedPath, target, identities);
    expect(readFileSync(target).equals(plainBytes)).toBe(true);
    expect(statSync(target).mode & 0o777).toBe(0o600);
    expect(readdirSync(folder)).toEqual(['archive.zip']);
  });

  it('leaves nothing when the end is missing, although most of the file decrypted fine', async () => {
    const folder = path.join(dir, 'out-cut');
    mkdirSync(folder);
    const cut = path.join(folder, 'cut.zip.age');
    const encrypted = readFileSync(encryptedPath);
    writeFileSync(cut, encrypted.subarray(0, encrypted.length - 10));
    const target = path.join(folder, 'archive.zip');
    await expect(decryptFile(cut, target, identities)).rejects.toMatchObject({ failure: 'damaged' });
    expect(existsSync(target)).toBe(false);
    expect(readdirSync(folder)).toEqual(['cut.zip.age']);
  });
});
