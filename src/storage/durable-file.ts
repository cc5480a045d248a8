import { open, rename } from 'node:fs/promises';
import path from 'node:path';

/** Flushes a folder's entries (a rename or unlink in it) to disk. */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Renames a flushed file into place and flushes the folder, so the new name survives a crash. */
export async function renameDurably(from: string, to: string): Promise<void> {
  await rename(from, to);
  await syncDirectory(path.dirname(to));
}
