import { AppError } from '../shared/app-error.js';

/**
 * Why an encrypted archive could not be read:
 * - `no-identity`: no secret key was given at all;
 * - `wrong-key`: none of the given keys is a recipient of the file;
 * - `damaged`: truncated or changed anywhere (header, MAC, payload, end);
 * - `not-age`: the file is not age-encrypted;
 * - `unsupported`: age, but a variant backups never use (text armor, passphrase).
 */
export type DecryptionFailure = 'no-identity' | 'wrong-key' | 'damaged' | 'not-age' | 'unsupported';

const MESSAGES: Record<DecryptionFailure, string> = {
  'no-identity': 'Dieses Backup ist verschlüsselt: zum Lesen wird der geheime Schlüssel (AGE-SECRET-KEY-1…) gebraucht',
  'wrong-key': 'Der Schlüssel passt nicht zu diesem Backup: die Datei wurde für andere Schlüssel verschlüsselt',
  damaged: 'Die verschlüsselte Datei ist unvollständig oder wurde verändert; ihr Inhalt wird nicht verwendet',
  'not-age': 'Die Datei ist keine mit age verschlüsselte Datei',
  unsupported: 'Diese age-Datei wird nicht unterstützt',
};

/** The one error of decryption; `failure` lets a page ask for another key instead of calling the file broken. */
export class DecryptionError extends AppError {
  readonly failure: DecryptionFailure;

  constructor(failure: DecryptionFailure, options?: { detail?: string; cause?: unknown }) {
    const detail = options?.detail ? ` (${options.detail})` : '';
    super('ARCHIVE_INVALID', MESSAGES[failure] + detail, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DecryptionError';
    this.failure = failure;
  }
}

/** age-encryption's message when no identity unwraps the file key; anything else it throws means damage. */
const NO_MATCHING_IDENTITY = "no identity matched any of the file's recipients";

/** Turns an error thrown by age-encryption while decrypting into a DecryptionError. */
export function classifyAgeError(error: unknown): DecryptionError {
  if (error instanceof DecryptionError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new DecryptionError(message === NO_MATCHING_IDENTITY ? 'wrong-key' : 'damaged', { cause: error });
}
