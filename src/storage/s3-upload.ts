import { DeleteObjectCommand, GetObjectCommand, type HeadObjectCommandOutput } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { createHash } from 'node:crypto';
import { pipeline, type Readable } from 'node:stream';
import type { BackupName } from '../archive/backup-name.js';
import { formatCount } from '../shared/human-units.js';
import { ContentMeter, drain, type MeteredContent } from './content-check.js';
import { SHA256_METADATA_KEY, type S3Target } from './s3-target.js';
import { existsError, sourceMismatchError, StorageError } from './storage-error.js';
import type { ExpectedContent, WrittenFile } from './storage-place.js';

export interface UploadTuning {
  /** Bytes per multipart part (at least 5 MiB); smaller files go up in one PUT. */
  readonly partSize?: number;
  /** Parts in flight at once; memory is about partSize × (queueSize + 1). */
  readonly queueSize?: number;
  /** Check every upload by reading it back, even when the server reports a checksum. */
  readonly alwaysReadBack?: boolean;
}

const DEFAULT_PART_SIZE = 8 * 1024 * 1024;
const DEFAULT_QUEUE_SIZE = 2;

type Head = (name: string) => Promise<HeadObjectCommandOutput | undefined>;

/**
 * Streams `source` into a (multipart) upload with a SHA-256 checksum per
 * request, then compares the stored object's size and the SHA-256 the server
 * computed with what was streamed (or reads it back when the server reports
 * none). An object that fails the check is deleted again.
 */
export async function uploadChecked(
  target: S3Target,
  parsed: BackupName,
  source: Readable,
  expected: ExpectedContent,
  tuning: UploadTuning,
  head: Head,
): Promise<WrittenFile> {
  const { name } = parsed;
  if (await head(name)) throw existsError(name, target.where);
  const partSize = tuning.partSize ?? DEFAULT_PART_SIZE;
  const meter = new ContentMeter({ expected, partSize, onDifference: (difference) => sourceMismatchError(name, target.where, difference) });
  // The source's own failure is passed on as it is; anything else is the bucket's.
  let sourceFailure: unknown;
  source.once('error', (error) => (sourceFailure ??= error));
  pipeline(source, meter, () => undefined);
  const upload = new Upload({
    client: target.client,
    partSize,
    queueSize: tuning.queueSize ?? DEFAULT_QUEUE_SIZE,
    leavePartsOnError: false,
    params: {
      Bucket: target.bucket,
      Key: target.key(name),
      Body: meter,
      ChecksumAlgorithm: 'SHA256',
      ...(expected.sha256 ? { Metadata: { [SHA256_METADATA_KEY]: expected.sha256.toLowerCase() } } : {}),
    },
  });
  try {
    await upload.done();
  } catch (error) {
    meter.destroy();
    throw error === sourceFailure ? error : target.fail(error, 'write', name);
  }
  const streamed = meter.measured();
  await checkStoredObject(target, name, streamed, tuning, head);
  return { ...parsed, size: streamed.size, sha256: streamed.sha256 };
}

async function checkStoredObject(target: S3Target, name: string, streamed: MeteredContent, tuning: UploadTuning, head: Head): Promise<void> {
  const stored = await head(name);
  let verdict = judgeUpload(
    { size: stored?.ContentLength, checksumSha256: stored?.ChecksumSHA256, checksumType: stored?.ChecksumType },
    streamed,
  );
  if (verdict.kind === 'unverifiable' || (verdict.kind === 'match' && tuning.alwaysReadBack)) {
    const difference = await readBackDifference(target, name, streamed);
    verdict = difference === undefined ? { kind: 'match' } : { kind: 'mismatch', difference };
  }
  if (verdict.kind === 'match') return;
  await target.client.send(new DeleteObjectCommand({ Bucket: target.bucket, Key: target.key(name) })).catch(() => undefined);
  throw new StorageError(
    'changed',
    `Hochgeladenes Backup ${name} in ${target.where} stimmt nicht mit dem Original überein (${verdict.difference}) und wurde wieder entfernt`,
  );
}

/** Reads the whole object and says how it differs from what was streamed, or undefined. */
async function readBackDifference(target: S3Target, name: string, streamed: MeteredContent): Promise<string | undefined> {
  let difference: string | undefined;
  const meter = new ContentMeter({
    expected: { size: streamed.size, sha256: streamed.sha256 },
    onDifference: (found) => {
      difference = found;
      return new Error(found);
    },
  });
  try {
    const response = await target.client.send(new GetObjectCommand({ Bucket: target.bucket, Key: target.key(name) }));
    pipeline(response.Body as Readable, meter, () => undefined);
    await drain(meter);
  } catch (error) {
    if (difference !== undefined) return difference;
    throw target.fail(error, 'check', name);
  }
  return undefined;
}

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
