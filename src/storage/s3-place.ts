import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  paginateListObjectsV2,
  type HeadObjectCommandOutput,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import type { S3Config } from '../config/s3-config.js';
import type { Readable } from 'node:stream';
import { ContentMeter, meterStream } from './content-check.js';
import type { S3Operation } from './s3-errors.js';
import { createS3Client } from './s3-client.js';
import { S3Target, SHA256_METADATA_KEY } from './s3-target.js';
import { fullObjectSha256Hex, uploadChecked, type UploadTuning } from './s3-upload.js';
import { changedError, invalidNameError, notFoundError } from './storage-error.js';
import {
  acceptBackupNames,
  newestFirst,
  storableName,
  type AcceptName,
  type ExpectedContent,
  type StoragePlace,
  type StoredFile,
  type WrittenFile,
} from './storage-place.js';

/**
 * Backups in an S3-compatible bucket, one object per archive under the
 * prefix. Unfinished multipart uploads are invisible to ListObjects, so only
 * complete, checked uploads are ever listed.
 */
export class S3Place implements StoragePlace {
  readonly kind = 's3' as const;
  readonly where: string;

  constructor(
    private readonly target: S3Target,
    private readonly accept: AcceptName = acceptBackupNames,
    private readonly tuning: UploadTuning = {},
  ) {
    this.where = target.where;
  }

  /** Backups and their sidecars: the names stat, read, write and remove take. */
  private storable(name: string) {
    return storableName(this.accept, name);
  }

  async list(): Promise<StoredFile[]> {
    const { client, bucket, listPrefix } = this.target;
    const files: StoredFile[] = [];
    try {
      // The delimiter keeps "sub-folders" under the prefix out: they are not ours.
      for await (const page of paginateListObjectsV2({ client }, { Bucket: bucket, Prefix: listPrefix, Delimiter: '/' })) {
        for (const object of page.Contents ?? []) {
          const parsed = object.Key ? this.accept(object.Key.slice(listPrefix.length)) : undefined;
          if (parsed) files.push({ ...parsed, size: object.Size ?? 0 });
        }
      }
    } catch (error) {
      throw this.target.fail(error, 'list');
    }
    return newestFirst(files);
  }

  async stat(name: string): Promise<StoredFile | undefined> {
    const parsed = this.storable(name);
    if (!parsed) return undefined;
    const head = await this.head(name, 'check');
    if (!head) return undefined;
    const sha256 = recordedSha256(head);
    return { ...parsed, size: head.ContentLength ?? 0, ...(sha256 ? { sha256 } : {}) };
  }

  async openRead(name: string, expected: ExpectedContent = {}): Promise<Readable> {
    if (!this.storable(name)) throw invalidNameError(name);
    const { client, bucket } = this.target;
    let response;
    try {
      response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: this.target.key(name), ChecksumMode: 'ENABLED' }));
    } catch (error) {
      if (isMissing(error)) throw notFoundError(name, this.where);
      throw this.target.fail(error, 'read', name);
    }
    const meter = new ContentMeter({
      expected: { size: expected.size ?? response.ContentLength, sha256: expected.sha256 ?? recordedSha256(response) },
      onDifference: (difference) => changedError(name, this.where, difference),
    });
    return meterStream(response.Body as Readable, meter, (error) => this.target.fail(error, 'read', name));
  }

  async writeNew(name: string, source: Readable, expected: ExpectedContent = {}): Promise<WrittenFile> {
    try {
      const parsed = this.storable(name);
      if (!parsed) throw invalidNameError(name);
      return await uploadChecked(this.target, parsed, source, expected, this.tuning, (n) => this.head(n, 'write'));
    } catch (error) {
      source.destroy();
      throw error;
    }
  }

  async remove(name: string): Promise<void> {
    if (!this.storable(name)) throw invalidNameError(name);
    try {
      await this.target.client.send(new DeleteObjectCommand({ Bucket: this.target.bucket, Key: this.target.key(name) }));
    } catch (error) {
      throw this.target.fail(error, 'remove', name);
    }
  }

  private async head(name: string, operation: S3Operation): Promise<HeadObjectCommandOutput | undefined> {
    try {
      return await this.target.client.send(
        new HeadObjectCommand({ Bucket: this.target.bucket, Key: this.target.key(name), ChecksumMode: 'ENABLED' }),
      );
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw this.target.fail(await this.explainBareForbidden(error, name), operation, name);
    }
  }

  /**
   * A HEAD response has no body, so a 403 does not say whether the keys are
   * wrong or only the permission is missing. A one-byte GET of the same
   * object needs the same permission and answers with the error code.
   */
  private async explainBareForbidden(error: unknown, name: string): Promise<unknown> {
    const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
    if (e?.$metadata?.httpStatusCode !== 403 || (e.name !== 'Unknown' && e.name !== '403' && e.name !== 'Forbidden')) return error;
    try {
      const probe = await this.target.client.send(new GetObjectCommand({ Bucket: this.target.bucket, Key: this.target.key(name), Range: 'bytes=0-0' }));
      (probe.Body as Readable | undefined)?.destroy();
      return error;
    } catch (explained) {
      return explained;
    }
  }
}

export interface S3PlaceOptions {
  /** Instead of the AWS SDK's own variables and files (tests, tools). */
  readonly clientOverrides?: S3ClientConfig;
  readonly accept?: AcceptName;
  readonly tuning?: UploadTuning;
}

/** The bucket place of the BACKUP_S3_* settings. */
export function createS3Place(config: S3Config, options: S3PlaceOptions = {}): S3Place {
  const client = createS3Client(config, options.clientOverrides);
  return new S3Place(S3Target.fromConfig(client, config), options.accept, options.tuning);
}

/** The SHA-256 recorded at upload (our metadata), else a full-object SHA-256 the server computed. */
function recordedSha256(head: Pick<HeadObjectCommandOutput, 'Metadata' | 'ChecksumSHA256' | 'ChecksumType'>): string | undefined {
  const recorded = head.Metadata?.[SHA256_METADATA_KEY];
  if (recorded && /^[0-9a-f]{64}$/.test(recorded)) return recorded;
  return fullObjectSha256Hex({ checksumSha256: head.ChecksumSHA256, checksumType: head.ChecksumType });
}

function isMissing(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NotFound' || e?.name === 'NoSuchKey' || (e?.$metadata?.httpStatusCode === 404 && e?.name !== 'NoSuchBucket');
}
