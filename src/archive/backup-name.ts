/**
 * The one place that decides which file names are backups. List, prune,
 * download and restore all go through parseBackupName.
 */
export const BACKUP_KINDS = ['auto', 'manual', 'pre-restore', 'upload'] as const;
export type BackupKind = (typeof BACKUP_KINDS)[number];

export interface BackupName {
  readonly name: string;
  readonly createdAt: Date;
  readonly kind: BackupKind;
  /** `…-KIND.zip.age`: the zip encrypted with age; reading it needs a secret key. */
  readonly encrypted: boolean;
}

export interface BackupNameOptions {
  readonly encrypted?: boolean;
}

const NAME_PATTERN = /^scandy-backup-(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})Z-(auto|manual|pre-restore|upload)\.zip(\.age)?$/;
const TEMP_SUFFIX = '.tmp';
const AGE_SUFFIX = '.age';
/** The unencrypted description written beside each archive (`NAME.json`, see archive/sidecar.ts). */
const SIDECAR_SUFFIX = '.json';

export function formatBackupName(createdAt: Date, kind: BackupKind, options: BackupNameOptions = {}): string {
  const stamp = createdAt.toISOString().replace(/[-:]/g, '').replace('.', '');
  return `scandy-backup-${stamp}-${kind}.zip${options.encrypted ? AGE_SUFFIX : ''}`;
}

export function parseBackupName(name: string): BackupName | undefined {
  const m = NAME_PATTERN.exec(name);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, ms, kind, age] = m;
  const encrypted = age !== undefined;
  const createdAt = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), Number(ms)));
  // Reject names like ...20251332... that Date.UTC would silently roll over.
  if (Number.isNaN(createdAt.getTime()) || formatBackupName(createdAt, kind as BackupKind, { encrypted }) !== name) return undefined;
  return { name, createdAt, kind: kind as BackupKind, encrypted };
}

export function isBackupName(name: string): boolean {
  return parseBackupName(name) !== undefined;
}

export function tempNameFor(name: string): string {
  return name + TEMP_SUFFIX;
}

/** A temporary file left by a backup that never finished (`<valid name>.tmp`, `<valid name>.json.tmp`). */
export function isTempBackupName(name: string): boolean {
  if (!name.endsWith(TEMP_SUFFIX)) return false;
  return isBackupName(name.slice(0, -TEMP_SUFFIX.length)) || isTempSidecarName(name);
}

/** The sidecar of a backup: `NAME.json`. */
export function sidecarNameFor(name: string): string {
  return name + SIDECAR_SUFFIX;
}

/** The backup a sidecar describes, or undefined when `name` is no sidecar of a valid backup name. */
export function backupNameOfSidecar(name: string): string | undefined {
  if (!name.endsWith(SIDECAR_SUFFIX)) return undefined;
  const backup = name.slice(0, -SIDECAR_SUFFIX.length);
  return isBackupName(backup) ? backup : undefined;
}

/** A temporary file left by a sidecar that was never renamed (`<valid name>.json.tmp`). */
function isTempSidecarName(name: string): boolean {
  return name.endsWith(TEMP_SUFFIX) && backupNameOfSidecar(name.slice(0, -TEMP_SUFFIX.length)) !== undefined;
}

export const KIND_LABELS: Readonly<Record<BackupKind, string>> = {
  auto: 'automatisch',
  manual: 'manuell',
  'pre-restore': 'vor Wiederherstellung',
  upload: 'hochgeladen',
};
