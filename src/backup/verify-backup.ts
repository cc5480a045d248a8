import { verifyArchive, type VerifyReport } from '../archive/verify-archive.js';
import { describeError, isAppError } from '../shared/app-error.js';
import { openArchiveSource, type ArchiveSource } from './archive-source.js';
import type { BackupContext } from './backup-context.js';
import type { ProgressListener } from './backup-events.js';
import { recordVerification } from './verification-records.js';
import { summaryOf } from './archive-summary.js';

export type VerifiedBackup = VerifyReport & { readonly source: string };

/** `check`, separate from use: reads every line of the archive, touches no database. */
export async function verifyBackup(ctx: BackupContext, source: ArchiveSource, onProgress?: ProgressListener): Promise<VerifiedBackup> {
  const archive = await openArchiveSource(ctx, source);
  try {
    const report = await verifyArchive(archive.path, (p) => onProgress?.({ operation: 'restore', phase: 'verify', ...p }));
    return { ...report, source: archive.label };
  } finally {
    await archive.dispose();
  }
}

/** Verifies a backup of the store and remembers the result for the list, either way (a backup that is not there has nothing to remember). */
export async function verifyAndRecord(ctx: BackupContext, name: string, actor: string): Promise<VerifiedBackup & { readonly checkedAt: Date }> {
  const checkedAt = ctx.clock.now();
  try {
    const report = await verifyBackup(ctx, { name });
    await rememberBucketOnlySummary(ctx, name, report);
    await recordVerification(ctx.db, name, { ok: true, checkedAt, checkedBy: actor, message: 'vollständig und unverändert', documents: report.documents });
    return { ...report, checkedAt };
  } catch (error) {
    if (!isAppError(error) || error.code !== 'BACKUP_NOT_FOUND') {
      await recordVerification(ctx.db, name, { ok: false, checkedAt, checkedBy: actor, message: describeError(error), documents: null });
    }
    throw error;
  }
}

/** A backup only in the bucket whose counts the list did not know (another database, a lost catalog) shows them from now on. */
async function rememberBucketOnlySummary(ctx: BackupContext, name: string, report: VerifiedBackup): Promise<void> {
  if (!ctx.offsite || (await ctx.store.find(name).then(() => true, () => false))) return;
  await ctx.offsite.records.rememberSummary(name, summaryOf(report.manifest), ctx.clock.now()).catch(() => undefined);
}
