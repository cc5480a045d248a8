import { verifyArchive, type VerifyReport } from '../archive/verify-archive.js';
import { resolveArchive, type ArchiveSource } from '../restore/archive-source.js';
import type { BackupContext } from './backup-context.js';
import type { ProgressListener } from './backup-events.js';

/** `check`, separate from use: reads every line of the archive, touches no database. */
export async function verifyBackup(
  ctx: BackupContext,
  source: ArchiveSource,
  onProgress?: ProgressListener,
): Promise<VerifyReport & { readonly source: string }> {
  const archive = await resolveArchive(ctx.store, source);
  const release = archive.storedName ? ctx.store.markInUse(archive.storedName) : () => undefined;
  try {
    const report = await verifyArchive(archive.path, (p) => onProgress?.({ operation: 'restore', phase: 'verify', ...p }));
    return { ...report, source: archive.label };
  } finally {
    release();
  }
}
