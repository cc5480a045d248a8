import { AppError, type ErrorCode } from '../shared/app-error.js';
import { formatCount } from '../shared/human-units.js';
import type { ExpectedContent } from './storage-place.js';

/**
 * Why a place failed. `unreachable`, `credentials`, `no-bucket`, `forbidden`
 * and `failed` mean the place cannot be used right now; the others are about
 * one file.
 */
export type StorageFailure =
  | 'invalid-name'
  | 'not-found'
  | 'exists'
  | 'changed'
  | 'unreachable'
  | 'credentials'
  | 'no-bucket'
  | 'forbidden'
  | 'failed';

const CODE_BY_FAILURE: Readonly<Record<StorageFailure, ErrorCode>> = {
  'invalid-name': 'BACKUP_NOT_FOUND',
  'not-found': 'BACKUP_NOT_FOUND',
  exists: 'BACKUP_FAILED',
  changed: 'ARCHIVE_INVALID',
  unreachable: 'STORAGE_UNAVAILABLE',
  credentials: 'STORAGE_UNAVAILABLE',
  'no-bucket': 'STORAGE_UNAVAILABLE',
  forbidden: 'STORAGE_UNAVAILABLE',
  failed: 'STORAGE_UNAVAILABLE',
};

/** A failure of a storage place, with one German sentence that names the cause and no credential. */
export class StorageError extends AppError {
  readonly reason: StorageFailure;

  constructor(reason: StorageFailure, message: string, options?: { cause?: unknown }) {
    super(CODE_BY_FAILURE[reason], message, options);
    this.name = 'StorageError';
    this.reason = reason;
  }
}

export function isStorageError(error: unknown, reason?: StorageFailure): error is StorageError {
  return error instanceof StorageError && (reason === undefined || error.reason === reason);
}

export function invalidNameError(name: string): StorageError {
  return new StorageError('invalid-name', `Kein gültiger Backup-Name: ${name}`);
}

export function notFoundError(name: string, where: string): StorageError {
  return new StorageError('not-found', `Backup nicht gefunden in ${where}: ${name}`);
}

export function existsError(name: string, where: string): StorageError {
  return new StorageError('exists', `Backup existiert bereits in ${where}: ${name}`);
}

export interface MeasuredContent {
  readonly size: number;
  /** hex */
  readonly sha256: string;
}

/** What differs between the bytes seen and the bytes expected, in German; undefined when nothing does. */
export function contentDifference(seen: MeasuredContent, expected: ExpectedContent): string | undefined {
  if (expected.size !== undefined && seen.size !== expected.size) {
    return `${formatCount(seen.size)} statt ${formatCount(expected.size)} Bytes`;
  }
  if (expected.sha256 !== undefined && seen.sha256 !== expected.sha256.toLowerCase()) {
    return 'SHA-256-Prüfsumme weicht ab';
  }
  return undefined;
}

export function changedError(name: string, where: string, difference: string): StorageError {
  return new StorageError('changed', `Backup ${name} in ${where} ist verändert oder unvollständig (${difference})`);
}

/** The bytes handed to writeNew are not the announced ones; nothing was stored. */
export function sourceMismatchError(name: string, where: string, difference: string): StorageError {
  return new StorageError('changed', `Backup ${name} wurde nicht in ${where} gespeichert: die Daten weichen von der Vorgabe ab (${difference})`);
}
