import { closeSync, fstatSync, mkdirSync, openSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';

export interface RotatingLogFileOptions {
  /** The current file, e.g. `logs/auto_backup.log`; older ones are `auto_backup1.log` (newest) … */
  readonly path: string;
  /** Rotate before a line would take the current file past this size. */
  readonly maxBytes: number;
  /** Files kept, the current one included. */
  readonly maxFiles: number;
}

/** A rotation lock older than this belongs to a process that died while rotating. */
const STALE_LOCK_MS = 10_000;

/** `auto_backup.log` → `auto_backup3.log` (index 0 is the current file). */
export function rotatedPath(filePath: string, index: number): string {
  if (index === 0) return filePath;
  const { dir, name, ext } = path.parse(filePath);
  return path.join(dir, `${name}${index}${ext}`);
}

/**
 * A log file that several processes append to and rotate safely:
 *
 * - every line is one `write` on a descriptor opened with O_APPEND, so lines
 *   of different processes never tear or overwrite each other;
 * - the file is opened for each line, so after a rotation every process
 *   writes to the new file; a line whose descriptor was opened just before a
 *   rotation lands at the end of the file it opened (now `…1.log`): it is
 *   never lost;
 * - only the process that creates the lock file `….lock` (O_EXCL) rotates;
 *   it checks the size again under the lock, so one full file is rotated once.
 *   The others keep appending meanwhile.
 *
 * Files are created with mode 0600 and the folder with 0700.
 */
export class RotatingLogFile {
  private readonly lockPath: string;

  constructor(private readonly options: RotatingLogFileOptions) {
    this.lockPath = `${options.path}.lock`;
  }

  /** Appends `line` and a newline. Throws when the disk refuses. */
  append(line: string): void {
    const bytes = Buffer.from(`${line}\n`, 'utf8');
    let fd = this.open();
    try {
      const size = fstatSync(fd).size;
      if (size > 0 && size + bytes.length > this.options.maxBytes) {
        closeSync(fd);
        fd = -1;
        this.rotate(bytes.length);
        fd = this.open();
      }
      const written = writeSync(fd, bytes);
      if (written !== bytes.length) throw new Error(`nur ${written} von ${bytes.length} Bytes geschrieben`);
    } finally {
      if (fd >= 0) closeSync(fd);
    }
  }

  private open(): number {
    try {
      return openSync(this.options.path, 'a', 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      mkdirSync(path.dirname(this.options.path), { recursive: true, mode: 0o700 });
      return openSync(this.options.path, 'a', 0o600);
    }
  }

  private rotate(incomingBytes: number): void {
    if (!this.lock()) return;
    try {
      const size = statSync(this.options.path, { throwIfNoEntry: false })?.size ?? 0;
      // Another process rotated between our look at the size and taking the lock.
      if (size === 0 || size + incomingBytes <= this.options.maxBytes) return;
      const last = Math.max(0, this.options.maxFiles - 1);
      if (last === 0) unlinkIfExists(this.options.path);
      // Renaming onto the oldest name replaces it, so no file is ever missing from the chain for long.
      for (let index = last; index >= 1; index--) renameIfExists(rotatedPath(this.options.path, index - 1), rotatedPath(this.options.path, index));
    } finally {
      unlinkIfExists(this.lockPath);
    }
  }

  /** True when this process now holds the rotation lock. */
  private lock(): boolean {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        closeSync(openSync(this.lockPath, 'wx', 0o600));
        return true;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const since = statSync(this.lockPath, { throwIfNoEntry: false })?.mtimeMs;
        if (since !== undefined && Date.now() - since < STALE_LOCK_MS) return false;
        unlinkIfExists(this.lockPath);
      }
    }
    return false;
  }
}

function renameIfExists(from: string, to: string): void {
  ignoreMissing(() => renameSync(from, to));
}

function unlinkIfExists(file: string): void {
  ignoreMissing(() => unlinkSync(file));
}

function ignoreMissing(action: () => void): void {
  try {
    action();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
