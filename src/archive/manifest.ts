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
