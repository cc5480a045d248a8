import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { rawZip } from './raw-zip.js';

export interface HandMadeEntry {
  /** The text of collections/tools.json as stored. */
  readonly held: string;
  /** What the manifest promises (size and SHA-256); default: what is held. */
  readonly promised?: string;
  readonly count: number;
}

/**
 * Writes an archive of one collection, `tools`, made by hand rather than by
 * the writer: any format version, a manifest that may promise other content
 * than the entry holds.
 */
export function writeHandMadeArchive(file: string, entry: HandMadeEntry, options: { readonly version: number; readonly deflate?: boolean }): string {
  const promised = entry.promised ?? entry.held;
  const manifest = {
    format: 'scandy-backup',
    version: options.version,
    createdAt: '2026-11-27T07:00:00.000Z',
    kind: 'manual',
    app: { name: 'scandy-backup', version: '0.1.0' },
    database: 'scandy',
    collections: [
      {
        name: 'tools',
        file: 'collections/tools.json',
        count: entry.count,
        bytes: Buffer.byteLength(promised),
        sha256: createHash('sha256').update(promised).digest('hex'),
        indexes: [],
      },
    ],
  };
  writeFileSync(
    file,
    rawZip([
      { name: 'collections/tools.json', data: Buffer.from(entry.held), deflate: options.deflate ?? false },
      { name: 'manifest.json', data: Buffer.from(JSON.stringify(manifest)) },
    ]),
  );
  return file;
}
