import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { COLLECTION_FILE_START, collectionFileEnd, collectionFileName, documentSeparator } from '../../src/archive/archive-format.js';
import { rawZip } from './raw-zip.js';

/** A collection file of these Extended JSON lines, as the writer frames it. */
export function collectionFileText(lines: readonly string[]): string {
  return COLLECTION_FILE_START + lines.map((line, i) => documentSeparator(i) + line).join('') + collectionFileEnd(lines.length);
}

export interface HandmadeEntry {
  readonly name: string;
  /** The collection file the manifest promises (its size and SHA-256), e.g. collectionFileText(lines). */
  readonly promised: string;
  /** What the zip holds instead, if it differs from the promise. */
  readonly held?: string;
  /** The count in the manifest; default: the documents of `promised`. */
  readonly count?: number;
  /** Index definitions for the manifest (canonical Extended JSON of listIndexes). */
  readonly indexes?: readonly Record<string, unknown>[];
}

export interface HandmadeOptions {
  /** The manifest's format version; default 1. */
  readonly version?: number;
  /** Deflate the collection entries; default true. */
  readonly deflate?: boolean;
}

/** A well-formed archive written by hand into `dir` (format 1 unless told), whose manifest may promise other content than an entry holds. */
export function writeHandmadeArchive(dir: string, file: string, database: string, entries: readonly HandmadeEntry[], options: HandmadeOptions = {}): string {
  const manifest = {
    format: 'scandy-backup',
    version: options.version ?? 1,
    createdAt: new Date().toISOString(),
    kind: 'manual',
    app: { name: 'scandy-backup', version: '0.1.0' },
    database,
    collections: entries.map((e) => ({
      name: e.name,
      file: collectionFileName(e.name),
      count: e.count ?? e.promised.split('\n').length - 3,
      bytes: Buffer.byteLength(e.promised),
      sha256: createHash('sha256').update(e.promised).digest('hex'),
      indexes: e.indexes ?? [],
    })),
  };
  const target = path.join(dir, file);
  writeFileSync(
    target,
    rawZip([
      ...entries.map((e) => ({ name: collectionFileName(e.name), data: Buffer.from(e.held ?? e.promised), deflate: options.deflate ?? true })),
      { name: 'manifest.json', data: Buffer.from(JSON.stringify(manifest)) },
    ]),
  );
  return target;
}

/** One collection, `tools`, as held in the zip; the manifest promises `promised` (default: what is held). */
export function writeHandMadeArchive(
  file: string,
  entry: { readonly held: string; readonly promised?: string; readonly count: number },
  options: { readonly version: number; readonly deflate?: boolean },
): string {
  const tools = { name: 'tools', promised: entry.promised ?? entry.held, held: entry.held, count: entry.count };
  return writeHandmadeArchive(path.dirname(file), path.basename(file), 'scandy', [tools], { version: options.version, deflate: options.deflate ?? false });
}
