import type { S3Client } from '@aws-sdk/client-s3';
import type { S3Config } from '../config/s3-config.js';
import { translateS3Error, type S3Operation } from './s3-errors.js';

/** The metadata key (`x-amz-meta-scandy-sha256`) holding the whole file's SHA-256, hex. */
export const SHA256_METADATA_KEY = 'scandy-sha256';

/** A bucket and key prefix, reached through one client. */
export class S3Target {
  readonly where: string;

  constructor(
    readonly client: S3Client,
    readonly bucket: string,
    readonly prefix: string,
  ) {
    this.where = `S3-Bucket s3://${prefix ? `${bucket}/${prefix}` : bucket}`;
  }

  static fromConfig(client: S3Client, config: Pick<S3Config, 'bucket' | 'prefix'>): S3Target {
    return new S3Target(client, config.bucket, config.prefix);
  }

  /** Objects live under the prefix with the archive's own file name. */
  key(name: string): string {
    return this.prefix ? `${this.prefix}/${name}` : name;
  }

  /** The prefix as ListObjects wants it: '' or `prefix/`. */
  get listPrefix(): string {
    return this.prefix ? `${this.prefix}/` : '';
  }

  fail(error: unknown, operation: S3Operation, name?: string): Error {
    return translateS3Error(error, { operation, bucket: this.bucket, where: this.where, ...(name === undefined ? {} : { name }) });
  }
}
