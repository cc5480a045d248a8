import { createHash } from 'node:crypto';
import { ObjectId, type Collection, type Db } from 'mongodb';
import { AppError } from '../shared/app-error.js';

/** Scandy's own accounts collection; the mail module reads its admins' addresses. */
export const USERS_COLLECTION = 'users';
export const ADMIN_ROLE = 'admin';

export interface UserDocument {
  _id: ObjectId | string;
  email?: string;
  name?: string;
  role?: string;
  password_hash?: string;
  created_at?: Date;
  updated_at?: Date;
}

/** What the web layer keeps of a signed-in account. */
export interface AccountView {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly role: string;
  /** Changes whenever the password does, which ends the sessions opened with the old one. */
  readonly stamp: string;
}

const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+$/;

export function usersCollection(db: Db): Collection<UserDocument> {
  return db.collection<UserDocument>(USERS_COLLECTION);
}

export function normalizeEmail(email: string): string {
  const normalized = email.trim().toLowerCase();
  if (normalized.length > 254 || !EMAIL_PATTERN.test(normalized)) throw new AppError('INVALID_INPUT', `Keine gültige E-Mail-Adresse: ${email.slice(0, 100)}`);
  return normalized;
}

/**
 * Unique e-mail addresses. Accounts that Scandy created without an address are
 * skipped (sparse); if existing data already breaks uniqueness the index is
 * left out and the lookups by address still work.
 */
export async function ensureUserIndexes(db: Db): Promise<boolean> {
  try {
    await usersCollection(db).createIndex({ email: 1 }, { unique: true, sparse: true, name: 'email_unique' });
    return true;
  } catch {
    return false;
  }
}

export async function findUserByEmail(db: Db, email: string): Promise<UserDocument | null> {
  return usersCollection(db).findOne({ email });
}

export async function findUserById(db: Db, id: string): Promise<UserDocument | null> {
  const key = /^[0-9a-f]{24}$/.test(id) ? new ObjectId(id) : id;
  return usersCollection(db).findOne({ _id: key });
}

export async function adminExists(db: Db): Promise<boolean> {
  return (await usersCollection(db).findOne({ role: ADMIN_ROLE }, { projection: { _id: 1 } })) !== null;
}

export function toAccountView(user: UserDocument): AccountView {
  const email = user.email ?? '';
  return {
    id: user._id instanceof ObjectId ? user._id.toHexString() : String(user._id),
    email,
    name: user.name ?? email,
    role: user.role ?? '',
    stamp: passwordStamp(user.password_hash ?? ''),
  };
}

function passwordStamp(passwordHash: string): string {
  return createHash('sha256').update(passwordHash).digest('hex').slice(0, 16);
}

/**
 * Creates the admin account for `email`, or makes the existing account with
 * that address an admin with the new password. Returns whether it was created.
 */
export async function saveAdmin(db: Db, email: string, passwordHash: string, now: Date): Promise<{ created: boolean }> {
  const result = await usersCollection(db).updateOne(
    { email },
    {
      $set: { role: ADMIN_ROLE, password_hash: passwordHash, updated_at: now },
      $setOnInsert: { _id: new ObjectId(), name: email.split('@')[0] ?? email, created_at: now },
    },
    { upsert: true },
  );
  return { created: result.upsertedCount > 0 };
}
