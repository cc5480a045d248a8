import type { ExpectedContent, StoragePlace } from './storage-place.js';

/** Reads a stream to its end, discarding the bytes; fails with the stream's error. */
export async function drain(stream: AsyncIterable<unknown>): Promise<void> {
  for await (const _chunk of stream) {
    // Only the end (or the failure) matters.
  }
}

/**
 * Reads a stored backup completely; fails (reason `changed`) when its bytes
 * differ from `expected` or from what the place recorded at write time.
 */
export async function verifyStored(place: StoragePlace, name: string, expected?: ExpectedContent): Promise<void> {
  await drain(await place.openRead(name, expected));
}
