import { verifyArchive, type VerifyReport } from '../archive/verify-archive.js';
import type { AgeIdentities } from '../crypto/age-identities.js';
import { DecryptionError } from '../crypto/decryption-error.js';
import { describeError, isAppError } from '../shared/app-error.js';
import { openArchiveSource, type ArchiveSource } from './archive-source.js';
import type { BackupContext } from './backup-context.js';
import type { ProgressListener } from './backup-events.js';
import { isAgeFile, withPlainArchive } from './plain-archive.js';
import { checkAgainstSidecar } from './sidecar-check.js';
import { recordVerification } from './verification-records.js';
import { summaryOf } from './archive-summary.js';

export interface VerifiedBackup extends Pick<VerifyReport, 'documents' | 'fileSize'> {
  readonly source: string;
  readonly collections: readonly { readonly name: string; readonly count: number }[];
  /** The manifest, when the content was read; undefined when only the sidecar was checked. */
  readonly manifest: VerifyReport['manifest'] | undefined;
  /** False for an encrypted archive checked without its key: size and SHA-256 against the sidecar only. */
  readonly contentChecked: boolean;
}

/** Said when an encrypted backup was checked without its key. */
export const CONTENT_NEEDS_KEY = 'Größe und SHA-256 stimmen mit der Beschreibung überein; die Prüfung des Inhalts braucht den geheimen Schlüssel';

/**
 * `check`, separate from use: reads every line of the archive, touches no
 * database. An encrypted backup of the store is decrypted with the keys of
 * this request or the server's; without any, its bytes are checked against
 * its sidecar and the result says the content check needs the key.
 */
export async function verifyBackup(
  ctx: BackupContext,
  source: ArchiveSource,
  onProgress?: ProgressListener,
  identities?: AgeIdentities,
): Promise<VerifiedBackup> {
  const archive = await openArchiveSource(ctx, source);
  try {
    const keyless = !identities && !ctx.encryption.identities && archive.storedName !== undefined && (await isAgeFile(archive.path));
    if (keyless && archive.storedName) {
      const { sidecar } = await checkAgainstSidecar(ctx.store, await ctx.store.find(archive.storedName));
      const { documents, collections } = summaryOf(sidecar);
      return { source: archive.label, documents, fileSize: sidecar.size, collections, manifest: undefined, contentChecked: false };
    }
    const report = await withPlainArchive(ctx, archive, identities, (plainPath) =>
      verifyArchive(plainPath, (p) => onProgress?.({ operation: 'restore', phase: 'verify', ...p })),
    );
    return { ...report, source: archive.label, collections: summaryOf(report.manifest).collections, contentChecked: true };
  } finally {
    await archive.dispose();
  }
}

/**
 * Verifies a backup of the store and remembers the result for the list, either way; a backup that is not
 * there, or a key that does not fit, says nothing about the backup and is not remembered.
 */
export async function verifyAndRecord(
  ctx: BackupContext,
  name: string,
  actor: string,
  identities?: AgeIdentities,
): Promise<VerifiedBackup & { readonly checkedAt: Date }> {
  const checkedAt = ctx.clock.now();
  try {
    const report = await verifyBackup(ctx, { name }, undefined, identities);
    const message = report.contentChecked ? 'vollständig und unverändert' : CONTENT_NEEDS_KEY;
    await recordVerification(ctx.db, name, { ok: true, checkedAt, checkedBy: actor, message, documents: report.documents });
    await rememberBucketOnlySummary(ctx, name, report);
    return { ...report, checkedAt };
  } catch (error) {
    if (saysSomethingAboutTheBackup(error)) {
      await recordVerification(ctx.db, name, { ok: false, checkedAt, checkedBy: actor, message: describeError(error), documents: null });
    }
    throw error;
  }
}

/** A backup only in the bucket whose counts the list did not know (another database, a lost catalog) shows them from now on. */
async function rememberBucketOnlySummary(ctx: BackupContext, name: string, report: VerifiedBackup): Promise<void> {
  if (!ctx.offsite || !report.manifest || (await ctx.store.find(name).then(() => true, () => false))) return;
  await ctx.offsite.records.rememberSummary(name, summaryOf(report.manifest), ctx.clock.now()).catch(() => undefined);
}

function saysSomethingAboutTheBackup(error: unknown): boolean {
  if (error instanceof DecryptionError) return error.failure !== 'wrong-key' && error.failure !== 'no-identity';
  return !isAppError(error) || error.code !== 'BACKUP_NOT_FOUND';
}
