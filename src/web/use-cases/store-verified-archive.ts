import { copyFile, open, rm } from 'node:fs/promises';
import path from 'node:path';
import { withOperation } from '../../backup/acquire-operation.js';
import type { BackupContext } from '../../backup/backup-context.js';
import type { StoredBackup } from '../../backup/backup-store.js';

/**
 * Copies an archive that has passed verifyArchive into the store as a new
 * backup of kind "upload": written under a `*.tmp` name, flushed to disk,
 * then renamed. Holds the operation lock so that no prune removes the
 * temporary file halfway.
 */
export async function storeVerifiedArchive(ctx: BackupContext, sourcePath: string): Promise<StoredBackup> {
  return withOperation(ctx, 'upload', undefined, async () => {
    const file = await ctx.store.newBackupFile('upload', ctx.clock.now());
    const releaseTemp = ctx.store.markInUse(path.basename(file.tempPath));
    try {
      await copyFile(sourcePath, file.tempPath);
      const handle = await open(file.tempPath, 'r');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
      return await ctx.store.commit(file);
    } catch (error) {
      await rm(file.tempPath, { force: true });
      throw error;
    } finally {
      releaseTemp();
    }
  });
}
