import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { tempNameFor } from '../archive/backup-name.js';
import { describeError } from '../shared/app-error.js';
import { ContentMeter, meterStream } from './content-check.js';
import { renameDurably } from './durable-file.js';
import {
  StorageError,
  changedError,
  existsError,
  invalidNameError,
  isStorageError,
  notFoundError,
  sourceMismatchError,
} from './storage-error.js';
import {
  acceptBackupNames,
  newestFirst,
  storableName,
  type AcceptName,
  type ExpectedContent,
  type StoragePlace,
  type StoredFile,
  type WrittenFile,
} from './storage-place.js';

/**
 * The backup folder on this machine. Files are private to the app's user
 * (0600, a new folder 0700) and appear under their name only when complete
 * and flushed to disk (`*.tmp`, fsync, rename, fsync of the folder).
 */
export class LocalFolderPlace implements StoragePlace {
  readonly kind = 'local' as const;
  readonly where: string;

  constructor(
    readonly dir: string,
    private readonly accept: AcceptName = acceptBackupNames,
  ) {
    this.where = `Backup-Ordner ${dir}`;
  }

  /** Backups and their sidecars: the names stat, read, write and remove take. */
  private storable(name: string) {
    return storableName(this.accept, name);
  }

  async list(): Promise<StoredFile[]> {
    const files: StoredFile[] = [];
    for (const entry of await this.readNames()) {
      const parsed = this.accept(entry);
      if (!parsed) continue;
      const info = await stat(path.join(this.dir, entry)).catch(() => undefined);
      if (info?.isFile()) files.push({ ...parsed, size: info.size });
    }
    return newestFirst(files);
  }

  async stat(name: string): Promise<StoredFile | undefined> {
    const parsed = this.storable(name);
    if (!parsed) return undefined;
    const info = await stat(path.join(this.dir, name)).catch(() => undefined);
    return info?.isFile() ? { ...parsed, size: info.size } : undefined;
  }

  async openRead(name: string, expected: ExpectedContent = {}): Promise<Readable> {
    const found = await this.stat(name);
    if (!found) throw this.storable(name) ? notFoundError(name, this.where) : invalidNameError(name);
    const meter = new ContentMeter({
      expected: { size: expected.size ?? found.size, sha256: expected.sha256 },
      onDifference: (difference) => changedError(name, this.where, difference),
    });
    return meterStream(createReadStream(path.join(this.dir, name)), meter, (error) => this.translate(error, name));
  }

  async writeNew(name: string, source: Readable, expected: ExpectedContent = {}): Promise<WrittenFile> {
    try {
      return await this.write(name, source, expected);
    } catch (error) {
      source.destroy();
      throw error;
    }
  }

  private async write(name: string, source: Readable, expected: ExpectedContent): Promise<WrittenFile> {
    const parsed = this.storable(name);
    if (!parsed) throw invalidNameError(name);
    await mkdir(this.dir, { recursive: true, mode: 0o700 }).catch((error: unknown) => {
      throw this.translate(error, name);
    });
    const finalPath = path.join(this.dir, name);
    const tempPath = path.join(this.dir, tempNameFor(name));
    if (await this.stat(name)) throw existsError(name, this.where);
    const meter = new ContentMeter({ expected, onDifference: (difference) => sourceMismatchError(name, this.where, difference) });
    const file = createWriteStream(tempPath, { flags: 'wx', mode: 0o600, flush: true });
    let createdTemp = false;
    file.once('open', () => (createdTemp = true));
    try {
      await pipeline(source, meter, file);
      if (await this.stat(name)) throw existsError(name, this.where);
      await renameDurably(tempPath, finalPath);
    } catch (error) {
      if (!file.closed) await new Promise<void>((resolve) => file.once('close', () => resolve()));
      // Only our own temp file; a `wx` refusal means another write of this name owns it.
      if (createdTemp) await unlink(tempPath).catch(() => undefined);
      throw this.translate(error, name);
    }
    const { size, sha256 } = meter.measured();
    return { ...parsed, size, sha256 };
  }

  async remove(name: string): Promise<void> {
    if (!this.storable(name)) throw invalidNameError(name);
    await unlink(path.join(this.dir, name)).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw this.translate(error, name);
    });
  }

  private async readNames(): Promise<string[]> {
    try {
      return await readdir(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw this.translate(error);
    }
  }

  /** File-system errors in German; StorageErrors and the source stream's own errors pass unchanged. */
  private translate(error: unknown, name?: string): Error {
    if (!(error instanceof Error)) return new Error(String(error));
    if (isStorageError(error)) return error;
    const { code, path: errorPath } = (error ?? {}) as NodeJS.ErrnoException;
    if (errorPath !== undefined && !errorPath.startsWith(this.dir)) return error;
    const subject = name ? `${name} in ${this.where}` : this.where;
    switch (code) {
      case 'ENOENT':
        return name ? notFoundError(name, this.where) : error;
      case 'EEXIST':
        return name ? existsError(name, this.where) : error;
      case 'EACCES':
      case 'EPERM':
      case 'EROFS':
        return new StorageError('forbidden', `Keine Schreib- oder Leseberechtigung für ${subject} (${code})`, { cause: error });
      case 'ENOSPC':
      case 'EDQUOT':
        return new StorageError('failed', `Kein Speicherplatz mehr für ${subject} (${code})`, { cause: error });
      case 'EIO':
        return new StorageError('failed', `Ein-/Ausgabefehler bei ${subject}: ${describeError(error)}`, { cause: error });
      default:
        return error;
    }
  }
}
