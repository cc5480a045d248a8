import type { BackupKind } from '../archive/backup-name.js';
import { isSnapshotTooOld } from '../db/snapshot-too-old.js';
import { describeError } from '../shared/app-error.js';
import type { BackupContext } from './backup-context.js';
import type { ProgressListener } from './backup-events.js';
import { writeDatabaseBackup, type BackupSource, type WrittenBackup } from './write-database-backup.js';

/**
 * On a replica set all collections are read from one snapshot. The server
 * keeps a snapshot's history only for `minSnapshotHistoryWindowInSeconds`
 * (300 s by default), so a longer backup fails with SnapshotTooOld. Then the
 * archive is written once more from the start without the snapshot, each
 * collection read as it is at that moment (as on a standalone server), and
 * the manifest says `per-collection`.
 *
 * From the start rather than resuming the collection that failed: its zip
 * entry is already streamed and cannot be taken back; resuming after the last
 * `_id` written would need every snapshot read sorted by `_id` (an index walk
 * instead of a collection scan) and cannot use `$gt` across `_id`s of
 * different BSON types; and it would mix the snapshot with later reads inside
 * one collection. The second pass cannot fail this way, so the cost is at
 * most the time of the first.
 */
export async function writeBackupWithSnapshotFallback(
  ctx: BackupContext,
  kind: BackupKind,
  onProgress?: ProgressListener,
  source?: BackupSource,
): Promise<WrittenBackup> {
  const { snapshotReads } = await ctx.capabilities();
  if (snapshotReads) {
    try {
      return await writeDatabaseBackup(ctx, kind, 'snapshot', onProgress, source);
    } catch (error) {
      if (!isSnapshotTooOld(error)) throw error;
      ctx.emit({ type: 'backup.snapshot-expired', reason: describeError(error) });
    }
  }
  return writeDatabaseBackup(ctx, kind, 'per-collection', onProgress, source);
}
