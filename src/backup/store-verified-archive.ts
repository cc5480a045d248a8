import { rename } from 'node:fs/promises';
import type { BackupContext } from './backup-context.js';
import { withOperation } from './operation-lock.js';
import type { StoredBackup } from './backup-store.js';
import { recordVerification } from './verification-records.js';

/**
 * Moves an archive that has passed verifyArchive into the store as a new
 * backup of kind "upload": a rename on the same file system (the upload's
 * private folder lies inside the backup folder), so what is kept is exactly
 * the verified file, then its sidecar when `sidecarOf` gives one. Holds the operation lock so that no prune runs
 * meanwhile in another process. The verification is remembered for the list.
 */
export async function storeVerifiedArchive(
  ctx: BackupContext,
  sourcePath: string,
  verified: { readonly documents: number; readonly actor: string },
  options: { readonly encrypted?: boolean; readonly sidecarOf?: (name: string) => string } = {},
): Promise<StoredBackup> {
  const stored = await withOperation(ctx, 'upload', undefined, async () => {
    const { backup } = await ctx.store.writeNew('upload', ctx.clock.now(), (tempPath) => rename(sourcePath, tempPath), { encrypted: options.encrypted });
    if (options.sidecarOf) await ctx.store.writeSidecar(backup.name, options.sidecarOf(backup.name));
    return backup;
  });
  ctx.offsite?.archived(stored, ctx.store.companionsOf(stored.name));
  await recordVerification(ctx.db, stored.name, {
    ok: true,
    checkedAt: ctx.clock.now(),
    checkedBy: verified.actor,
    message: 'beim Upload geprüft',
    documents: verified.documents,
  });
  return stored;
}
