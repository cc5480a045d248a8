import { z } from 'zod';
import { isSafeCollectionName } from '../config/collections.js';
import { BACKUP_KINDS } from './backup-name.js';

export const ARCHIVE_FORMAT = 'scandy-backup';
/** The version this program writes; it reads every version from 1 up to it. */
export const ARCHIVE_VERSION = 2;
/**
 * 1: field names as they are. 2: field names that begin with `$` or are made
 * only of digits are escaped (see field-names.ts).
 */
export const READABLE_VERSIONS = [1, 2] as const;
export const MANIFEST_FILE = 'manifest.json';

export function collectionFileName(collection: string): string {
  return `collections/${collection}.json`;
}

const collectionEntry = z
  .object({
    name: z.string().refine(isSafeCollectionName, 'ist kein zulässiger Collection-Name'),
    file: z.string(),
    count: z.number().int().nonnegative(),
    bytes: z.number().int().nonnegative(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/, 'ist keine SHA-256-Prüfsumme'),
    /** Index definitions as listIndexes returns them, in canonical Extended JSON. */
    indexes: z.array(z.record(z.string(), z.unknown())),
  })
  .refine((c) => c.file === collectionFileName(c.name), { message: 'Dateiname passt nicht zum Collection-Namen', path: ['file'] });

/**
 * How the collections were read: all from one snapshot (MongoDB replica set),
 * or each as it was when it was read (standalone server, FerretDB, or a
 * snapshot that expired during a long backup). Archives without it say nothing.
 */
export const READ_CONSISTENCIES = ['snapshot', 'per-collection'] as const;
export type ReadConsistency = (typeof READ_CONSISTENCIES)[number];

export const manifestSchema = z
  .object({
    format: z.literal(ARCHIVE_FORMAT),
    version: z.union(READABLE_VERSIONS.map((v) => z.literal(v))),
    createdAt: z.iso.datetime(),
    kind: z.enum(BACKUP_KINDS),
    app: z.object({ name: z.string(), version: z.string() }),
    database: z.string(),
    consistency: z.enum(READ_CONSISTENCIES).optional(),
    collections: z.array(collectionEntry),
  })
  .refine((m) => new Set(m.collections.map((c) => c.name)).size === m.collections.length, {
    message: 'Collection-Namen sind doppelt',
    path: ['collections'],
  });

export type Manifest = z.infer<typeof manifestSchema>;
export type ManifestCollection = Manifest['collections'][number];

/**
 * The framing of `collections/NAME.json`: one JSON array, one document per
 * line, so that the file is valid JSON and can still be read line by line.
 *
 *     [
 *     {"_id":...},
 *     {"_id":...}
 *     ]
 */
export const COLLECTION_FILE_START = '[\n';

export function collectionFileEnd(count: number): string {
  return count === 0 ? ']\n' : '\n]\n';
}

export function documentSeparator(index: number): string {
  return index === 0 ? '' : ',\n';
}

const OPEN = 0x5b;
const CLOSE = 0x5d;
const COMMA = 0x2c;

/** Checks the framing line by line and hands out the document bytes of each line. */
export class CollectionFileParser {
  private state: 'start' | 'documents' | 'ended' = 'start';
  private previousHadComma = false;
  private documents = 0;
  private lineNumber = 0;

  /** Returns the document bytes of the line (without its comma), or undefined for a framing line. */
  line(bytes: Buffer): Buffer | undefined {
    this.lineNumber++;
    if (this.state === 'start') {
      if (!isOnly(bytes, OPEN)) this.fail('erwartet "[" in der ersten Zeile');
      this.state = 'documents';
      return undefined;
    }
    if (this.state === 'ended') {
      if (bytes.length > 0) this.fail('Text nach dem Ende des Arrays');
      return undefined;
    }
    if (isOnly(bytes, CLOSE)) {
      if (this.previousHadComma) this.fail('Komma nach dem letzten Dokument');
      this.state = 'ended';
      return undefined;
    }
    if (this.documents > 0 && !this.previousHadComma) this.fail('fehlendes Komma zwischen zwei Dokumenten');
    this.previousHadComma = bytes.at(-1) === COMMA;
    this.documents++;
    return this.previousHadComma ? bytes.subarray(0, -1) : bytes;
  }

  /** Call after the last line; throws unless the array was closed. */
  end(): number {
    if (this.state !== 'ended') this.fail('Datei endet vor dem schließenden "]" (abgeschnitten?)');
    return this.documents;
  }

  get currentLine(): number {
    return this.lineNumber;
  }

  private fail(reason: string): never {
    throw new Error(`Zeile ${this.lineNumber}: ${reason}`);
  }
}

function isOnly(bytes: Buffer, byte: number): boolean {
  return bytes.length === 1 && bytes[0] === byte;
}

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

/**
 * The limits of the archive format, in one place for the writer and the reader: the
 * reader refuses what breaks them (a hostile archive cannot exhaust memory or
 * disk), and the writer refuses to write it, so that every archive the
 * product writes, it can read back.
 *
 * How far an entry expands is bounded by the size its manifest declares
 * (covered by the manifest's SHA-256 of the file): the reader stops as soon as
 * more comes out. No blind compression ratio: zero-filled binaries compress
 * about 1000:1 and are still honest data.
 */
export const ARCHIVE_LIMITS = Object.freeze({
  maxEntries: 1000,
  maxManifestBytes: 16 * MiB,
  /** A 16 MiB BSON document of ordinary fields or binaries stays well below this as Extended JSON. */
  maxLineBytes: 64 * MiB,
  /**
   * Uncompressed size of one collection file. A Scandy collection is tens of
   * MiB; this bounds what a hostile archive that declares its size honestly
   * can make the reader inflate and parse.
   */
  maxEntryBytes: 64 * GiB,
  /** MongoDB's largest document (16 MiB, and the 16 KiB its own operations may add): no line may make more BSON. */
  maxDocumentBytes: 16 * MiB + 16 * 1024,
  /**
   * Longer lines are converted straight to BSON in slices instead of by
   * JSON.parse, so that no line, whatever its shape, needs more memory than
   * its document: JSON.parse of 64 MiB of tiny values would take gigabytes.
   */
  streamedLineBytes: 1 * MiB,
  /**
   * Documents read for verifying or restoring are handed on in batches that
   * also end at this many bytes (of lines, or of BSON read from the server),
   * so that large documents do not pile up by the thousand.
   */
  batchBytes: 16 * MiB,
});

/** Why a line of this many bytes (without its newline) may not be in an archive ("länger als …"), or undefined. */
export function lineSizeProblem(bytes: number): string | undefined {
  if (bytes <= ARCHIVE_LIMITS.maxLineBytes) return undefined;
  return `länger als ${ARCHIVE_LIMITS.maxLineBytes / MiB} MiB`;
}

/** Why an entry of this uncompressed size may not be in an archive, or undefined. */
export function entrySizeProblem(bytes: number): string | undefined {
  if (bytes <= ARCHIVE_LIMITS.maxEntryBytes) return undefined;
  return `entpackt größer als ${ARCHIVE_LIMITS.maxEntryBytes / GiB} GiB, der Obergrenze je Eintrag`;
}
