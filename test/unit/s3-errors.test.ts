import { describe, expect, it } from 'vitest';
import { isStorageError } from '../../src/storage/storage-error.js';
import { errorCode, translateS3Error } from '../../src/storage/s3-errors.js';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
const context = { operation: 'write', bucket: 'scandy-backups', where: 'S3-Bucket s3://scandy-backups/werkstatt', name: 'scandy-backup-20260101T000000000Z-auto.zip' } as const;

/** Shaped like the SDK's service exceptions and Node's system errors; the server's text quotes the keys on purpose. */
function sdkError(name: string, status: number | undefined): Error {
  return Object.assign(new Error(`${name}: key ${KEY_ID} secret ${SECRET}`), { name, $metadata: { httpStatusCode: status } });
}
function systemError(code: string): Error {
  return Object.assign(new Error(`connect ${code} 127.0.0.1:9 ${SECRET}`), { code });
}

describe('translateS3Error', () => {
  it.each([
    [sdkError('InvalidAccessKeyId', 403), 'credentials', /S3-Zugangsdaten abgelehnt .*InvalidAccessKeyId.*AWS_ACCESS_KEY_ID und AWS_SECRET_ACCESS_KEY prüfen/],
    [sdkError('SignatureDoesNotMatch', 403), 'credentials', /S3-Zugangsdaten abgelehnt .*SignatureDoesNotMatch/],
    [sdkError('NoSuchBucket', 404), 'no-bucket', /S3-Bucket „scandy-backups“ existiert nicht/],
    [sdkError('AccessDenied', 403), 'forbidden', /Keine Berechtigung zum Hochladen in S3-Bucket s3:\/\/scandy-backups\/werkstatt \(AccessDenied\)/],
    [sdkError('Unknown', 403), 'forbidden', /Zugriff verweigert .*HTTP 403/],
    [sdkError('BadDigest', 400), 'changed', /Prüfsumme stimmt nicht beim Hochladen/],
    [sdkError('AuthorizationHeaderMalformed', 400), 'credentials', /andere[n]? Region.*AWS_REGION/],
    [sdkError('InternalError', 500), 'failed', /S3-Server meldet einen Fehler .*InternalError, HTTP 500/],
    [sdkError('CredentialsProviderError', undefined), 'credentials', /Keine S3-Zugangsdaten gefunden/],
    [new Error('Region is missing'), 'credentials', /AWS_REGION setzen/],
    [systemError('ECONNREFUSED'), 'unreachable', /S3-Server nicht erreichbar beim Hochladen .*ECONNREFUSED.*AWS_ENDPOINT_URL_S3/],
    [systemError('ENOTFOUND'), 'unreachable', /nicht erreichbar .*ENOTFOUND/],
    [new AggregateError([systemError('ECONNREFUSED'), systemError('ECONNREFUSED')], ''), 'unreachable', /ECONNREFUSED/],
    [systemError('ECONNRESET'), 'unreachable', /Verbindung zum S3-Server abgebrochen beim Hochladen von scandy-backup-/],
    [new Error('aborted'), 'unreachable', /Verbindung zum S3-Server abgebrochen/],
    [sdkError('SomethingNew', 400), 'failed', /S3-Fehler beim Hochladen .*SomethingNew, HTTP 400/],
  ])('%s -> %s', (error, reason, message) => {
    const translated = translateS3Error(error, context);
    expect(isStorageError(translated) && translated.reason).toBe(reason);
    expect(translated.message).toMatch(message);
    expect(translated.message).not.toContain('\n');
    // The server's or SDK's own text is never quoted, so neither key can come through.
    expect(translated.message).not.toContain(SECRET);
    expect(translated.message).not.toContain(KEY_ID);
  });

  it('passes a StorageError through unchanged', () => {
    const first = translateS3Error(sdkError('NoSuchBucket', 404), context);
    expect(translateS3Error(first, context)).toBe(first);
  });
});

describe('errorCode', () => {
  it.each([
    [{ code: 'ECONNREFUSED', name: 'Error' }, 'ECONNREFUSED'],
    [{ name: 'NoSuchBucket' }, 'NoSuchBucket'],
    [{ name: '403', cause: { code: 'EPIPE' } }, 'EPIPE'],
    [{ name: 'Error', cause: { name: 'TimeoutError' } }, 'TimeoutError'],
    [undefined, ''],
  ])('%j -> %s', (error, code) => {
    expect(errorCode(error)).toBe(code);
  });
});
