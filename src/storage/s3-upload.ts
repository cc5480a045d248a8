import { DeleteObjectCommand, GetObjectCommand, type HeadObjectCommandOutput } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { pipeline, type Readable } from 'node:stream';
import type { BackupName } from '../archive/backup-name.js';
import { ContentMeter, drain, type MeteredContent } from './content-check.js';
import { judgeUpload } from './s3-upload-check.js';
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
