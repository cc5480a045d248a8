import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import archiver from 'archiver';
import { BSON, type Document } from 'mongodb';
import { appInfo } from '../shared/project.js';
import type { BackupKind } from './backup-name.js';
import { COLLECTION_FILE_START, collectionFileEnd, documentSeparator } from './collection-file.js';
import {
  ARCHIVE_FORMAT,
  ARCHIVE_VERSION,
  MANIFEST_FILE,
  collectionFileName,
  type Manifest,
  type ManifestCollection,
} from './manifest.js';

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
 * and writes the manifest last. On failure it is removed and the error is
 * rethrown. (Making it durable is the backup store's job.)
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
      collections.push(await appendCollection(archive, header, source, index++, failed, inputs, options.onProgress));
    }
    const manifest: Manifest = {
      format: ARCHIVE_FORMAT,
      version: ARCHIVE_VERSION,
      createdAt: header.createdAt.toISOString(),
      kind: header.kind,
      app: { name: appInfo.name, version: appInfo.version },
      database: header.database,
      collections,
    };
    archive.append(JSON.stringify(manifest, null, 2) + '\n', { name: MANIFEST_FILE, date: header.createdAt });
    await Promise.race([archive.finalize(), failed]);
    await Promise.race([finished(output), failed]);
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
      return chunk;
    };
    yield emit(COLLECTION_FILE_START);
    for await (const batch of source.lines) {
      let text = '';
      for (const line of batch) text += documentSeparator(count++) + line;
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
