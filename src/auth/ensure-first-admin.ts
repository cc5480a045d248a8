import type { Db } from 'mongodb';
import type { Config } from '../config/config.js';
import { generatePassword } from './generate-password.js';
import { hashPassword } from './password-hash.js';
import { adminExists, ensureUserIndexes, normalizeEmail, saveAdmin } from './user-accounts.js';

export const DEFAULT_ADMIN_EMAIL = 'admin@localhost';

export type FirstAdminOutcome =
  | { readonly created: false }
  | {
      readonly created: true;
      readonly email: string;
      /** Set when no ADMIN_PASSWORD was configured: print it once, it is stored only as a hash. */
      readonly generatedPassword: string | undefined;
    };

/**
 * At start-up: when no admin account exists yet, creates one from
 * ADMIN_EMAIL/ADMIN_PASSWORD, generating the password if none is configured.
 * Once an admin exists it changes nothing (the CLI `admin` command resets passwords).
 */
export async function ensureFirstAdmin(
  db: Db,
  config: Pick<Config, 'adminEmail' | 'adminPassword'>,
  now: Date = new Date(),
): Promise<FirstAdminOutcome> {
  await ensureUserIndexes(db);
  if (await adminExists(db)) return { created: false };
  const email = normalizeEmail(config.adminEmail ?? DEFAULT_ADMIN_EMAIL);
  const generatedPassword = config.adminPassword === undefined ? generatePassword() : undefined;
  await saveAdmin(db, email, await hashPassword(config.adminPassword ?? generatedPassword ?? ''), now);
  return { created: true, email, generatedPassword };
}
