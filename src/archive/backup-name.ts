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
}

const NAME_PATTERN = /^scandy-backup-(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})Z-(auto|manual|pre-restore|upload)\.zip$/;
const TEMP_SUFFIX = '.tmp';

export function formatBackupName(createdAt: Date, kind: BackupKind): string {
  const stamp = createdAt.toISOString().replace(/[-:]/g, '').replace('.', '');
  return `scandy-backup-${stamp}-${kind}.zip`;
}

export function parseBackupName(name: string): BackupName | undefined {
  const m = NAME_PATTERN.exec(name);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, ms, kind] = m;
  const createdAt = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), Number(ms)));
  // Reject names like ...20251332... that Date.UTC would silently roll over.
  if (Number.isNaN(createdAt.getTime()) || formatBackupName(createdAt, kind as BackupKind) !== name) return undefined;
  return { name, createdAt, kind: kind as BackupKind };
}

export function isBackupName(name: string): boolean {
  return parseBackupName(name) !== undefined;
}

export function tempNameFor(name: string): string {
  return name + TEMP_SUFFIX;
}

/** A temporary file left by a backup that never finished (`<valid name>.tmp`). */
export function isTempBackupName(name: string): boolean {
  return name.endsWith(TEMP_SUFFIX) && isBackupName(name.slice(0, -TEMP_SUFFIX.length));
}

export const KIND_LABELS: Readonly<Record<BackupKind, string>> = {
  auto: 'automatisch',
  manual: 'manuell',
  'pre-restore': 'vor Wiederherstellung',
  upload: 'hochgeladen',
};
