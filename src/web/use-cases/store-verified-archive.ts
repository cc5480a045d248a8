import { copyFile } from 'node:fs/promises';
import { withOperation } from '../../backup/acquire-operation.js';
import type { BackupContext } from '../../backup/backup-context.js';
import type { StoredBackup } from '../../backup/backup-store.js';

/**
 * Copies an archive that has passed verifyArchive into the store as a new
 * backup of kind "upload". Holds the operation lock so that no prune runs
 * meanwhile in another process.
 */
export async function storeVerifiedArchive(ctx: BackupContext, sourcePath: string): Promise<StoredBackup> {
  return withOperation(ctx, 'upload', undefined, async () => {
    const { backup } = await ctx.store.writeNew('upload', ctx.clock.now(), (tempPath) => copyFile(sourcePath, tempPath));
    return backup;
  });
}
