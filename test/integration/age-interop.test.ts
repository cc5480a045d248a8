import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { configVariable, parseEncryptionRecipients, parseIdentityText, readIdentityFile } from '../../src/config/encryption-config.js';
import type { AgeIdentities } from '../../src/crypto/age-identities.js';
import { generateKeyPair } from '../../src/crypto/age-keys.js';
import { decryptFile, decryptStream, encryptStream } from '../../src/crypto/age-stream.js';
import { DecryptionError, type DecryptionFailure } from '../../src/crypto/decryption-error.js';
import { ageCli, ageKeygen, runAge } from '../helpers/age-cli.js';
import { useTempDir } from '../helpers/temp-dir.js';

const dir = useTempDir('scandy-age-');
const CHUNK_WITH_TAG = 64 * 1024 + 16;

function file(name: string): string {
  return path.join(dir, name);
}

/** A key file written the way an admin keeps it (mode 0600). */
function writeKeyFile(name: string, text: string): string {
  const keyPath = file(name);
  writeFileSync(keyPath, text, { mode: 0o600 });
  return keyPath;
}

async function identitiesOf(keyFileText: string): Promise<AgeIdentities> {
  return parseIdentityText(keyFileText, configVariable('TEST_KEY'));
}

async function encryptWithUs(plainPath: string, encryptedPath: string, recipients: readonly string[]): Promise<void> {
  await pipeline(encryptStream(createReadStream(plainPath), recipients), createWriteStream(encryptedPath));
}

function encryptWithAge(plainPath: string, encryptedPath: string, recipients: readonly string[], extra: readonly string[] = []): void {
  const result = runAge([...recipients.flatMap((r) => ['-r', r]), ...extra, '-o', encryptedPath, plainPath]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
}

async function decryptWithUs(encryptedPath: string, identities: AgeIdentities): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of decryptStream(createReadStream(encryptedPath), identities)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** decryptFile must fail with this failure and leave nothing behind, not even a temporary file. */
async function expectRefused(encryptedPath: string, identities: AgeIdentities, failure: DecryptionFailure): Promise<DecryptionError> {
  const target = `${encryptedPath}.out.zip`;
  const error = await decryptFile(encryptedPath, target, identities).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DecryptionError);
  expect((error as DecryptionError).failure).toBe(failure);
  expect(existsSync(target)).toBe(false);
  expect(readdirSync(path.dirname(target)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  return error as DecryptionError;
}

/** Where the header ends (after the `--- MAC` line). */
function headerLength(bytes: Buffer): number {
  return bytes.indexOf('\n', bytes.indexOf('\n--- ') + 1) + 1;
}

describe('age interop with the reference age CLI v1.3.2', () => {
  let admin: { secretKeyFile: string; publicKey: string };
  let adminKeyPath: string;
  let adminIdentities: AgeIdentities;
  const plain = file('archive.zip');
  const plainBytes = randomBytes(200_000);

  beforeAll(async () => {
    ageCli();
    admin = ageKeygen();
    adminKeyPath = writeKeyFile('admin-key.txt', admin.secretKeyFile);
    adminIdentities = await readIdentityFile(adminKeyPath);
    writeFileSync(plain, plainBytes);
    await encryptWithUs(plain, file('ours.zip.age'), [admin.publicKey]);
    encryptWithAge(plain, file('by-age.zip.age'), [admin.publicKey]);
  });

  it('reads the key files age-keygen writes, with the public key age-keygen reports', async () => {
    expect(adminIdentities.publicKeys).toEqual([admin.publicKey]);
    expect(parseEncryptionRecipients(admin.publicKey)).toEqual([admin.publicKey]);
  });

  it('our encryption: age -d -i gives back the exact bytes', async () => {
    const result = runAge(['-d', '-i', adminKeyPath, '-o', file('ours-by-age.zip'), file('ours.zip.age')]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(readFileSync(file('ours-by-age.zip')).equals(plainBytes)).toBe(true);
  });

  it('age -r encryption: our decryption gives back the exact bytes', async () => {
    expect((await decryptWithUs(file('by-age.zip.age'), adminIdentities)).equals(plainBytes)).toBe(true);
    await decryptFile(file('by-age.zip.age'), file('by-age.zip'), adminIdentities);
    expect(readFileSync(file('by-age.zip')).equals(plainBytes)).toBe(true);
  });

  it.each([
    ['empty', 0],
    ['exactly one chunk', 64 * 1024],
    ['exactly two chunks', 128 * 1024],
    ['one byte more than a chunk', 64 * 1024 + 1],
  ])('both directions agree on sizes at chunk edges: %s', async (_label, size) => {
    const edge = file(`edge-${size}.bin`);
    const bytes = randomBytes(size);
    writeFileSync(edge, bytes);
    await encryptWithUs(edge, `${edge}.ours.age`, [admin.publicKey]);
    expect(runAge(['-d', '-i', adminKeyPath, '-o', `${edge}.back`, `${edge}.ours.age`]).code).toBe(0);
    expect(readFileSync(`${edge}.back`).equals(bytes)).toBe(true);
    encryptWithAge(edge, `${edge}.age.age`, [admin.publicKey]);
    expect((await decryptWithUs(`${edge}.age.age`, adminIdentities)).equals(bytes)).toBe(true);
  });

  it('a key pair from our keygen works with age -d -i, and age -r encrypts to its public key', async () => {
    const pair = await generateKeyPair(new Date('2026-06-10T16:00:02.345Z'));
    expect(pair.secretKeyFile).toMatch(/^# created: 2026-06-10T16:00:02Z\n# public key: age1[a-z0-9]{58}\nAGE-SECRET-KEY-1[A-Z0-9]{58}\n$/);
    expect(pair.secretKeyFile).toContain(`# public key: ${pair.publicKey}\n`);
    const keyPath = writeKeyFile('ours-key.txt', pair.secretKeyFile);
    await encryptWithUs(plain, file('to-our-key.age'), [pair.publicKey]);
    expect(runAge(['-d', '-i', keyPath, '-o', file('to-our-key.zip'), file('to-our-key.age')]).code).toBe(0);
    expect(readFileSync(file('to-our-key.zip')).equals(plainBytes)).toBe(true);
    encryptWithAge(plain, file('age-to-our-key.age'), [pair.publicKey]);
    expect((await decryptWithUs(file('age-to-our-key.age'), await readIdentityFile(keyPath))).equals(plainBytes)).toBe(true);
  });

  it('several recipients: each identity alone decrypts, with us and with age', async () => {
    const safe = ageKeygen();
    const safeKeyPath = writeKeyFile('safe-key.txt', safe.secretKeyFile);
    const recipients = parseEncryptionRecipients(`${admin.publicKey}, ${safe.publicKey}`);
    await encryptWithUs(plain, file('two.age'), recipients);
    encryptWithAge(plain, file('two-by-age.age'), recipients);
    for (const [keyPath, identities] of [
      [adminKeyPath, adminIdentities],
      [safeKeyPath, await readIdentityFile(safeKeyPath)],
    ] as const) {
      expect(runAge(['-d', '-i', keyPath, '-o', file('two.out'), file('two.age')]).code).toBe(0);
      expect(readFileSync(file('two.out')).equals(plainBytes)).toBe(true);
      expect((await decryptWithUs(file('two-by-age.age'), identities)).equals(plainBytes)).toBe(true);
    }
  });

  it('a key file with several keys decrypts a file made for any one of them', async () => {
    const other = ageKeygen();
    const both = await identitiesOf(`${other.secretKeyFile}\n${admin.secretKeyFile}`);
    expect(both.publicKeys).toEqual([other.publicKey, admin.publicKey]);
    expect((await decryptWithUs(file('by-age.zip.age'), both)).equals(plainBytes)).toBe(true);
  });

  it('the wrong key: one German line, nothing written, and the key never in the message', async () => {
    const stranger = ageKeygen();
    const strangerIdentities = await identitiesOf(stranger.secretKeyFile);
    for (const encrypted of [file('ours.zip.age'), file('by-age.zip.age')]) {
      const error = await expectRefused(encrypted, strangerIdentities, 'wrong-key');
      expect(error.message).toMatch(/^Der Schlüssel passt nicht zu diesem Backup/);
      expect(error.message).not.toMatch(/AGE-SECRET-KEY-1[A-Z0-9]/);
      expect(error.message).not.toContain('\n');
    }
  });

  describe.each([
    ['our encryption', 'ours.zip.age'],
    ['age CLI encryption', 'by-age.zip.age'],
  ])('a damaged file (%s) is refused as a whole', (_producer, name) => {
    let original: Buffer;
    let header: number;
    beforeAll(() => {
      original = readFileSync(file(name));
      header = headerLength(original);
      // 200,000 bytes: three full chunks and a last one of 3,392 bytes.
      expect(original.length).toBe(header + 16 + 3 * CHUNK_WITH_TAG + 3392 + 16);
    });

    const cut = (at: (bytes: Buffer, header: number) => number) => (bytes: Buffer, h: number) => bytes.subarray(0, at(bytes, h));
    const flip = (at: (bytes: Buffer, header: number) => number) => (bytes: Buffer, h: number) => {
      const copy = Buffer.from(bytes);
      const index = at(bytes, h);
      copy[index] = copy[index]! ^ 0x01;
      return copy;
    };
    const damages: [string, (bytes: Buffer, header: number) => Buffer][] = [
      ['cut inside the version line', cut(() => 10)],
      ['cut inside the recipient stanza', cut((_, h) => Math.floor(h / 2))],
      ['cut inside the MAC line', cut((_, h) => h - 1)],
      ['cut right after the header', cut((_, h) => h)],
      ['cut inside the nonce', cut((_, h) => h + 8)],
      ['cut after the nonce (no payload at all)', cut((_, h) => h + 16)],
      ['cut inside the first chunk', cut((_, h) => h + 16 + 1000)],
      ['cut exactly after the first chunk', cut((_, h) => h + 16 + CHUNK_WITH_TAG)],
      ['cut exactly before the last chunk', cut((_, h) => h + 16 + 3 * CHUNK_WITH_TAG)],
      ['cut inside the last chunk', cut((bytes) => bytes.length - 100)],
      ['last byte missing', cut((bytes) => bytes.length - 1)],
      ['one byte appended', (bytes) => Buffer.concat([bytes, Buffer.from([0])])],
      ['a full extra chunk appended', (bytes) => Buffer.concat([bytes, randomBytes(CHUNK_WITH_TAG)])],
      ['one flipped bit in the MAC', flip((_, h) => h - 10)],
      ['one flipped bit in the nonce', flip((_, h) => h + 3)],
      ['one flipped bit in the payload', flip((_, h) => h + 16 + 100_000)],
      ['one flipped bit in the last tag', flip((bytes) => bytes.length - 1)],
    ];

    it.each(damages)('%s', async (label, damage) => {
      const damaged = file(`${name}.${label.replace(/\W+/g, '-')}`);
      writeFileSync(damaged, damage(original, header));
      const error = await expectRefused(damaged, adminIdentities, 'damaged');
      expect(error.message).toMatch(/^Die verschlüsselte Datei ist unvollständig oder wurde verändert/);
      // The reference tool agrees that the file is bad.
      expect(runAge(['-d', '-i', adminKeyPath, '-o', `${damaged}.by-age`, damaged]).code).not.toBe(0);
    });

    it('a changed letter in the wrapped file key reads as a wrong key, as with age itself', async () => {
      const stanzaBody = original.indexOf('\n', original.indexOf('\n-> X25519 ') + 1) + 5;
      const damaged = file(`${name}.stanza`);
      // Another base64 letter, not a flipped bit: a flip can make it no base64 at all, which both sides call damaged.
      const changed = Buffer.from(original);
      changed[stanzaBody] = changed[stanzaBody] === 0x41 ? 0x42 : 0x41;
      writeFileSync(damaged, changed);
      await expectRefused(damaged, adminIdentities, 'wrong-key');
      expect(runAge(['-d', '-i', adminKeyPath, '-o', `${damaged}.by-age`, damaged]).stderr).toContain('no identity matched any of the recipients');
    });
  });

  it('an armored file (age -a) is named as such, not called damaged', async () => {
    encryptWithAge(plain, file('armored.age'), [admin.publicKey], ['-a']);
    const error = await expectRefused(file('armored.age'), adminIdentities, 'unsupported');
    expect(error.message).toContain('age -a');
  });

  it.each([
    ['a plain zip', () => readFileSync(plain)],
    ['a text file', () => Buffer.from('hello\nworld\n')],
    ['an empty file', () => Buffer.alloc(0)],
  ])('%s is not an age file', async (label, content) => {
    const notAge = file(`not-age-${label.replace(/\W+/g, '-')}`);
    writeFileSync(notAge, content());
    const error = await expectRefused(notAge, adminIdentities, 'not-age');
    expect(error.message).toMatch(/^Die Datei ist keine mit age verschlüsselte Datei/);
  });

  it('a 64 MiB stream round-trips through our encryption and decryption, and age reads it too', async () => {
    const size = 64 * 1024 * 1024;
    const pattern = randomBytes(1024 * 1024 + 7);
    const generated = (): Readable =>
      Readable.from(
        (function* () {
          for (let sent = 0; sent < size; sent += pattern.length) yield pattern.subarray(0, Math.min(pattern.length, size - sent));
        })(),
      );
    const expected = createHash('sha256');
    for await (const chunk of generated()) expected.update(chunk as Buffer);
    const big = file('big.age');
    await pipeline(encryptStream(generated(), [admin.publicKey]), createWriteStream(big));
    const actual = createHash('sha256');
    let length = 0;
    for await (const chunk of decryptStream(createReadStream(big), adminIdentities)) {
      actual.update(chunk as Buffer);
      length += (chunk as Buffer).length;
    }
    expect(length).toBe(size);
    expect(actual.digest('hex')).toBe(expected.copy().digest('hex'));
    expect(runAge(['-d', '-i', adminKeyPath, '-o', file('big.plain'), big]).code).toBe(0);
    expect(createHash('sha256').update(readFileSync(file('big.plain'))).digest('hex')).toBe(expected.digest('hex'));
  });
});
