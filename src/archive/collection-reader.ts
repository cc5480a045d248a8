import { createHash } from 'node:crypto';
import type { Document } from 'mongodb';
import { AppError } from '../shared/app-error.js';
import { ARCHIVE_LIMITS, CollectionFileParser, type ManifestCollection } from './archive-format.js';
import type { OpenedArchive } from './archive-reader.js';
import { checkLine, lineToDocument } from './extended-json.js';
import { splitLines } from './line-splitter.js';

/**
 * A batch ends at this many documents, or once its lines hold this many bytes
 * (never more than ARCHIVE_LIMITS.batchBytes, so that large documents do not
 * pile up by the thousand).
 */
export interface BatchLimits {
  readonly documents: number;
  readonly bytes?: number;
}

function invalidEntry(collection: ManifestCollection, reason: string, cause?: unknown): AppError {
  return new AppError('ARCHIVE_INVALID', `Ungültiges Backup-Archiv: ${collection.file}: ${reason}`, cause === undefined ? undefined : { cause });
}

/**
 * Streams the document lines of one collection file (bytes, without their
 * comma) in batches, checking the framing as it goes, and the count, size and
 * SHA-256 against the manifest at the end; the last batch comes only after
 * those checks. A caller that consumed every batch without an error has read
 * exactly what the manifest promises (the lines themselves are not parsed here).
 */
export async function* readCollectionLines(
  archive: OpenedArchive,
  collection: ManifestCollection,
  limits: BatchLimits | number = 1000,
): AsyncGenerator<Buffer[]> {
  const { documents: batchSize, bytes: byteLimit = ARCHIVE_LIMITS.batchBytes } = typeof limits === 'number' ? { documents: limits } : limits;
  const batchBytes = Math.min(byteLimit, ARCHIVE_LIMITS.batchBytes);
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

  const parser = new CollectionFileParser();
  let batch: Buffer[] = [];
  let lineBytes = 0;
  try {
    for await (const line of splitLines(hashed())) {
      const text = parser.line(line);
      if (text === undefined) continue;
      batch.push(text);
      lineBytes += text.length;
      if (batch.length >= batchSize || lineBytes >= batchBytes) {
        yield batch;
        batch = [];
        lineBytes = 0;
      }
    }
    const count = parser.end();
    if (count !== collection.count) throw new Error(`${count} Dokumente, laut Manifest ${collection.count}`);
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw invalidEntry(collection, (error as Error).message, error);
  } finally {
    // Also when the consumer stops early (an insert failed): close the entry.
    stream.destroy();
  }
  if (bytes !== collection.bytes) throw invalidEntry(collection, `${bytes} Bytes, laut Manifest ${collection.bytes}`);
  const digest = hash.digest('hex');
  if (digest !== collection.sha256) throw invalidEntry(collection, 'SHA-256-Prüfsumme stimmt nicht (Datei verändert oder beschädigt)');
  if (batch.length > 0) yield batch;
}

/** readCollectionLines, each line read as the archive's format version says (field names unescaped, their order kept) into its document. */
export function readCollectionDocuments(archive: OpenedArchive, collection: ManifestCollection, limits: BatchLimits | number = 1000): AsyncGenerator<Document[]> {
  return parsedBatches(archive, collection, limits, lineToDocument);
}

/**
 * Reads a collection file for verifying, keeping nothing: each line read
 * exactly as restore reads it, or with `parse: false` only framing, count,
 * size and SHA-256 checked. Yields how many lines each batch held.
 */
export async function* checkCollectionLines(archive: OpenedArchive, collection: ManifestCollection, options: { readonly parse: boolean }): AsyncGenerator<number> {
  const batches = options.parse ? parsedBatches(archive, collection, 1000, checkLine) : readCollectionLines(archive, collection);
  for await (const batch of batches) yield batch.length;
}

async function* parsedBatches<T>(
  archive: OpenedArchive,
  collection: ManifestCollection,
  limits: BatchLimits | number,
  parse: (line: Buffer, version: number) => T,
): AsyncGenerator<T[]> {
  const { version } = archive.manifest;
  // Line 1 is the opening "[", so document i (from 0) is on line i + 2.
  let nextLine = 2;
  for await (const lines of readCollectionLines(archive, collection, limits)) {
    yield lines.map((line) => {
      try {
        return parse(line, version);
      } catch (error) {
        throw invalidEntry(collection, `Zeile ${nextLine}: kein gültiges Extended JSON (${(error as Error).message})`, error);
      } finally {
        nextLine++;
      }
    });
  }
}
