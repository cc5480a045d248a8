import type { Db } from 'mongodb';

/** One document per restore drill, newest kept; the pages, metrics and the schedule read the newest. */
export const DRILLS_COLLECTION = 'scandy_backup_drills';
const DRILLS_KEPT = 100;

export interface DrillCollectionResult {
  readonly name: string;
  readonly documents: number;
  readonly indexes: number;
}

/** The outcome of one restore drill. */
export interface DrillRecord {
  readonly ok: boolean;
  /** The backup that was restored into the scratch database. */
  readonly backup: string;
  readonly scratchDatabase: string;
  readonly startedAt: Date;
  readonly finishedAt: Date;
  readonly durationMs: number;
  readonly documents: number;
  readonly collections: readonly DrillCollectionResult[];
  /** Why the drill failed (German); null when everything matched. */
  readonly reason: string | null;
  /** Who or what started it: an admin's address, "CLI", "Zeitplan". */
  readonly actor: string;
}

interface DrillDocument extends DrillRecord {
  _id?: unknown;
}

function collection(db: Db) {
  return db.collection<DrillDocument>(DRILLS_COLLECTION);
}

export async function recordDrill(db: Db, record: DrillRecord): Promise<void> {
  await collection(db).insertOne({ ...record });
  const stale = await collection(db).find({}, { projection: { _id: 1 } }).sort({ startedAt: -1 }).skip(DRILLS_KEPT).toArray();
  if (stale.length > 0) await collection(db).deleteMany({ _id: { $in: stale.map((d) => d._id) } });
}

export async function lastDrill(db: Db): Promise<DrillRecord | undefined> {
  const doc = await collection(db).find({}).sort({ startedAt: -1 }).limit(1).next();
  if (!doc) return undefined;
  const { _id: _ignored, ...record } = doc;
  return record;
}
