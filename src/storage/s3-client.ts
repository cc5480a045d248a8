import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import type { S3Config } from '../config/s3-config.js';

const CONNECT_TIMEOUT_MS = 10_000;
/** A socket that stays silent this long (a hung server) fails the request. */
const IDLE_TIMEOUT_MS = 120_000;

/**
 * An S3 client whose credentials, region and endpoint come from the AWS SDK's
 * default chain (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION,
 * AWS_ENDPOINT_URL_S3, AWS_PROFILE and the shared files); `overrides` is for
 * tests and tools that pass them directly.
 */
export function createS3Client(config: Pick<S3Config, 'forcePathStyle'>, overrides: S3ClientConfig = {}): S3Client {
  // The SDK warns on every start that its releases after January 2027 need Node 22; the
  // installed release runs on the Node 20.19+ this package supports, so that is no news for users.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  return new S3Client({
    forcePathStyle: config.forcePathStyle,
    requestHandler: { connectionTimeout: CONNECT_TIMEOUT_MS, requestTimeout: IDLE_TIMEOUT_MS },
    ...overrides,
  });
}
