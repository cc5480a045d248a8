import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import archiver from 'archiver';
import { BSON, type Document } from 'mongodb';
import { appInfo } from '../shared/project.js';
import {
  ARCHIVE_FORMAT,
  ARCHIVE_LIMITS,
  ARCHIVE_VERSION,
  COLLECTION_FILE_START,
  collectionFileEnd,
  collectionFileName,
  documentSeparator,
  entrySizeProblem,
  lineSizeProblem,
  type Manifest,
  MANIFEST_FILE,
  type ManifestCollection,
  type ReadConsistency,
} from './archive-format.js';
import { openArchive } from './archive-reader.js';
import type { BackupKind } from './backup-name.js';

/** Text is handed on in pieces of about this size (a batch of large documents could pass V8's string limit). */
const CHUNK_CHARS = 8 * 1024 * 1024;

export interface CollectionSource {
  readonly name: string;
  /** As listIndexes returns them. */
  readonly indexes: readonly Document[];
  /** Batches of documents, each already one line of canonical Extended JSON. */
  readonly lines: AsyncIterable<readonly string[]>;
}

export interface ArchiveHeader {
  readonly kind: BackupKind;
  readonly createdAt: Date;
  readonly database: string;
  readonly consistency?: ReadConsistency;
}

export interface WriteProgress {
  readonly collection: string;
  readonly collectionIndex: number;
  readonly documentsDone: number;
}

export interface WriteArchiveOptions {
  readonly compressionLevel?: number;
  readonly onProgress?: (progress: WriteProgress) => void;
}

/**
 * Streams the collections into a new zip at `filePath` (which must not exist)
 * and writes the manifest last. Nothing the reader would refuse is written
 * (line length, entry size, manifest size, number of entries), and the
 * finished file is opened once with the reader. On failure it is removed and
 * the error is rethrown. (Making it durable is the backup store's job.)
 */
export async function writeArchive(
  filePath: string,
  header: ArchiveHeader,
  sources: Iterable<CollectionSource> | AsyncIterable<CollectionSource>,
  options: WriteArchiveOptions = {},
): Promise<Manifest> {
  const output = createWriteStream(filePath, { flags: 'wx' });
  const archive = archiver('zip', { zlib: { level: options.compressionLevel ?? 6 } });
  let failure: Error | undefined;
  const failed = new Promise<never>((_, reject) => {
    const fail = (error: Error) => {
      failure ??= error;
      reject(failure);
    };
    archive.on('error', fail);
    output.on('error', fail);
  });
  failed.catch(() => undefined);
  archive.pipe(output);
  const inputs: Readable[] = [];

  try {
    const collections: ManifestCollection[] = [];
    let index = 0;
    for await (const source of sources) {
      if (index + 2 > ARCHIVE_LIMITS.maxEntries) throw new Error(`mehr als ${ARCHIVE_LIMITS.maxEntries - 1} Collections passen nicht in ein Archiv`);
      collections.push(await appendCollection(archive, header, source, index++, failed, inputs, options.onProgress));
    }
    const manifest: Manifest = {
      format: ARCHIVE_FORMAT,
      version: ARCHIVE_VERSION,
      createdAt: header.createdAt.toISOString(),
      kind: header.kind,
      app: { name: appInfo.name, version: appInfo.version },
      database: header.database,
      ...(header.consistency ? { consistency: header.consistency } : {}),
      collections,
    };
    const manifestText = JSON.stringify(manifest, null, 2) + '\n';
    if (Buffer.byteLength(manifestText) > ARCHIVE_LIMITS.maxManifestBytes) throw new Error('manifest.json würde zu groß');
    archive.append(manifestText, { name: MANIFEST_FILE, date: header.createdAt });
    await Promise.race([archive.finalize(), failed]);
    await Promise.race([finished(output), failed]);
    (await openArchive(filePath)).close();
    return manifest;
  } catch (error) {
    for (const input of inputs) input.destroy();
    archive.abort();
    output.destroy();
    await unlink(filePath).catch(() => undefined);
    throw failure ?? error;
  }
}

async function appendCollection(
  archive: archiver.Archiver,
  header: ArchiveHeader,
  source: CollectionSource,
  collectionIndex: number,
  failed: Promise<never>,
  inputs: Readable[],
  onProgress: WriteArchiveOptions['onProgress'],
): Promise<ManifestCollection> {
  const hash = createHash('sha256');
  let bytes = 0;
  let count = 0;
  const file = collectionFileName(source.name);

  async function* encode(): AsyncGenerator<Buffer> {
    const emit = (text: string): Buffer => {
      const chunk = Buffer.from(text, 'utf8');
      hash.update(chunk);
      bytes += chunk.length;
      const tooLarge = entrySizeProblem(bytes);
      if (tooLarge) throw new Error(`Collection "${source.name}" wäre im Archiv ${tooLarge}`);
      return chunk;
    };
    yield emit(COLLECTION_FILE_START);
    for await (const batch of source.lines) {
      let text = '';
      for (const line of batch) {
        checkLine(source.name, count, line);
        text += documentSeparator(count++) + line;
        if (text.length >= CHUNK_CHARS) {
          yield emit(text);
          text = '';
        }
      }
      if (text) yield emit(text);
      onProgress?.({ collection: source.name, collectionIndex, documentsDone: count });
    }
    yield emit(collectionFileEnd(count));
  }

  const entryWritten = new Promise<void>((resolve) => {
    const onEntry = (entry: archiver.EntryData) => {
      if (entry.name !== file) return;
      archive.off('entry', onEntry);
      resolve();
    };
    archive.on('entry', onEntry);
  });
  // A few MiB of read-ahead lets reading and converting overlap with compressing and writing.
  const input = Readable.from(encode(), { objectMode: false, highWaterMark: 4 * 1024 * 1024 });
  // archiver pipes the source through a PassThrough, which does not pass errors on: catch them here.
  const sourceFailed = new Promise<never>((_, reject) => input.on('error', reject));
  inputs.push(input);
  archive.append(input, { name: file, date: header.createdAt });
  await Promise.race([entryWritten, failed, sourceFailed]);
  return {
    name: source.name,
    file,
    count,
    bytes,
    sha256: hash.digest('hex'),
    indexes: source.indexes.map((index) => BSON.EJSON.serialize(index, { relaxed: false })),
  };
}

/** The reader refuses a line over the limit: fail the backup rather than write one it could not restore. */
function checkLine(collection: string, index: number, line: string): void {
  // A UTF-16 code unit is at most 3 bytes of UTF-8; only long lines need counting. (+1: the comma.)
  if (line.length * 3 + 1 <= ARCHIVE_LIMITS.maxLineBytes) return;
  const problem = lineSizeProblem(Buffer.byteLength(line) + 1);
  if (problem) {
    throw new Error(
      `Collection "${collection}", Dokument Nr. ${index + 1}: als Extended JSON ${problem}; ` +
        'das Backup wird abgebrochen, weil es sich nicht wiederherstellen ließe',
    );
  }
}
