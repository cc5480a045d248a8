import type { Db } from 'mongodb';

/** The last verify result per backup, kept so the list can say "geprüft" without reading archives. */
export const VERIFICATIONS_COLLECTION = 'scandy_backup_verifications';

export interface VerificationRecord {
  readonly ok: boolean;
  readonly checkedAt: Date;
  readonly checkedBy: string;
  readonly message: string;
  readonly documents: number | null;
}

interface VerificationDocument {
  _id: string;
  ok: boolean;
  checked_at: Date;
  checked_by: string;
  message: string;
  documents: number | null;
}

function collection(db: Db) {
  return db.collection<VerificationDocument>(VERIFICATIONS_COLLECTION);
}

export async function recordVerification(db: Db, name: string, record: VerificationRecord): Promise<void> {
  await collection(db).replaceOne(
    { _id: name },
    { ok: record.ok, checked_at: record.checkedAt, checked_by: record.checkedBy, message: record.message, documents: record.documents },
    { upsert: true },
  );
}

export async function readVerifications(db: Db, names: readonly string[]): Promise<Map<string, VerificationRecord>> {
  if (names.length === 0) return new Map();
  const docs = await collection(db).find({ _id: { $in: [...names] } }).toArray();
  return new Map(
    docs.map((d) => [d._id, { ok: d.ok, checkedAt: d.checked_at, checkedBy: d.checked_by, message: d.message, documents: d.documents }]),
  );
}

/** Called when backups are deleted or pruned, so that no record outlives its backup. */
export async function forgetVerifications(db: Db, names: readonly string[]): Promise<void> {
  if (names.length > 0) await collection(db).deleteMany({ _id: { $in: [...names] } });
}
