import type { Db } from 'mongodb';
import { verifyPassword } from './password-hash.js';
import { findUserByEmail, findUserById, toAccountView, type AccountView } from './user-accounts.js';

/** Checked when the address is unknown, so that the answer takes as long as for a wrong password. */
const DUMMY_HASH = 'scrypt:32768:8:1$bfmK2cD9xq0Lp4Rz$' + '0'.repeat(128);

/** The account for these credentials, or undefined; never says which of the two was wrong. */
export async function authenticate(db: Db, email: string, password: string): Promise<AccountView | undefined> {
  const user = await findUserByEmail(db, email.trim().toLowerCase());
  const ok = await verifyPassword(password, user?.password_hash ?? DUMMY_HASH);
  return user && ok ? toAccountView(user) : undefined;
}

/** The account behind a session, or undefined once it was deleted or its password changed. */
export async function accountForSession(db: Db, id: string, stamp: string): Promise<AccountView | undefined> {
  const user = await findUserById(db, id);
  if (!user) return undefined;
  const account = toAccountView(user);
  return account.stamp === stamp ? account : undefined;
}
