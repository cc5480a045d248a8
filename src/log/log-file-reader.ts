import { open } from 'node:fs/promises';
import { rotatedPath } from './rotating-log-file.js';

/** What the pages read of auto_backup.log. */
export interface LogReader {
  /** The last `lines` lines of auto_backup.log, oldest first, without reading the whole file. */
  tail(lines: number): Promise<string[]>;
}

const NEWLINE = 0x0a;

/**
 * The last `count` non-empty lines of a file, oldest first, read backwards
 * from the end in chunks so that a large log is never read whole. A missing
 * file has no lines.
 */
export async function readLastLines(filePath: string, count: number, chunkBytes = 64 * 1024): Promise<string[]> {
  if (count <= 0) return [];
  const handle = await open(filePath, 'r').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (!handle) return [];
  try {
    let position = (await handle.stat()).size;
    const chunks: Buffer[] = [];
    let newlines = 0;
    for (;;) {
      if (position === 0) return complete(chunks, false).slice(-count);
      const length = Math.min(chunkBytes, position);
      position -= length;
      const chunk = Buffer.alloc(length);
      const { bytesRead } = await handle.read(chunk, 0, length, position);
      const read = chunk.subarray(0, bytesRead);
      for (const byte of read) if (byte === NEWLINE) newlines += 1;
      chunks.unshift(read);
      // More than `count` newlines may hold `count` whole lines; blank ones do not count, so check.
      if (newlines > count && position > 0) {
        const lines = complete(chunks, true);
        if (lines.length >= count) return lines.slice(-count);
      }
    }
  } finally {
    await handle.close();
  }
}

/** The non-blank lines of the bytes read so far; the first one is cut off when the start of the file was not reached. */
function complete(chunks: readonly Buffer[], firstIsPartial: boolean): string[] {
  // Splitting bytes at '\n' never cuts a UTF-8 character: 0x0a occurs in no multi-byte sequence.
  const lines = splitLines(Buffer.concat(chunks));
  if (firstIsPartial) lines.shift();
  return lines.filter((line) => line.trim() !== '');
}

function splitLines(bytes: Buffer): string[] {
  const lines: string[] = [];
  let start = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === NEWLINE) {
      lines.push(bytes.subarray(start, i).toString('utf8').replace(/\r$/, ''));
      start = i + 1;
    }
  }
  if (start < bytes.length) lines.push(bytes.subarray(start).toString('utf8'));
  return lines;
}

/**
 * Tail of the log, continuing into the rotated files (`auto_backup1.log`, the
 * newest, then `auto_backup2.log` …) while the newer ones have too few lines.
 */
export function createLogReader(filePath: string, maxFiles = 5): LogReader {
  return {
    async tail(lines: number): Promise<string[]> {
      let result: string[] = [];
      for (let index = 0; index < maxFiles && result.length < lines; index++) {
        const older = await readLastLines(rotatedPath(filePath, index), lines - result.length);
        result = [...older, ...result];
      }
      return result;
    },
  };
}
