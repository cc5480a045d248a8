import { createHash } from 'node:crypto';
import { formatCount } from '../shared/human-units.js';
import type { MeteredContent } from './content-check.js';

/** What HeadObject (with checksum mode) says about a stored object. */
export interface ObjectChecksums {
  readonly size: number | undefined;
  /** `x-amz-checksum-sha256`: base64 of the whole object, or `<base64>-<parts>` for a composite. */
  readonly checksumSha256: string | undefined;
  /** `x-amz-checksum-type`: FULL_OBJECT or COMPOSITE, when the server says. */
  readonly checksumType: string | undefined;
}

export type UploadVerdict =
  | { readonly kind: 'match' }
  | { readonly kind: 'mismatch'; readonly difference: string }
  /** The server gave no SHA-256 we can compare: read the object back. */
  | { readonly kind: 'unverifiable' };

/**
 * Compares what the server computed over the bytes it stored with what was
 * streamed. SHA-256 on S3 (and on versitygw) is a full-object checksum only
 * for a single PUT; a multipart upload gets a COMPOSITE one, the SHA-256 of
 * the parts' SHA-256 digests. The streamed side hashed the same parts, so
 * both kinds are compared for real; a part count that does not match ours
 * cannot be compared and is read back instead.
 */
export function judgeUpload(stored: ObjectChecksums, streamed: MeteredContent): UploadVerdict {
  if (stored.size !== streamed.size) {
    return { kind: 'mismatch', difference: `${formatCount(stored.size ?? 0)} statt ${formatCount(streamed.size)} Bytes` };
  }
  const checksum = stored.checksumSha256;
  if (!checksum) return { kind: 'unverifiable' };
  const full = hexToBase64(streamed.sha256);
  const composite = compositeSha256(streamed.partSha256s);
  const dash = checksum.lastIndexOf('-');
  if (dash >= 0) {
    if (checksum.slice(dash + 1) !== String(streamed.partSha256s.length)) return { kind: 'unverifiable' };
    return checksum === composite ? { kind: 'match' } : SHA_MISMATCH;
  }
  if (checksum === full) return { kind: 'match' };
  // Some servers report a composite without its "-<parts>" suffix.
  if (stored.checksumType === 'COMPOSITE') return checksum === composite.slice(0, composite.lastIndexOf('-')) ? { kind: 'match' } : SHA_MISMATCH;
  return SHA_MISMATCH;
}

const SHA_MISMATCH: UploadVerdict = { kind: 'mismatch', difference: 'SHA-256-Prüfsumme des Servers weicht ab' };

/** S3's composite SHA-256: base64 of the SHA-256 over the parts' binary digests, then `-<number of parts>`. */
export function compositeSha256(partDigests: readonly Buffer[]): string {
  const hash = createHash('sha256');
  for (const digest of partDigests) hash.update(digest);
  return `${hash.digest('base64')}-${partDigests.length}`;
}

export function hexToBase64(hex: string): string {
  return Buffer.from(hex, 'hex').toString('base64');
}

/** A full-object SHA-256 the server reports, as hex; undefined for a composite or anything malformed. */
export function fullObjectSha256Hex(stored: Pick<ObjectChecksums, 'checksumSha256' | 'checksumType'>): string | undefined {
  const checksum = stored.checksumSha256;
  if (!checksum || checksum.includes('-') || stored.checksumType === 'COMPOSITE') return undefined;
  const bytes = Buffer.from(checksum, 'base64');
  return bytes.length === 32 ? bytes.toString('hex') : undefined;
}
