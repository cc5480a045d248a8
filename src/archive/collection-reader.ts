import { createHash } from 'node:crypto';
import type { Document } from 'mongodb';
import { AppError } from '../shared/app-error.js';
import { ARCHIVE_LIMITS } from './archive-limits.js';
import type { OpenedArchive } from './archive-reader.js';
import { CollectionFileParser } from './collection-file.js';
import { checkLine, lineToDocument } from './extended-json.js';
import { splitLines } from './line-splitter.js';
import type { ManifestCollection } from './manifest.js';

/**
 * Streams the documents of one collection file in batches, checking the
 * framing and every line as it goes, and the count, size and SHA-256 against
 * the manifest at the end. A caller that consumed every batch without an
 * error has read exactly what the manifest promises.
 */
export function readCollectionDocuments(archive: OpenedArchive, collection: ManifestCollection, batchSize = 1000): AsyncGenerator<Document[]> {
  return parsedBatches(archive, collection, batchSize, lineToDocument);
}

/** As readCollectionDocuments, for verifying: each line is read as restore reads it, and nothing is kept. Yields how many lines each step checked. */
export async function* checkCollectionLines(archive: OpenedArchive, collection: ManifestCollection): AsyncGenerator<number> {
  for await (const batch of parsedBatches(archive, collection, 1000, checkLine)) yield batch.length;
}

async function* parsedBatches<T>(
  archive: OpenedArchive,
  collection: ManifestCollection,
  batchSize: number,
  parse: (line: Buffer, version: number) => T,
): AsyncGenerator<T[]> {
  const fail = (reason: string, cause?: unknown) =>
    new AppError('ARCHIVE_INVALID', `Ungültiges Backup-Archiv: ${collection.file}: ${reason}`, cause === undefined ? undefined : { cause });

  const hash = createHash('sha256');
  let bytes = 0;
  const stream = await archive.openEntry(collection.file);
  async function* hashed(): AsyncGenerator<Buffer> {
    for await (const chunk of stream) {
      hash.update(chunk as Buffer);
      bytes += (chunk as Buffer).length;
      yield chunk as Buffer;
    }
  }

  const { version } = archive.manifest;
  const parser = new CollectionFileParser();
  let batch: T[] = [];
  let batchBytes = 0;
  try {
    for await (const line of splitLines(hashed())) {
      const text = parser.line(line);
      if (text === undefined) continue;
      try {
        batch.push(parse(text, version));
      } catch (error) {
        throw new Error(`Zeile ${parser.currentLine}: kein gültiges Extended JSON (${(error as Error).message})`, { cause: error });
      }
      batchBytes += text.length;
      if (batch.length >= batchSize || batchBytes >= ARCHIVE_LIMITS.batchBytes) {
        yield batch;
        batch = [];
        batchBytes = 0;
      }
    }
    const count = parser.end();
    if (count !== collection.count) throw new Error(`${count} Dokumente, laut Manifest ${collection.count}`);
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw fail((error as Error).message, error);
  } finally {
    // Also when the consumer stops early (an insert failed): close the entry.
    stream.destroy();
  }
  if (bytes !== collection.bytes) throw fail(`${bytes} Bytes, laut Manifest ${collection.bytes}`);
  const digest = hash.digest('hex');
  if (digest !== collection.sha256) throw fail('SHA-256-Prüfsumme stimmt nicht (Datei verändert oder beschädigt)');
  if (batch.length > 0) yield batch;
}
