import { AppError } from '../shared/app-error.js';

/** Off-site copies in an S3-compatible bucket (BACKUP_S3_*). Credentials, region and endpoint come from the AWS SDK itself. */
export interface S3Config {
  readonly bucket: string;
  /** Key prefix without leading or trailing slash; '' for the bucket's top level. */
  readonly prefix: string;
  /** `s3://bucket/prefix`, for messages. */
  readonly url: string;
  /** BACKUP_S3_KEEP; undefined: the bucket keeps as many automatic backups as BACKUP_KEEP in force (environment or settings page). */
  readonly keep: number | undefined;
  readonly forcePathStyle: boolean;
}

type Env = Readonly<Record<string, string | undefined>>;

const URL_VARIABLE = 'BACKUP_S3_URL';
const KEEP_VARIABLE = 'BACKUP_S3_KEEP';
const PATH_STYLE_VARIABLE = 'BACKUP_S3_FORCE_PATH_STYLE';
/** The AWS SDK's own endpoint settings: checked here so a typo stops the start instead of every copy. */
const ENDPOINT_VARIABLES = ['AWS_ENDPOINT_URL_S3', 'AWS_ENDPOINT_URL'] as const;
const MAX_PREFIX_LENGTH = 900;
const TRUE_WORDS = new Set(['true', '1', 'yes']);
const FALSE_WORDS = new Set(['false', '0', 'no']);

/**
 * Reads BACKUP_S3_URL, BACKUP_S3_KEEP (default: BACKUP_KEEP in force) and
 * BACKUP_S3_FORCE_PATH_STYLE. Undefined when BACKUP_S3_URL is unset; a bad
 * value throws an AppError whose message is one German line naming the variable.
 */
export function parseS3Config(env: Env): S3Config | undefined {
  const rawUrl = present(env[URL_VARIABLE]);
  const rawKeep = present(env[KEEP_VARIABLE]);
  const rawPathStyle = present(env[PATH_STYLE_VARIABLE]);
  if (rawUrl === undefined) {
    const orphan = rawKeep !== undefined ? KEEP_VARIABLE : rawPathStyle !== undefined ? PATH_STYLE_VARIABLE : undefined;
    if (orphan) throw invalid(`${orphan} ist gesetzt, aber ${URL_VARIABLE} fehlt`);
    return undefined;
  }
  const { bucket, prefix } = parseUrl(rawUrl);
  for (const variable of ENDPOINT_VARIABLES) checkEndpoint(variable, present(env[variable]));
  return Object.freeze({
    bucket,
    prefix,
    url: prefix ? `s3://${bucket}/${prefix}` : `s3://${bucket}`,
    keep: rawKeep === undefined ? undefined : parseKeep(rawKeep),
    forcePathStyle: rawPathStyle === undefined ? false : parseFlag(rawPathStyle),
  });
}

function parseUrl(raw: string): { bucket: string; prefix: string } {
  const shown = raw.includes('@') ? '' : ` (erhalten: "${raw}")`;
  const match = /^s3:\/\/([^/?#@]*)(?:\/([^?#@]*))?$/.exec(raw);
  if (!match) throw invalid(`${URL_VARIABLE} muss die Form s3://BUCKET oder s3://BUCKET/PREFIX haben${shown}`);
  const bucket = match[1] ?? '';
  const problem = bucketNameProblem(bucket);
  if (problem) throw invalid(`${URL_VARIABLE} enthält keinen gültigen Bucket-Namen: ${problem}${shown}`);
  const prefix = (match[2] ?? '').replace(/^\/+|\/+$/g, '');
  const segments = prefix === '' ? [] : prefix.split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..') || prefix.includes('\\') || hasControlCharacter(prefix)) {
    throw invalid(`${URL_VARIABLE}: das Präfix darf keine leeren Teile, "." oder "..", Backslashes oder Steuerzeichen enthalten${shown}`);
  }
  if (Buffer.byteLength(prefix) > MAX_PREFIX_LENGTH) throw invalid(`${URL_VARIABLE}: das Präfix ist länger als ${MAX_PREFIX_LENGTH} Bytes`);
  return { bucket, prefix };
}

/** Why a bucket name breaks the S3 naming rules, in German; undefined when it is fine. */
export function bucketNameProblem(bucket: string): string | undefined {
  if (bucket.length < 3 || bucket.length > 63) return `„${bucket}“ muss 3 bis 63 Zeichen lang sein`;
  if (!/^[a-z0-9.-]+$/.test(bucket)) return `„${bucket}“ darf nur Kleinbuchstaben, Ziffern, Punkte und Bindestriche enthalten`;
  if (!/^[a-z0-9].*[a-z0-9]$/.test(bucket)) return `„${bucket}“ muss mit einem Buchstaben oder einer Ziffer beginnen und enden`;
  if (/\.\.|\.-|-\./.test(bucket)) return `„${bucket}“ darf keine zwei Punkte und keinen Punkt neben einem Bindestrich enthalten`;
  if (/^\d+\.\d+\.\d+\.\d+$/.test(bucket)) return `„${bucket}“ darf keine IP-Adresse sein`;
  return undefined;
}

function checkEndpoint(variable: string, raw: string | undefined): void {
  if (raw === undefined) return;
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  if (url && (url.protocol === 'http:' || url.protocol === 'https:') && !url.username && !url.password) return;
  const shown = raw.includes('@') ? '' : ` (erhalten: "${raw}")`;
  throw invalid(`${variable} muss eine Adresse wie https://s3.example.com sein, ohne Zugangsdaten${shown}`);
}

function parseKeep(raw: string): number {
  const keep = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(keep) || keep < 1 || keep > 10000) {
    throw invalid(`${KEEP_VARIABLE} muss eine ganze Zahl von 1 bis 10000 sein (erhalten: "${raw}")`);
  }
  return keep;
}

function parseFlag(raw: string): boolean {
  const word = raw.toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  throw invalid(`${PATH_STYLE_VARIABLE} muss true oder false sein (erhalten: "${raw}")`);
}

function hasControlCharacter(text: string): boolean {
  return [...text].some((char) => char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f);
}

function present(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}

function invalid(message: string): AppError {
  return new AppError('CONFIG_INVALID', `Ungültige Konfiguration: ${message}`);
}
