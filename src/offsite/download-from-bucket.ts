import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { UPLOAD_DIR_PREFIX, type BackupStore } from '../backup/backup-store.js';
import type { ExpectedContent } from '../storage/storage-place.js';
import type { OffsiteCopies } from './offsite-copies.js';

export interface DownloadedArchive {
  readonly path: string;
  /** Removes the file and its folder. */
  dispose(): Promise<void>;
}

/**
 * Streams a backup from the bucket into a private file (0600, in a fresh
 * 0700 folder inside the backup folder, whose leftovers prune removes after
 * a day). The bytes must equal what was checked when it was copied (size and
 * SHA-256 of the copy record), else the object's own recorded SHA-256.
 */
export async function downloadFromBucket(offsite: OffsiteCopies, store: BackupStore, name: string): Promise<DownloadedArchive> {
  await store.ensureDir();
  const dir = await mkdtemp(path.join(store.dir, UPLOAD_DIR_PREFIX));
  const dispose = () => rm(dir, { recursive: true, force: true });
  try {
    const source = await offsite.place.openRead(name, await expectedContent(offsite, name));
    const file = path.join(dir, name);
    await pipeline(source, createWriteStream(file, { flags: 'wx', mode: 0o600 }));
    return { path: file, dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}

/** What the copy record says the object must be; nothing when there is no checked record (the place's own metadata then). */
export async function expectedContent(offsite: OffsiteCopies, name: string): Promise<ExpectedContent> {
  const record = await offsite.records.find(name).catch(() => undefined);
  if (record?.state !== 'copied' || record.size === undefined || record.sha256 === undefined) return {};
  return { size: record.size, sha256: record.sha256 };
}
