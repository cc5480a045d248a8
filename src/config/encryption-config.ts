import { open } from 'node:fs/promises';
import { AgeIdentities } from '../crypto/age-identities.js';
import { isX25519Recipient, recipientOfSecretKey } from '../crypto/age-keys.js';
import { AppError } from '../shared/app-error.js';

export const RECIPIENTS_VARIABLE = 'BACKUP_ENCRYPTION_RECIPIENTS';
export const IDENTITY_FILE_VARIABLE = 'BACKUP_ENCRYPTION_IDENTITY_FILE';

/** Where keys came from, for the one-line message: a configuration variable or user input such as `--identity`. */
export interface KeyOrigin {
  readonly name: string;
  readonly code: 'CONFIG_INVALID' | 'INVALID_INPUT';
}

export const configVariable = (name: string): KeyOrigin => ({ name, code: 'CONFIG_INVALID' });
export const userInput = (name: string): KeyOrigin => ({ name, code: 'INVALID_INPUT' });

/** A key file is a few lines; anything larger is the wrong file. */
const MAX_IDENTITY_FILE_BYTES = 64 * 1024;

function keyError(origin: KeyOrigin, problem: string): AppError {
  const prefix = origin.code === 'CONFIG_INVALID' ? 'Ungültige Konfiguration: ' : '';
  return new AppError(origin.code, `${prefix}${origin.name}: ${problem}`);
}

/**
 * BACKUP_ENCRYPTION_RECIPIENTS: comma-separated X25519 public keys `age1…`.
 * Unset or empty means encryption is off (an empty list). A bad entry is
 * named by its position, never echoed: a secret key pasted here by mistake
 * must not reach the log.
 */
export function parseEncryptionRecipients(value: string | undefined, origin: KeyOrigin = configVariable(RECIPIENTS_VARIABLE)): readonly string[] {
  if (value === undefined || value.trim() === '') return [];
  const entries = value.split(',').map((entry) => entry.trim());
  const recipients: string[] = [];
  for (const [index, entry] of entries.entries()) {
    if (entry === '') continue;
    const problem = recipientProblem(entry);
    if (problem) throw keyError(origin, `Eintrag ${index + 1} ${problem}`);
    if (!recipients.includes(entry)) recipients.push(entry);
  }
  if (recipients.length === 0) throw keyError(origin, 'enthält keinen Schlüssel (erwartet: age1…, mehrere durch Komma getrennt)');
  return Object.freeze(recipients);
}

function recipientProblem(entry: string): string | undefined {
  if (isX25519Recipient(entry)) return undefined;
  if (/^AGE-SECRET-KEY-/i.test(entry)) {
    return 'ist ein GEHEIMER Schlüssel: hier gehören nur öffentliche Schlüssel (age1…) hin, der geheime Schlüssel gehört nicht auf den Server';
  }
  if (entry.startsWith('age1pq1')) return 'ist ein Post-Quantum-Schlüssel; unterstützt werden X25519-Schlüssel (age1…, von age-keygen ohne -pq)';
  if (/^ssh-/.test(entry)) return 'ist ein SSH-Schlüssel; unterstützt werden age-Schlüssel (age1…)';
  return 'ist kein öffentlicher age-Schlüssel (erwartet: age1… mit 62 Zeichen, wie von "scandy-backup keygen" oder age-keygen ausgegeben)';
}

/**
 * The text of an identity file as age-keygen writes it: `AGE-SECRET-KEY-1…`
 * lines, blank lines and `#` comments. Problems are named by line number;
 * no line of the file is ever repeated in a message.
 */
export async function parseIdentityText(text: string, origin: KeyOrigin): Promise<AgeIdentities> {
  if (text.startsWith('age-encryption.org/v1')) {
    throw keyError(origin, 'die Schlüsseldatei ist selbst mit age verschlüsselt; bitte die entschlüsselte Datei angeben');
  }
  const secretKeys: string[] = [];
  for (const [index, rawLine] of text.split('\n').entries()) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) continue;
    if ((await recipientOfSecretKey(line)) === undefined) throw keyError(origin, `Zeile ${index + 1} ${identityLineProblem(line)}`);
    if (!secretKeys.includes(line)) secretKeys.push(line);
  }
  if (secretKeys.length === 0) throw keyError(origin, 'enthält keinen geheimen Schlüssel (erwartet: eine Zeile AGE-SECRET-KEY-1…)');
  return AgeIdentities.fromSecretKeys(secretKeys);
}

function identityLineProblem(line: string): string {
  if (line.startsWith('AGE-SECRET-KEY-1')) return 'ist beschädigt (Prüfsumme des geheimen Schlüssels stimmt nicht)';
  if (line.startsWith('AGE-SECRET-KEY-PQ-1')) return 'ist ein Post-Quantum-Schlüssel; unterstützt werden X25519-Schlüssel (AGE-SECRET-KEY-1…)';
  if (line.startsWith('AGE-PLUGIN-')) return 'ist ein Plugin-Schlüssel; unterstützt werden X25519-Schlüssel (AGE-SECRET-KEY-1…)';
  if (line.startsWith('age1')) return 'ist ein öffentlicher Schlüssel; zum Lesen wird der geheime gebraucht (AGE-SECRET-KEY-1…)';
  if (line.startsWith('-----BEGIN')) return 'beginnt einen PEM-/SSH-Schlüssel; unterstützt werden age-Schlüssel (AGE-SECRET-KEY-1…)';
  return 'ist kein geheimer age-Schlüssel (erwartet: AGE-SECRET-KEY-1…, wie von "scandy-backup keygen" oder age-keygen geschrieben)';
}

export interface ReadIdentityFileOptions {
  /**
   * Refuse a file that the group or others may access (mode & 077), as
   * OpenSSH does for private keys. On by default: a server's key file must be
   * 0600/0400. Off for a file named for one command (`--identity` on a USB
   * stick, whose file system may not keep modes). Not checked on Windows.
   */
  readonly requirePrivate?: boolean;
}

/** Reads and parses an identity file (BACKUP_ENCRYPTION_IDENTITY_FILE by default). */
export async function readIdentityFile(
  filePath: string,
  origin: KeyOrigin = configVariable(IDENTITY_FILE_VARIABLE),
  options: ReadIdentityFileOptions = {},
): Promise<AgeIdentities> {
  const where: KeyOrigin = { ...origin, name: `${origin.name} (${filePath})` };
  let file;
  try {
    file = await open(filePath, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw keyError(where, code === 'ENOENT' ? 'Datei nicht gefunden' : code === 'EACCES' ? 'keine Leseberechtigung' : `kann nicht gelesen werden (${code ?? 'unbekannter Fehler'})`);
  }
  try {
    const stats = await file.stat();
    if (!stats.isFile()) throw keyError(where, 'ist keine Datei');
    if (stats.size > MAX_IDENTITY_FILE_BYTES) throw keyError(where, 'ist zu groß für eine Schlüsseldatei');
    const permissions = stats.mode & 0o777;
    if ((options.requirePrivate ?? true) && process.platform !== 'win32' && (permissions & 0o077) !== 0) {
      throw keyError(where, `andere Benutzer haben Zugriff (Rechte ${permissions.toString(8)}); bitte "chmod 600 ${filePath}"`);
    }
    return await parseIdentityText(await file.readFile('utf8'), where);
  } finally {
    await file.close();
  }
}

/** BACKUP_ENCRYPTION_IDENTITY_FILE, read once at start: unset gives undefined, a bad file stops the start naming the variable. */
export async function readServerIdentities(identityFile: string | undefined): Promise<AgeIdentities | undefined> {
  return identityFile === undefined ? undefined : readIdentityFile(identityFile);
}
