import { createHash } from 'node:crypto';
import path from 'node:path';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import type { Db } from 'mongodb';
import { composeBackupSystem, type BackupSystem } from '../../src/app/compose.js';
import { MongoOperationLock } from '../../src/backup/operation-lock.js';
import { loadConfig } from '../../src/config/config.js';
import type { Clock } from '../../src/shared/clock.js';
import { S3Place } from '../../src/storage/s3-place.js';
import { S3Target } from '../../src/storage/s3-target.js';
import type { TestS3Server } from './s3-server.js';

export const OFFSITE_PREFIX = 'werkstatt';

/** The bucket of the test server as the app's place, reached with the root keys. */
export function testBucketPlace(server: TestS3Server, credentials?: { accessKeyId: string; secretAccessKey: string }): S3Place {
  return new S3Place(new S3Target(server.client(credentials), server.bucket!, OFFSITE_PREFIX));
}

/** SHA-256 (hex) of an object in the test bucket, read through the S3 API. */
export async function objectSha256(server: TestS3Server, name: string): Promise<string> {
  const response = await server.client().send(new GetObjectCommand({ Bucket: server.bucket!, Key: `${OFFSITE_PREFIX}/${name}` }));
  return createHash('sha256').update(await response.Body!.transformToByteArray()).digest('hex');
}

/** The AWS SDK variables that point the app's own client at the test server. */
export function awsEnvironment(server: TestS3Server): Record<string, string> {
  return {
    AWS_ACCESS_KEY_ID: server.accessKeyId,
    AWS_SECRET_ACCESS_KEY: server.secretAccessKey,
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL_S3: server.endpoint,
    BACKUP_S3_URL: `s3://${server.bucket!}/${OFFSITE_PREFIX}`,
    BACKUP_S3_FORCE_PATH_STYLE: 'true',
  };
}

export interface AppProcessOptions {
  readonly db: Db;
  /** Holds the log folder `logs`. */
  readonly root: string;
  readonly backupDir: string;
  readonly owner: string;
  readonly clock: Clock;
  readonly smtpUrl: string;
  /** The bucket to copy to; none: BACKUP_S3_URL unset. */
  readonly server: TestS3Server | undefined;
}

/** One app process (its own backup folder and lock owner, the shared database), mailing chef@example.org, not ticking. */
export function composeAppProcess(o: AppProcessOptions): BackupSystem {
  const config = loadConfig(
    { BACKUP_DIR: o.backupDir, LOG_DIR: path.join(o.root, 'logs'), SMTP_URL: o.smtpUrl, SMTP_TLS: 'off', ADMIN_EMAIL: 'chef@example.org' },
    o.root,
  );
  const lock = new MongoOperationLock(o.db, { owner: o.owner });
  return composeBackupSystem({ config, db: o.db, clock: o.clock, owner: o.owner, ticker: false, lock, ...(o.server ? { offsitePlace: testBucketPlace(o.server) } : {}) });
}
