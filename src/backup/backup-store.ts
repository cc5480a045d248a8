import { existsSync } from 'node:fs';
import { chmod, mkdir, open, readFile, readdir, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { compareNewestFirst } from '../retention/retention-policy.js';
import { AppError } from '../shared/app-error.js';
import {
  formatBackupName,
  isTempBackupName,
  parseBackupName,
  sidecarNameFor,
  tempNameFor,
  type BackupKind,
  type BackupNameOptions,
  type BackupName,
} from '../archive/backup-name.js';

export interface StoredBackup extends BackupName {
  readonly path: string;
  readonly size: number;
}

/** Archives hold the whole database: only the owner may read them, or enter their folder. */
const FILE_MODE = 0o600;
const DIR_MODE = 0o700;
/** Private upload folders (mkdtemp) inside the backup folder, so that keeping an upload is a rename. */
export const UPLOAD_DIR_PREFIX = '.upload-';
const STALE_UPLOAD_MS = 24 * 60 * 60 * 1000;

interface NewBackupFile {
  readonly name: string;
  readonly createdAt: Date;
  readonly tempPath: string;
  readonly finalPath: string;
}

/**
 * The backup folder. Only names that parseBackupName accepts are ever listed,
 * opened or removed; everything else in the folder is left alone.
 */
export class BackupStore {
  private readonly inUse = new Map<string, number>();

  constructor(readonly dir: string) {}

  /** Creates the folder 0700, and takes group and others' access from an existing one (best effort: not ours, read-only). */
  async ensureDir(): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: DIR_MODE });
    const info = await stat(this.dir);
    if ((info.mode & 0o077) !== 0) await chmod(this.dir, info.mode & DIR_MODE).catch(() => undefined);
  }

  /** Complete backups, newest first. */
  async list(): Promise<StoredBackup[]> {
    const names = await this.readNames();
    const backups: StoredBackup[] = [];
    for (const fileName of names) {
      const parsed = parseBackupName(fileName);
      if (!parsed) continue;
      const filePath = path.join(this.dir, fileName);
      const info = await stat(filePath).catch(() => undefined);
      if (info?.isFile()) backups.push({ ...parsed, path: filePath, size: info.size });
    }
    return backups.sort(compareNewestFirst);
  }

  async find(name: string): Promise<StoredBackup> {
    const parsed = parseBackupName(name);
    if (!parsed) throw new AppError('BACKUP_NOT_FOUND', `Kein gültiger Backup-Name: ${name}`);
    const filePath = path.join(this.dir, parsed.name);
    const info = await stat(filePath).catch(() => undefined);
    if (!info?.isFile()) throw new AppError('BACKUP_NOT_FOUND', `Backup nicht gefunden: ${name}`);
    return { ...parsed, path: filePath, size: info.size };
  }

  /**
   * The one way a backup comes into being: `write` fills a `*.tmp` file
   * (spared by prune while it runs); only if it succeeds is the file flushed
   * to disk and renamed to its final, unique name. On failure it is removed.
   */
  async writeNew<T>(
    kind: BackupKind,
    now: Date,
    write: (tempPath: string, createdAt: Date) => Promise<T>,
    options: BackupNameOptions = {},
  ): Promise<{ readonly backup: StoredBackup; readonly result: T }> {
    const file = await this.reserve(kind, now, options);
    const release = this.markInUse(path.basename(file.tempPath));
    try {
      const result = await write(file.tempPath, file.createdAt);
      return { backup: await this.commit(file), result };
    } catch (error) {
      await unlink(file.tempPath).catch(() => undefined);
      throw error;
    } finally {
      release();
    }
  }

  /** A unique name (UTC, milliseconds) and its temporary file path. */
  private async reserve(kind: BackupKind, now: Date, options: BackupNameOptions): Promise<NewBackupFile> {
    await this.ensureDir();
    let time = now.getTime();
    for (;;) {
      const createdAt = new Date(time);
      const name = formatBackupName(createdAt, kind, options);
      const finalPath = path.join(this.dir, name);
      const tempPath = path.join(this.dir, tempNameFor(name));
      if (!existsSync(finalPath) && !existsSync(tempPath)) return { name, createdAt, tempPath, finalPath };
      time += 1;
    }
  }

  /** Durable across a crash: the file's bytes, then its name, reach the disk; readable by the owner only. */
  private async commit(file: NewBackupFile): Promise<StoredBackup> {
    if (existsSync(file.finalPath)) throw new AppError('BACKUP_FAILED', `Backup existiert bereits: ${file.name}`);
    await syncPath(file.tempPath, 'r+', FILE_MODE);
    await rename(file.tempPath, file.finalPath);
    await syncPath(this.dir, 'r');
    return this.find(file.name);
  }

  /** Removes the archive, then its sidecar (an orphaned sidecar describes nothing and is never listed). */
  async remove(name: string): Promise<void> {
    const backup = await this.find(name);
    await unlink(backup.path);
    await unlink(this.sidecarPath(backup.name)).catch(ignoreMissing);
  }

  /** The files beside an archive that go wherever it goes (the bucket): its sidecar, when it has one. */
  companionsOf(name: string): string[] {
    return existsSync(this.sidecarPath(name)) ? [sidecarNameFor(name)] : [];
  }

  /** Where the unencrypted description of a backup lives (`NAME.json`, archive/sidecar.ts). */
  sidecarPath(name: string): string {
    return path.join(this.dir, sidecarNameFor(name));
  }

  /** Writes a sidecar as `*.tmp`, then renames it: a sidecar that exists is complete. Mode 0600. */
  async writeSidecar(name: string, text: string): Promise<void> {
    const finalPath = this.sidecarPath(name);
    const tempPath = tempNameFor(finalPath);
    try {
      await writeFile(tempPath, text, { mode: FILE_MODE, flag: 'w' });
      await syncPath(tempPath, 'r+', FILE_MODE);
      await rename(tempPath, finalPath);
    } catch (error) {
      await unlink(tempPath).catch(() => undefined);
      throw error;
    }
  }

  /** The text of a backup's sidecar, or undefined when it has none (archives written before sidecars, uploads). */
  async readSidecar(name: string): Promise<string | undefined> {
    return readFile(this.sidecarPath(name), 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
  }

  /** Upload folders left by a process that died mid-upload (older than a day). */
  async removeStaleUploadDirs(now: Date): Promise<string[]> {
    const removed: string[] = [];
    for (const name of (await this.readNames()).filter((n) => n.startsWith(UPLOAD_DIR_PREFIX))) {
      const info = await stat(path.join(this.dir, name)).catch(() => undefined);
      if (!info?.isDirectory() || now.getTime() - info.mtimeMs < STALE_UPLOAD_MS) continue;
      await rm(path.join(this.dir, name), { recursive: true, force: true });
      removed.push(name);
    }
    return removed;
  }

  /** `*.tmp` files of backups that never finished. */
  async tempFiles(): Promise<string[]> {
    return (await this.readNames()).filter(isTempBackupName);
  }

  async removeTempFile(name: string): Promise<void> {
    if (!isTempBackupName(name)) throw new AppError('INVALID_INPUT', `Keine temporäre Backup-Datei: ${name}`);
    await unlink(path.join(this.dir, name)).catch(ignoreMissing);
  }

  /** Marks a backup (or temp file) as being read or written; prune leaves it alone until released. */
  markInUse(name: string): () => void {
    this.inUse.set(name, (this.inUse.get(name) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.inUse.get(name) ?? 1) - 1;
      if (left <= 0) this.inUse.delete(name);
      else this.inUse.set(name, left);
    };
  }

  inUseNames(): ReadonlySet<string> {
    return new Set(this.inUse.keys());
  }

  private async readNames(): Promise<string[]> {
    try {
      return await readdir(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  }

}

function ignoreMissing(error: NodeJS.ErrnoException): void {
  if (error.code !== 'ENOENT') throw error;
}

async function syncPath(target: string, flags: 'r' | 'r+', mode?: number): Promise<void> {
  const handle = await open(target, flags);
  try {
    if (mode !== undefined) await handle.chmod(mode);
    await handle.sync();
  } finally {
    await handle.close();
  }
}
