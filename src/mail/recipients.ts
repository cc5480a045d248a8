import type { Db } from 'mongodb';

const EMAIL = /^[^\s@]+@[^\s@]+$/;

/**
 * Where the addresses came from: the admin accounts (`users`, which no
 * restore touches), the `admin_email` setting (`settings`, which a restore
 * brings back as the archive has it), or nowhere.
 */
export type RecipientSource = 'admins' | 'settings' | 'none';

export interface Recipients {
  readonly addresses: string[];
  readonly source: RecipientSource;
}

/**
 * Who gets backup mail: every admin user with an e-mail address
 * (collection `users`, `role: 'admin'`); if there is none, the `settings`
 * document `key: 'admin_email'` (a string, comma-separated or a list).
 */
export async function findRecipients(db: Db): Promise<Recipients> {
  const admins = await db
    .collection('users')
    .find({ role: 'admin', email: { $type: 'string' } }, { projection: { email: 1 } })
    .toArray();
  const fromUsers = uniqueAddresses(admins.map((u) => u.email));
  if (fromUsers.length > 0) return { addresses: fromUsers, source: 'admins' };
  const setting = await db.collection('settings').findOne({ key: 'admin_email' }, { projection: { value: 1 } });
  const value: unknown = setting?.value;
  const fromSetting = uniqueAddresses(Array.isArray(value) ? value : typeof value === 'string' ? value.split(/[,;]/) : []);
  return { addresses: fromSetting, source: fromSetting.length > 0 ? 'settings' : 'none' };
}

export async function resolveRecipients(db: Db): Promise<string[]> {
  return (await findRecipients(db)).addresses;
}

/** Trimmed valid addresses, each once (compared without case), in their first spelling. */
export function uniqueAddresses(values: readonly unknown[]): string[] {
  const seen = new Map<string, string>();
  for (const value of values) {
    if (typeof value !== 'string') continue;
    const address = value.trim();
    if (EMAIL.test(address) && !seen.has(address.toLowerCase())) seen.set(address.toLowerCase(), address);
  }
  return [...seen.values()];
}

/**
 * Recipients that still work while the database is down: the last list
 * that could be read, else the configured fallback (ADMIN_EMAIL).
 */
export function rememberingRecipients(
  lookup: () => Promise<string[]>,
  fallback: readonly string[],
): () => Promise<{ recipients: string[]; note: string | undefined }> {
  let lastKnown: string[] | undefined;
  return async () => {
    try {
      const recipients = await lookup();
      lastKnown = recipients;
      return { recipients, note: undefined };
    } catch (error) {
      const recipients = lastKnown ?? [...fallback];
      const source = lastKnown ? 'zuletzt bekannte Empfänger' : 'ADMIN_EMAIL';
      const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
      return { recipients, note: `Empfänger nicht aus der Datenbank lesbar (${reason}); verwendet: ${source}` };
    }
  };
}
