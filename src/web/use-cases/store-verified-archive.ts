import { rename } from 'node:fs/promises';
import { withOperation } from '../../backup/acquire-operation.js';
import type { BackupContext } from '../../backup/backup-context.js';
import type { StoredBackup } from '../../backup/backup-store.js';

/**
 * Moves an archive that has passed verifyArchive into the store as a new
 * backup of kind "upload": a rename on the same file system (the upload's
 * private folder lies inside the backup folder), so what is kept is exactly
 * the verified file. Holds the operation lock so that no prune runs
 * meanwhile in another process.
 */
export async function storeVerifiedArchive(ctx: BackupContext, sourcePath: string): Promise<StoredBackup> {
  return withOperation(ctx, 'upload', undefined, async () => {
    const { backup } = await ctx.store.writeNew('upload', ctx.clock.now(), (tempPath) => rename(sourcePath, tempPath));
    return backup;
  });
}
