import { z } from 'zod';
import { isSafeCollectionName } from '../config/collections.js';
import { BACKUP_KINDS } from './backup-name.js';
import { READ_CONSISTENCIES, type Manifest } from './archive-format.js';

/**
 * The small unencrypted description written beside each new archive
 * (`NAME.json`): enough to list and check an encrypted archive without its
 * key. Names and counts only, never document contents; the manifest inside
 * the archive stays the authority for restore. Written last: a sidecar means
 * the archive is whole.
 */
export const SIDECAR_FORMAT = 'scandy-backup-meta';
export const SIDECAR_VERSION = 1;

export const sidecarSchema = z.object({
  format: z.literal(SIDECAR_FORMAT),
  version: z.literal(SIDECAR_VERSION),
  name: z.string(),
  createdAt: z.iso.datetime(),
  kind: z.enum(BACKUP_KINDS),
  size: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  encrypted: z.object({ scheme: z.literal('age'), recipients: z.array(z.string()) }).nullable(),
  consistency: z.enum(READ_CONSISTENCIES).nullable(),
  collections: z.array(z.object({ name: z.string().refine(isSafeCollectionName), count: z.number().int().nonnegative() })),
});

export type Sidecar = z.infer<typeof sidecarSchema>;

export interface StoredFileFacts {
  readonly name: string;
  readonly size: number;
  readonly sha256: string;
  /** The recipients the file was encrypted to; empty: a plain zip. */
  readonly recipients: readonly string[];
}

export function sidecarFor(manifest: Manifest, file: StoredFileFacts): Sidecar {
  return {
    format: SIDECAR_FORMAT,
    version: SIDECAR_VERSION,
    name: file.name,
    createdAt: manifest.createdAt,
    kind: manifest.kind,
    size: file.size,
    sha256: file.sha256,
    encrypted: file.recipients.length > 0 ? { scheme: 'age', recipients: [...file.recipients] } : null,
    consistency: manifest.consistency ?? null,
    collections: manifest.collections.map((c) => ({ name: c.name, count: c.count })),
  };
}

export function formatSidecar(sidecar: Sidecar): string {
  return JSON.stringify(sidecar, null, 2) + '\n';
}

/** The sidecar of `name`, or undefined when the text is no valid sidecar of exactly that archive (then it is ignored). */
export function parseSidecar(text: string, name: string): Sidecar | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = sidecarSchema.safeParse(json);
  return parsed.success && parsed.data.name === name ? parsed.data : undefined;
}
