import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { inspect } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  configVariable,
  parseEncryptionRecipients,
  parseIdentityText,
  readIdentityFile,
  userInput,
} from '../../src/config/encryption-config.js';
import { AgeIdentities } from '../../src/crypto/age-identities.js';
import { KEYGEN_WARNING, generateKeyPair, isX25519Recipient, recipientOfSecretKey, type AgeKeyPair } from '../../src/crypto/age-keys.js';
import { AppError } from '../../src/shared/app-error.js';
import { useTempDir } from '../helpers/temp-dir.js';

const dir = useTempDir('scandy-keys-');
let first: AgeKeyPair;
let second: AgeKeyPair;
let firstSecret: string;

/** The error thrown, for assertions on code and message. */
async function failure(action: () => unknown): Promise<AppError> {
  try {
    await action();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error('expected an error');
}

/** One line, naming where the key came from, and no secret key in it. */
function expectCleanLine(error: AppError, start: string): void {
  expect(error.message.startsWith(start)).toBe(true);
  expect(error.message).not.toContain('\n');
  expect(error.message).not.toMatch(/AGE-SECRET-KEY-(PQ-)?1[A-Z0-9]/i);
}

/** A bech32 string with its last character changed: same shape, wrong checksum. */
function withBadChecksum(key: string): string {
  const other = key.slice(-1).toLowerCase() === 'q' ? 'p' : 'q';
  return key.slice(0, -1) + (key === key.toUpperCase() ? other.toUpperCase() : other);
}

beforeAll(async () => {
  first = await generateKeyPair(new Date('2026-01-02T03:04:05.678Z'));
  second = await generateKeyPair();
  firstSecret = first.secretKeyFile.split('\n')[2]!;
});

describe('keygen', () => {
  it('writes a key file like age-keygen: created, public key, secret key', async () => {
    expect(first.secretKeyFile).toBe(`# created: 2026-01-02T03:04:05Z\n# public key: ${first.publicKey}\n${firstSecret}\n`);
    expect(isX25519Recipient(first.publicKey)).toBe(true);
    expect(await recipientOfSecretKey(firstSecret)).toBe(first.publicKey);
    expect(second.publicKey).not.toBe(first.publicKey);
  });

  it('warns in German that a lost key means lost backups and that the secret key stays off the server', () => {
    expect(KEYGEN_WARNING).toContain('Geht er verloren, sind diese Backups verloren');
    expect(KEYGEN_WARNING).toContain('NICHT auf dem Server');
    expect(KEYGEN_WARNING).toContain('BACKUP_ENCRYPTION_RECIPIENTS=age1…');
  });
});

describe('BACKUP_ENCRYPTION_RECIPIENTS', () => {
  it.each([undefined, '', '   '])('%j: encryption off', (value) => {
    expect(parseEncryptionRecipients(value)).toEqual([]);
  });

  it('takes one or several keys, trims, skips empty entries and repeats', () => {
    expect(parseEncryptionRecipients(first.publicKey)).toEqual([first.publicKey]);
    expect(parseEncryptionRecipients(` ${first.publicKey} ,${second.publicKey},, ${first.publicKey},`)).toEqual([first.publicKey, second.publicKey]);
  });

  const cases: [string, () => string, string][] = [
    ['a secret key', () => `${first.publicKey},${firstSecret}`, 'Eintrag 2 ist ein GEHEIMER Schlüssel'],
    ['a lower-case secret key', () => firstSecret.toLowerCase(), 'Eintrag 1 ist ein GEHEIMER Schlüssel'],
    ['a public key with a wrong checksum', () => withBadChecksum(first.publicKey), 'Eintrag 1 ist kein öffentlicher age-Schlüssel'],
    ['a public key in capitals', () => first.publicKey.toUpperCase(), 'Eintrag 1 ist kein öffentlicher age-Schlüssel'],
    ['a cut public key', () => first.publicKey.slice(0, 40), 'Eintrag 1 ist kein öffentlicher age-Schlüssel'],
    ['two keys separated by a space', () => `${first.publicKey} ${second.publicKey}`, 'Eintrag 1 ist kein öffentlicher age-Schlüssel'],
    ['a post-quantum key', () => 'age1pq1' + 'q'.repeat(1900), 'Eintrag 1 ist ein Post-Quantum-Schlüssel'],
    ['an SSH key', () => 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHk', 'Eintrag 1 ist ein SSH-Schlüssel'],
    ['only commas', () => ' , ,', 'enthält keinen Schlüssel'],
  ];

  it.each(cases)('%s: the start stops with one line naming the variable', async (_label, value, problem) => {
    const error = await failure(() => parseEncryptionRecipients(value()));
    expect(error.code).toBe('CONFIG_INVALID');
    expectCleanLine(error, `Ungültige Konfiguration: BACKUP_ENCRYPTION_RECIPIENTS: ${problem}`);
  });

  it('never echoes the entry (a secret key pasted here by mistake must not reach the log)', async () => {
    const error = await failure(() => parseEncryptionRecipients(`${first.publicKey},${firstSecret}`));
    expect(error.message).not.toContain(firstSecret.slice(16, 40));
  });
});

describe('identity text', () => {
  const origin = configVariable('BACKUP_ENCRYPTION_IDENTITY_FILE');

  it('reads age-keygen files: comments, blank lines, CRLF, several keys, repeats once', async () => {
    const text = `${first.secretKeyFile}\r\n\r\n# second key\r\n${second.secretKeyFile.replace(/\n/g, '\r\n')}${firstSecret}\n`;
    const identities = await parseIdentityText(text, origin);
    expect(identities.publicKeys).toEqual([first.publicKey, second.publicKey]);
    expect(identities.size).toBe(2);
  });

  const cases: [string, () => string, string][] = [
    ['an empty file', () => '', 'enthält keinen geheimen Schlüssel'],
    ['only comments', () => `# created: 2026-01-01T00:00:00Z\n# public key: ${first.publicKey}\n`, 'enthält keinen geheimen Schlüssel'],
    ['a public key instead of the secret one', () => `# a key\n${first.publicKey}\n`, 'Zeile 2 ist ein öffentlicher Schlüssel'],
    ['a secret key with a wrong checksum', () => `${first.secretKeyFile}${withBadChecksum(firstSecret)}\n`, 'Zeile 4 ist beschädigt'],
    ['a cut secret key', () => firstSecret.slice(0, 50), 'Zeile 1 ist beschädigt'],
    ['a post-quantum secret key', () => 'AGE-SECRET-KEY-PQ-1' + 'Q'.repeat(58), 'Zeile 1 ist ein Post-Quantum-Schlüssel'],
    ['a plugin identity', () => 'AGE-PLUGIN-YUBIKEY-1QQQQQQ', 'Zeile 1 ist ein Plugin-Schlüssel'],
    ['an OpenSSH private key', () => '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n', 'Zeile 1 beginnt einen PEM-/SSH-Schlüssel'],
    ['a key with a prefix', () => `key=${firstSecret}`, 'Zeile 1 ist kein geheimer age-Schlüssel'],
    ['some other file', () => 'MONGODB_URI=mongodb://localhost\nPORT=3000\n', 'Zeile 1 ist kein geheimer age-Schlüssel'],
    ['a passphrase-encrypted key file', () => 'age-encryption.org/v1\n-> scrypt abc 18\n', 'die Schlüsseldatei ist selbst mit age verschlüsselt'],
  ];

  it.each(cases)('%s: one German line with the line number, never the key', async (_label, text, problem) => {
    const error = await failure(() => parseIdentityText(text(), origin));
    expect(error.code).toBe('CONFIG_INVALID');
    expectCleanLine(error, `Ungültige Konfiguration: BACKUP_ENCRYPTION_IDENTITY_FILE: ${problem}`);
  });

  it('from user input (--identity, a pasted key) the error is INVALID_INPUT, without "Konfiguration"', async () => {
    const error = await failure(() => parseIdentityText(first.publicKey, userInput('--identity')));
    expect(error.code).toBe('INVALID_INPUT');
    expectCleanLine(error, '--identity: Zeile 1 ist ein öffentlicher Schlüssel');
  });
});

describe('identities never show their secret keys', () => {
  it('JSON, inspect, String and template strings show the public keys only', async () => {
    const identities = await AgeIdentities.fromSecretKeys([firstSecret]);
    for (const shown of [JSON.stringify({ identities }), inspect(identities), inspect({ nested: identities }), String(identities), `${identities}`]) {
      expect(shown).toContain(first.publicKey);
      expect(shown).not.toContain(firstSecret);
    }
    expect(identities.secretKeys()).toEqual([firstSecret]);
  });

  it('refuses a bad secret key by position', async () => {
    await expect(AgeIdentities.fromSecretKeys([firstSecret, 'AGE-SECRET-KEY-1XYZ'])).rejects.toThrow('Schlüssel 2 ist kein geheimer X25519-Schlüssel von age');
  });
});

describe('BACKUP_ENCRYPTION_IDENTITY_FILE', () => {
  function keyFile(name: string, mode: number, text = first.secretKeyFile): string {
    const filePath = path.join(dir, name);
    writeFileSync(filePath, text);
    chmodSync(filePath, mode);
    return filePath;
  }

  it.each([0o600, 0o400])('reads a private file (mode %o)', async (mode) => {
    const identities = await readIdentityFile(keyFile(`private-${mode.toString(8)}.txt`, mode));
    expect(identities.publicKeys).toEqual([first.publicKey]);
  });

  it.each([0o644, 0o640, 0o604, 0o620])('refuses a file others may access (mode %o), naming the variable and the fix', async (mode) => {
    const filePath = keyFile(`open-${mode.toString(8)}.txt`, mode);
    const error = await failure(() => readIdentityFile(filePath));
    expect(error.code).toBe('CONFIG_INVALID');
    expectCleanLine(
      error,
      `Ungültige Konfiguration: BACKUP_ENCRYPTION_IDENTITY_FILE (${filePath}): andere Benutzer haben Zugriff (Rechte ${mode.toString(8)}); bitte "chmod 600 ${filePath}"`,
    );
  });

  it('a file given for one command (--identity) may be readable by others', async () => {
    const identities = await readIdentityFile(keyFile('usb-stick.txt', 0o644), userInput('--identity'), { requirePrivate: false });
    expect(identities.publicKeys).toEqual([first.publicKey]);
  });

  it('names the file in every problem', async () => {
    const missing = path.join(dir, 'missing.txt');
    expectCleanLine(await failure(() => readIdentityFile(missing)), `Ungültige Konfiguration: BACKUP_ENCRYPTION_IDENTITY_FILE (${missing}): Datei nicht gefunden`);
    const folder = path.join(dir, 'a-folder');
    mkdirSync(folder, { mode: 0o700 });
    expectCleanLine(await failure(() => readIdentityFile(folder)), `Ungültige Konfiguration: BACKUP_ENCRYPTION_IDENTITY_FILE (${folder}): ist keine Datei`);
    const huge = keyFile('huge.txt', 0o600, '#'.repeat(100_000));
    expectCleanLine(await failure(() => readIdentityFile(huge)), `Ungültige Konfiguration: BACKUP_ENCRYPTION_IDENTITY_FILE (${huge}): ist zu groß für eine Schlüsseldatei`);
    const wrong = keyFile('wrong.txt', 0o600, `${first.publicKey}\n`);
    const error = await failure(() => readIdentityFile(wrong, userInput('--identity')));
    expect(error.code).toBe('INVALID_INPUT');
    expectCleanLine(error, `--identity (${wrong}): Zeile 1 ist ein öffentlicher Schlüssel`);
  });
});
