import { randomBytes } from 'node:crypto';
import type { Db } from 'mongodb';

export const SECRETS_COLLECTION = 'scandy_backup_secrets';
const SESSION_SECRET_ID = 'session-secret';

interface SecretDocument {
  _id: string;
  value: string;
  created_at: Date;
}

/**
 * SESSION_SECRET when configured; otherwise one random secret kept in the
 * database, so that session cookies stay valid across restarts and processes.
 */
export async function loadSessionSecret(db: Db, configured: string | undefined): Promise<string> {
  if (configured) return configured;
  const secrets = db.collection<SecretDocument>(SECRETS_COLLECTION);
  const existing = await secrets.findOne({ _id: SESSION_SECRET_ID });
  if (existing) return existing.value;
  try {
    await secrets.insertOne({ _id: SESSION_SECRET_ID, value: randomBytes(32).toString('hex'), created_at: new Date() });
  } catch (error) {
    if ((error as { code?: number }).code !== 11000) throw error;
  }
  const stored = await secrets.findOne({ _id: SESSION_SECRET_ID });
  if (!stored) throw new Error('Sitzungsschlüssel konnte nicht gespeichert werden');
  return stored.value;
}
