import { Encrypter, generateX25519Identity, identityToRecipient } from 'age-encryption';

/** An X25519 recipient as age-keygen prints it: `age1` and 58 bech32 characters. */
const X25519_RECIPIENT_SHAPE = /^age1[02-9ac-hj-np-z]{58}$/;
const X25519_SECRET_KEY_PREFIX = 'AGE-SECRET-KEY-1';

/** True for a well-formed X25519 public key `age1…` with a valid checksum (not post-quantum, plugin or SSH keys). */
export function isX25519Recipient(value: string): boolean {
  if (!X25519_RECIPIENT_SHAPE.test(value)) return false;
  try {
    new Encrypter().addRecipient(value);
    return true;
  } catch {
    return false;
  }
}

/** The public key of an X25519 secret key `AGE-SECRET-KEY-1…`, or undefined when it is not one (bad checksum included). */
export async function recipientOfSecretKey(secretKey: string): Promise<string | undefined> {
  if (!secretKey.startsWith(X25519_SECRET_KEY_PREFIX)) return undefined;
  try {
    return await identityToRecipient(secretKey);
  } catch {
    return undefined;
  }
}

export interface AgeKeyPair {
  /** `age1…`: goes into BACKUP_ENCRYPTION_RECIPIENTS. */
  readonly publicKey: string;
  /** A key file as age-keygen writes it: `# created:`, `# public key:` and the `AGE-SECRET-KEY-1…` line. */
  readonly secretKeyFile: string;
}

/** A new X25519 key pair; the secret key file works with `age -d -i` and with BACKUP_ENCRYPTION_IDENTITY_FILE. */
export async function generateKeyPair(now: Date = new Date()): Promise<AgeKeyPair> {
  const secretKey = await generateX25519Identity();
  const publicKey = await identityToRecipient(secretKey);
  const created = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return { publicKey, secretKeyFile: `# created: ${created}\n# public key: ${publicKey}\n${secretKey}\n` };
}

/** Printed by `scandy-backup keygen` next to the new key pair. */
export const KEYGEN_WARNING = [
  'ACHTUNG: Der geheime Schlüssel (AGE-SECRET-KEY-1…) ist der einzige Weg, die damit verschlüsselten Backups zu lesen.',
  '- Geht er verloren, sind diese Backups verloren: niemand kann sie wiederherstellen, auch nicht mit diesem Programm.',
  '- Bewahren Sie ihn an mindestens zwei sicheren Orten auf, NICHT auf dem Server (z. B. Passwort-Manager, ausgedruckt im Tresor).',
  '- Auf dem Server wird nur der öffentliche Schlüssel eingetragen: BACKUP_ENCRYPTION_RECIPIENTS=age1…',
  '- Nur wenn der Server selbst prüfen und wiederherstellen soll: Schlüsseldatei mit Rechten 600 (chmod 600 DATEI)',
  '  und BACKUP_ENCRYPTION_IDENTITY_FILE=DATEI; wer dann den Server hat, kann auch die Backups lesen.',
  '- Entschlüsseln ohne dieses Programm: age -d -i DATEI BACKUP.zip.age > BACKUP.zip',
].join('\n');
