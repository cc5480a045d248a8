import type { Db } from 'mongodb';
import { AppError } from '../shared/app-error.js';
import { generatePassword } from './generate-password.js';
import { hashPassword } from './password-hash.js';
import { ensureUserIndexes, normalizeEmail, saveAdmin } from './user-accounts.js';

export const MIN_PASSWORD_LENGTH = 8;

export interface AdminAccountResult {
  readonly email: string;
  readonly created: boolean;
  /** Set when the caller gave no password. */
  readonly generatedPassword: string | undefined;
}

/** Adds an admin, or resets an account's password and makes it an admin (CLI `admin EMAIL`). */
export async function setAdminAccount(db: Db, input: { email: string; password?: string | undefined }, now: Date = new Date()): Promise<AdminAccountResult> {
  const email = normalizeEmail(input.email);
  if (input.password !== undefined && input.password.length < MIN_PASSWORD_LENGTH) {
    throw new AppError('INVALID_INPUT', `Das Passwort muss mindestens ${MIN_PASSWORD_LENGTH} Zeichen lang sein`);
  }
  const generatedPassword = input.password === undefined ? generatePassword() : undefined;
  await ensureUserIndexes(db);
  const { created } = await saveAdmin(db, email, await hashPassword(input.password ?? generatedPassword ?? ''), now);
  return { email, created, generatedPassword };
}
