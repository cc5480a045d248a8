import { parseSidecar, type Sidecar } from '../archive/sidecar.js';
import { AppError } from '../shared/app-error.js';
import { summaryOf, type ArchiveSummary } from './archive-summary.js';
import { measureFile } from '../storage/content-check.js';
import { contentDifference } from '../storage/storage-error.js';
import type { BackupStore, StoredBackup } from './backup-store.js';

/** What can be checked of a stored archive without its key: its bytes against the sidecar written with it. */
export interface SidecarCheck {
  readonly sidecar: Sidecar;
  readonly sha256: string;
}

/** The valid sidecar of a backup, or undefined. */
export async function readValidSidecar(store: BackupStore, backup: StoredBackup): Promise<Sidecar | undefined> {
  const text = await store.readSidecar(backup.name);
  return text === undefined ? undefined : parseSidecar(text, backup.name);
}

/** The counts of an archive as its valid sidecar records them (no key needed), or undefined without one. */
export async function readSidecarSummary(store: BackupStore, backup: StoredBackup): Promise<ArchiveSummary | undefined> {
  const sidecar = await readValidSidecar(store, backup);
  return sidecar && summaryOf(sidecar);
}

/**
 * Size and SHA-256 of the stored file against its sidecar. Throws
 * ARCHIVE_INVALID in German when there is no sidecar or the file differs.
 */
export async function checkAgainstSidecar(store: BackupStore, backup: StoredBackup): Promise<SidecarCheck> {
  const sidecar = await readValidSidecar(store, backup);
  if (!sidecar) throw new AppError('ARCHIVE_INVALID', `Zu ${backup.name} fehlt die Beschreibung (${backup.name}.json); ohne Schlüssel kann die Datei nicht geprüft werden`);
  const measured = await measureFile(backup.path);
  const difference = contentDifference(measured, { size: sidecar.size, sha256: sidecar.sha256 });
  if (difference) throw new AppError('ARCHIVE_INVALID', `Die Datei ${backup.name} wurde verändert oder ist unvollständig (${difference})`);
  return { sidecar, sha256: measured.sha256 };
}
