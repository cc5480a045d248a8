import { formatSidecar, sidecarFor } from '../archive/sidecar.js';
import { verifyArchive } from '../archive/verify-archive.js';
import { AgeIdentities } from '../crypto/age-identities.js';
import { measureFile } from '../storage/content-check.js';
import type { BackupContext } from './backup-context.js';
import type { StoredBackup } from './backup-store.js';
import { confirmKeyOpens, withPlainArchive } from './plain-archive.js';
import { storeVerifiedArchive } from './store-verified-archive.js';

/**
 * Keeps an uploaded `.zip.age` as it came (an encrypted backup of kind
 * "upload") once it was decrypted with the key of the request, else the
 * server's, and verified completely; without any key a DecryptionError
 * ('no-identity') and nothing is kept. Its sidecar records the size and
 * SHA-256 of the encrypted file and the public keys that open it.
 */
export async function storeEncryptedUpload(
  ctx: BackupContext,
  filePath: string,
  request: { readonly actor: string; readonly identities: AgeIdentities | undefined },
): Promise<{ readonly backup: StoredBackup; readonly documents: number }> {
  const archive = { path: filePath, label: 'Upload', storedName: undefined };
  const report = await withPlainArchive(ctx, archive, request.identities, (plainPath) => verifyArchive(plainPath));
  const measured = await measureFile(filePath);
  const recipients = await openingRecipients(ctx, filePath, request.identities ?? ctx.encryption.identities);
  const backup = await storeVerifiedArchive(
    ctx,
    filePath,
    { documents: report.documents, actor: request.actor },
    { encrypted: true, sidecarOf: (name) => formatSidecar(sidecarFor(report.manifest, { name, ...measured, recipients })) },
  );
  return { backup, documents: report.documents };
}

/** The public keys of those identities that open the file (the file itself does not name its recipients). */
async function openingRecipients(ctx: BackupContext, filePath: string, identities: AgeIdentities | undefined): Promise<string[]> {
  const opening: string[] = [];
  for (const [index, secretKey] of (identities?.secretKeys() ?? []).entries()) {
    const single = await AgeIdentities.fromSecretKeys([secretKey]);
    if (await confirmKeyOpens(ctx, filePath, single).then(() => true, () => false)) opening.push(identities!.publicKeys[index]!);
  }
  return opening;
}
