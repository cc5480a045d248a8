import { open, rm } from 'node:fs/promises';
import { verifyArchive } from '../../archive/verify-archive.js';
import { startsWithAgeMagic } from '../../crypto/age-header.js';
import type { AgeIdentities } from '../../crypto/age-identities.js';
import { DecryptionError } from '../../crypto/decryption-error.js';
import { AppError, describeError } from '../../shared/app-error.js';
import type { AppDependencies } from '../app-dependencies.js';
import { logText } from './log-text.js';

export interface UploadedFile {
  /** The uploaded file, in `folder`: a private folder (0700) inside the backup folder, removed here in every case. */
  readonly path: string;
  readonly folder: string;
  readonly originalName: string;
}

export interface UploadOutcome {
  readonly format: 'archive' | 'encrypted-archive' | 'legacy-json';
  readonly backup: { readonly name: string; readonly size: number; readonly kind: 'upload'; readonly documents: number; readonly encrypted: boolean };
  /** Collections of an old JSON backup that this installation does not back up. */
  readonly skipped: readonly string[];
}

/** Said when an encrypted upload comes without a key: it is checked completely before it is kept. */
export const UPLOAD_NEEDS_KEY =
  'Die Datei ist verschlüsselt (.zip.age). Sie wird vor dem Speichern vollständig geprüft, dafür wird der geheime Schlüssel gebraucht: ' +
  'bitte im Feld „Geheimer Schlüssel“ die Schlüsseldatei wählen oder AGE-SECRET-KEY-1… einfügen (er wird nicht gespeichert). Nichts wurde gespeichert.';

/**
 * Keeps an uploaded archive only after verifyArchive accepted every line of
 * it; an encrypted one (`.zip.age`) is kept as it came, once it was decrypted
 * with the key of the request or the server's and verified; an old Scandy
 * JSON backup is converted into a new archive. Either way the result is a new
 * backup of kind "upload", restorable like any other. Anything else is
 * refused (422) and nothing is kept.
 */
export async function acceptUploadedBackup(
  deps: Pick<AppDependencies, 'manager' | 'audit'>,
  upload: UploadedFile,
  actor: string,
  /** The key given with the upload (field `identity`), for this one request. */
  readIdentity: () => Promise<AgeIdentities | undefined> = async () => undefined,
): Promise<UploadOutcome> {
  const label = logText(upload.originalName);
  try {
    const format = await sniffFormat(upload.path);
    const identities = format === 'encrypted-archive' ? await readIdentity() : undefined;
    const outcome =
      format === 'archive'
        ? await keepArchive(deps, upload.path, actor)
        : format === 'encrypted-archive'
          ? await keepEncryptedArchive(deps, upload.path, actor, identities)
          : await importLegacy(deps, upload.path, actor);
    deps.audit(`Upload von „${label}“ durch ${actor}: gespeichert als ${outcome.backup.name} (${outcome.backup.documents} Dokumente)`);
    return outcome;
  } catch (error) {
    deps.audit(`Upload von „${label}“ durch ${actor} abgelehnt: ${describeError(error)}`);
    throw error;
  } finally {
    await rm(upload.folder, { recursive: true, force: true });
  }
}

async function keepArchive(deps: Pick<AppDependencies, 'manager'>, filePath: string, actor: string): Promise<UploadOutcome> {
  const report = await verifyArchive(filePath);
  // Kept by renaming the very file that was verified: no second read, no copy that could differ.
  const stored = await deps.manager.storeVerifiedUpload(filePath, { documents: report.documents, actor });
  return { format: 'archive', backup: { name: stored.name, size: stored.size, kind: 'upload', documents: report.documents, encrypted: false }, skipped: [] };
}

async function keepEncryptedArchive(
  deps: Pick<AppDependencies, 'manager'>,
  filePath: string,
  actor: string,
  identities: AgeIdentities | undefined,
): Promise<UploadOutcome> {
  try {
    const { backup, documents } = await deps.manager.storeEncryptedUpload(filePath, { actor, identities });
    return { format: 'encrypted-archive', backup: { name: backup.name, size: backup.size, kind: 'upload', documents, encrypted: true }, skipped: [] };
  } catch (error) {
    if (error instanceof DecryptionError && error.failure === 'no-identity') throw new AppError('ARCHIVE_INVALID', UPLOAD_NEEDS_KEY, { cause: error });
    throw error;
  }
}

async function importLegacy(deps: Pick<AppDependencies, 'manager'>, filePath: string, actor: string): Promise<UploadOutcome> {
  const result = await deps.manager.importLegacy(filePath, actor);
  return {
    format: 'legacy-json',
    backup: { name: result.backup.name, size: result.backup.size, kind: 'upload', documents: result.documents, encrypted: result.backup.encrypted },
    skipped: result.skipped,
  };
}

/** A zip starts with "PK\x03\x04", an age file with its version line; an old Scandy backup is one JSON object. */
async function sniffFormat(filePath: string): Promise<UploadOutcome['format']> {
  const handle = await open(filePath, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(64), 0, 64, 0);
    const head = buffer.subarray(0, bytesRead);
    if (head.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) return 'archive';
    if (startsWithAgeMagic(head)) return 'encrypted-archive';
    if (/^(\uFEFF)?\s*\{/.test(head.toString('utf8'))) return 'legacy-json';
  } finally {
    await handle.close();
  }
  throw new AppError('ARCHIVE_INVALID', 'Unbekanntes Dateiformat: erwartet wird ein Backup-Archiv (.zip oder verschlüsselt .zip.age) oder ein altes Scandy-Backup (scandy_backup_*.json)');
}
