import type { Readable } from 'node:stream';
import { backupNameOfSidecar, parseBackupName, type BackupName } from '../archive/backup-name.js';

/**
 * Decides which stored names are backups. Every place lists, stats, reads and
 * removes only names it accepts; anything else (foreign files and objects,
 * `*.tmp` files, unfinished uploads) is left alone.
 */
export type AcceptName = (name: string) => BackupName | undefined;

/** The filter every place uses unless told otherwise: the one that decides what a backup name is. */
export const acceptBackupNames: AcceptName = parseBackupName;

/**
 * What a place also stores, reads and removes beside the backups but never
 * lists: a backup's sidecar (`NAME.json`). The backup's name facts, with the
 * sidecar's own name.
 */
export const acceptSidecarNames: AcceptName = (name) => {
  const backup = backupNameOfSidecar(name);
  const parsed = backup === undefined ? undefined : parseBackupName(backup);
  return parsed && { ...parsed, name };
};

/** A name the place stores: a backup it lists, or a sidecar that goes with one. */
export function storableName(accept: AcceptName, name: string): BackupName | undefined {
  return accept(name) ?? acceptSidecarNames(name);
}

export type PlaceKind = 'local' | 's3';

/** One complete backup file as a place holds it. */
export interface StoredFile extends BackupName {
  readonly size: number;
  /** SHA-256 (hex) of the stored bytes when the place knows it without reading them. */
  readonly sha256?: string;
}

/** What the bytes must be; a write or read that ends with other bytes fails. */
export interface ExpectedContent {
  readonly size?: number;
  /** SHA-256 of the whole file, hex. */
  readonly sha256?: string;
}

/** A file the place has just written and checked. */
export interface WrittenFile extends StoredFile {
  readonly sha256: string;
}

/**
 * Where backup files are kept: the local folder or an S3 bucket. All methods
 * fail with a StorageError carrying one German sentence and no credential.
 */
export interface StoragePlace {
  readonly kind: PlaceKind;
  /** The folder or `s3://bucket/prefix`, for messages. */
  readonly where: string;
  /** Complete backups, newest first (sidecars are not listed). */
  list(): Promise<StoredFile[]>;
  /** The complete backup or sidecar of that name, or undefined. */
  stat(name: string): Promise<StoredFile | undefined>;
  /**
   * The bytes as a stream. It fails at its end (reason `changed`) when they
   * differ from `expected` or from what the place recorded when it wrote them.
   */
  openRead(name: string, expected?: ExpectedContent): Promise<Readable>;
  /**
   * Streams `source` to a temporary name (folder) or a multipart upload
   * (bucket) and makes it visible under `name` only when it is complete,
   * equal to `expected` and checked. On any failure nothing is listed, the
   * temporary data is removed and `source` is destroyed. Refuses a name that
   * already exists.
   */
  writeNew(name: string, source: Readable, expected?: ExpectedContent): Promise<WrittenFile>;
  /** Removes the backup; a name that is already gone is no error. */
  remove(name: string): Promise<void>;
}

/** Newest first; equal times by name, descending. */
export function newestFirst<T extends BackupName>(files: T[]): T[] {
  return files.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.name < b.name ? 1 : a.name > b.name ? -1 : 0));
}
