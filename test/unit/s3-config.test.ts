import { describe, expect, it } from 'vitest';
import { bucketNameProblem, parseS3Config } from '../../src/config/s3-config.js';
import { isAppError } from '../../src/shared/app-error.js';

function refusal(env: Record<string, string>): string {
  try {
    parseS3Config(env);
  } catch (error) {
    if (isAppError(error) && error.code === 'CONFIG_INVALID') return error.message;
    throw error;
  }
  throw new Error(`accepted ${JSON.stringify(env)}`);
}

describe('parseS3Config', () => {
  it('is off when BACKUP_S3_URL is unset or empty', () => {
    expect(parseS3Config({})).toBeUndefined();
    expect(parseS3Config({ BACKUP_S3_URL: '  ' })).toBeUndefined();
  });

  it.each([
    ['s3://scandy-backups', 'scandy-backups', '', 's3://scandy-backups'],
    ['s3://scandy-backups/', 'scandy-backups', '', 's3://scandy-backups'],
    ['s3://abc/werkstatt', 'abc', 'werkstatt', 's3://abc/werkstatt'],
    ['s3://my.bucket-01/werkstatt/scandy/', 'my.bucket-01', 'werkstatt/scandy', 's3://my.bucket-01/werkstatt/scandy'],
    [' s3://abc//lead ', 'abc', 'lead', 's3://abc/lead'],
  ])('reads %j as bucket %s, prefix %j', (url, bucket, prefix, normalized) => {
    expect(parseS3Config({ BACKUP_S3_URL: url })).toEqual({ bucket, prefix, url: normalized, keep: undefined, forcePathStyle: false });
  });

  it('follows BACKUP_KEEP in force by default, BACKUP_S3_KEEP when set', () => {
    expect(parseS3Config({ BACKUP_S3_URL: 's3://abc' })?.keep).toBeUndefined();
    expect(parseS3Config({ BACKUP_S3_URL: 's3://abc', BACKUP_S3_KEEP: '30' })?.keep).toBe(30);
  });

  it.each([
    ['true', true],
    ['TRUE', true],
    ['1', true],
    ['false', false],
    ['0', false],
  ])('reads BACKUP_S3_FORCE_PATH_STYLE=%s', (value, expected) => {
    expect(parseS3Config({ BACKUP_S3_URL: 's3://abc', BACKUP_S3_FORCE_PATH_STYLE: value })?.forcePathStyle).toBe(expected);
  });

  it.each([
    [{ BACKUP_S3_URL: 'https://abc/x' }, 'BACKUP_S3_URL muss die Form s3://BUCKET'],
    [{ BACKUP_S3_URL: 's3://' }, 'BACKUP_S3_URL enthält keinen gültigen Bucket-Namen'],
    [{ BACKUP_S3_URL: 's3://ab' }, '3 bis 63 Zeichen'],
    [{ BACKUP_S3_URL: `s3://${'a'.repeat(64)}` }, '3 bis 63 Zeichen'],
    [{ BACKUP_S3_URL: 's3://Scandy' }, 'Kleinbuchstaben'],
    [{ BACKUP_S3_URL: 's3://scandy_backups' }, 'Kleinbuchstaben'],
    [{ BACKUP_S3_URL: 's3://-scandy' }, 'beginnen und enden'],
    [{ BACKUP_S3_URL: 's3://scandy..backups' }, 'zwei Punkte'],
    [{ BACKUP_S3_URL: 's3://192.168.1.10' }, 'IP-Adresse'],
    [{ BACKUP_S3_URL: 's3://abc/a//b' }, 'Präfix'],
    [{ BACKUP_S3_URL: 's3://abc/a/../b' }, 'Präfix'],
    [{ BACKUP_S3_URL: 's3://abc/a\\b' }, 'Präfix'],
    [{ BACKUP_S3_URL: 's3://abc/a?versionId=1' }, 'BACKUP_S3_URL muss die Form'],
    [{ BACKUP_S3_URL: 's3://abc', BACKUP_S3_KEEP: '0' }, 'BACKUP_S3_KEEP muss eine ganze Zahl von 1 bis 10000 sein'],
    [{ BACKUP_S3_URL: 's3://abc', BACKUP_S3_KEEP: 'viele' }, 'BACKUP_S3_KEEP muss eine ganze Zahl'],
    [{ BACKUP_S3_URL: 's3://abc', BACKUP_S3_FORCE_PATH_STYLE: 'ja' }, 'BACKUP_S3_FORCE_PATH_STYLE muss true oder false sein'],
    [{ BACKUP_S3_KEEP: '20' }, 'BACKUP_S3_KEEP ist gesetzt, aber BACKUP_S3_URL fehlt'],
    [{ BACKUP_S3_FORCE_PATH_STYLE: 'true' }, 'BACKUP_S3_FORCE_PATH_STYLE ist gesetzt, aber BACKUP_S3_URL fehlt'],
  ])('refuses %j with one German line naming the variable', (env, expected) => {
    const message = refusal(env);
    expect(message).toContain(expected);
    expect(message).toMatch(/^Ungültige Konfiguration: BACKUP_S3_/);
    expect(message).not.toContain('\n');
  });

  it.each([
    [{ AWS_ENDPOINT_URL_S3: 'localhost:9000' }, 'AWS_ENDPOINT_URL_S3 muss eine Adresse'],
    [{ AWS_ENDPOINT_URL: 'ftp://s3.example.com' }, 'AWS_ENDPOINT_URL muss eine Adresse'],
  ])('refuses the SDK endpoint %j with a line naming it', (env, expected) => {
    expect(() => parseS3Config({ BACKUP_S3_URL: 's3://abc', ...env })).toThrow(expected);
  });

  it('accepts an http(s) endpoint and never repeats one with credentials in it', () => {
    expect(parseS3Config({ BACKUP_S3_URL: 's3://abc', AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:7070' })?.bucket).toBe('abc');
    let message = '';
    try {
      parseS3Config({ BACKUP_S3_URL: 's3://abc', AWS_ENDPOINT_URL_S3: 'https://key:geheim@s3.example.com' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^Ungültige Konfiguration: AWS_ENDPOINT_URL_S3 /);
    expect(message).not.toContain('geheim');
  });

  it('does not repeat a URL that carries what looks like credentials', () => {
    const message = refusal({ BACKUP_S3_URL: 's3://AKIAEXAMPLE:geheim@bucket/x' });
    expect(message).toContain('BACKUP_S3_URL');
    expect(message).not.toContain('geheim');
  });

  it.each(['abc', 'scandy-backups', 'a.b.c', 'x'.repeat(63), '123']) ('accepts the bucket name %s', (bucket) => {
    expect(bucketNameProblem(bucket)).toBeUndefined();
  });
});
