import { createHash } from 'node:crypto';
import type { Document } from 'mongodb';
import { AppError } from '../shared/app-error.js';
import type { OpenedArchive } from './archive-reader.js';
import { CollectionFileParser } from './collection-file.js';
import { lineToDocument } from './extended-json.js';
import { splitLines } from './line-splitter.js';
import type { ManifestCollection } from './manifest.js';

/** A batch also ends at this much Extended JSON, so that large documents do not pile up by the thousand. */
const MAX_BATCH_TEXT = 16 * 1024 * 1024;

/**
 * Streams the documents of one collection file in batches, checking the
 * framing and every line as it goes, and the count, size and SHA-256 against
 * the manifest at the end. A caller that consumed every batch without an
 * error has read exactly what the manifest promises.
 */
export async function* readCollectionDocuments(
  archive: OpenedArchive,
  collection: ManifestCollection,
  batchSize = 1000,
): AsyncGenerator<Document[]> {
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

  const parser = new CollectionFileParser();
  let batch: Document[] = [];
  let batchText = 0;
  try {
    for await (const line of splitLines(hashed())) {
      const text = parser.line(line);
      if (text === undefined) continue;
      try {
        batch.push(lineToDocument(text));
      } catch (error) {
        throw new Error(`Zeile ${parser.currentLine}: kein gültiges Extended JSON (${(error as Error).message})`, { cause: error });
      }
      batchText += text.length;
      if (batch.length >= batchSize || batchText >= MAX_BATCH_TEXT) {
        yield batch;
        batch = [];
        batchText = 0;
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
