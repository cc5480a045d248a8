import { StorageError, isStorageError, type StorageFailure } from './storage-error.js';

export type S3Operation = 'list' | 'read' | 'write' | 'check' | 'remove';

const ACTIVITY: Readonly<Record<S3Operation, string>> = {
  list: 'Auflisten',
  read: 'Lesen',
  write: 'Hochladen',
  check: 'Prüfen',
  remove: 'Löschen',
};

export interface S3ErrorContext {
  readonly operation: S3Operation;
  readonly bucket: string;
  /** `s3://bucket/prefix` */
  readonly where: string;
  readonly name?: string;
}

const CREDENTIAL_CODES = new Set(['InvalidAccessKeyId', 'SignatureDoesNotMatch', 'InvalidToken', 'ExpiredToken', 'TokenRefreshRequired', 'InvalidSecurity']);
const REGION_CODES = new Set(['AuthorizationHeaderMalformed', 'PermanentRedirect', 'IllegalLocationConstraintException']);
const CHECKSUM_CODES = new Set(['BadDigest', 'InvalidDigest', 'XAmzContentSHA256Mismatch', 'InvalidChecksum']);
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'TimeoutError', 'RequestTimeout']);
const DROPPED_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE', 'UND_ERR_SOCKET']);

/**
 * Turns an error of the AWS SDK, of the network or of a response stream into
 * a StorageError with one German sentence naming the cause. It quotes error
 * codes, never the server's or SDK's free text, so no credential can leak.
 */
export function translateS3Error(error: unknown, context: S3ErrorContext): Error {
  if (isStorageError(error)) return error;
  const code = errorCode(error);
  const status = httpStatus(error);
  const activity = ACTIVITY[context.operation];
  const subject = context.name ? `${context.name} in ${context.where}` : context.where;
  const fail = (reason: StorageFailure, message: string) => new StorageError(reason, message, { cause: error });

  if (code === 'CredentialsProviderError') {
    return fail('credentials', 'Keine S3-Zugangsdaten gefunden: AWS_ACCESS_KEY_ID und AWS_SECRET_ACCESS_KEY setzen oder ein AWS-Profil (AWS_PROFILE) einrichten');
  }
  if (code === 'RegionMissing') return fail('credentials', 'S3-Region fehlt: AWS_REGION setzen (viele S3-kompatible Anbieter nehmen us-east-1)');
  if (CREDENTIAL_CODES.has(code)) {
    return fail('credentials', `S3-Zugangsdaten abgelehnt beim ${activity} in ${context.where} (${code}): AWS_ACCESS_KEY_ID und AWS_SECRET_ACCESS_KEY prüfen`);
  }
  if (code === 'NoSuchBucket') return fail('no-bucket', `S3-Bucket „${context.bucket}“ existiert nicht (${code}): Bucket anlegen oder BACKUP_S3_URL prüfen`);
  if (code === 'InvalidBucketName') return fail('no-bucket', `S3-Bucket-Name „${context.bucket}“ wird vom Server abgelehnt (${code}): BACKUP_S3_URL prüfen`);
  if (REGION_CODES.has(code)) return fail('credentials', `S3-Bucket „${context.bucket}“ liegt in einer anderen Region (${code}): AWS_REGION prüfen`);
  if (code === 'AccessDenied' || code === 'AllAccessDisabled' || code === 'AccountProblem') {
    return fail('forbidden', `Keine Berechtigung zum ${activity} in ${context.where} (${code}): Rechte des S3-Zugangs prüfen`);
  }
  if (status === 403) {
    return fail('forbidden', `Zugriff verweigert beim ${activity} von ${subject} (HTTP 403): S3-Zugangsdaten (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY) und Rechte prüfen`);
  }
  if (CHECKSUM_CODES.has(code) || /checksum mismatch/i.test(errorMessage(error))) {
    return fail('changed', `Prüfsumme stimmt nicht beim ${activity} von ${subject} (${code || 'Checksum mismatch'}): die Daten wurden unterwegs oder im Bucket verändert`);
  }
  if (UNREACHABLE_CODES.has(code)) {
    return fail('unreachable', `S3-Server nicht erreichbar beim ${activity} in ${context.where} (${code}): AWS_ENDPOINT_URL_S3 und Netzwerk prüfen`);
  }
  if (DROPPED_CODES.has(code) || errorMessage(error) === 'aborted' || /socket hang up/i.test(errorMessage(error))) {
    return fail('unreachable', `Verbindung zum S3-Server abgebrochen beim ${activity} von ${subject} (${code || 'aborted'})`);
  }
  if (status !== undefined && status >= 500) {
    return fail('failed', `S3-Server meldet einen Fehler beim ${activity} von ${subject} (${code || 'Serverfehler'}, HTTP ${status})`);
  }
  return fail('failed', `S3-Fehler beim ${activity} von ${subject} (${code || 'unbekannt'}${status ? `, HTTP ${status}` : ''})`);
}

/** The most telling code: an SDK error's name, a Node system error's code, or the first one inside an AggregateError. */
export function errorCode(error: unknown): string {
  if (!error || typeof error !== 'object') return '';
  const e = error as { code?: unknown; name?: unknown; Code?: unknown; errors?: unknown; message?: unknown; cause?: unknown };
  if (typeof e.code === 'string' && e.code) return e.code;
  if (Array.isArray(e.errors)) {
    for (const inner of e.errors) {
      const innerCode = errorCode(inner);
      if (innerCode) return innerCode;
    }
  }
  if (typeof e.Code === 'string' && e.Code) return e.Code;
  if (e.name === 'Error' && typeof e.message === 'string' && /region is missing/i.test(e.message)) return 'RegionMissing';
  if (typeof e.name === 'string' && e.name !== 'Error' && !/^(Unknown|S3ServiceException)$/.test(e.name)) {
    // A bare status ("403") or generic name says less than a cause with a code.
    const causeCode = errorCode(e.cause);
    return /^\d+$/.test(e.name) && causeCode ? causeCode : e.name;
  }
  return errorCode(e.cause);
}

function httpStatus(error: unknown): number | undefined {
  const status = (error as { $metadata?: { httpStatusCode?: unknown } } | undefined)?.$metadata?.httpStatusCode;
  return typeof status === 'number' ? status : undefined;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : '';
}
