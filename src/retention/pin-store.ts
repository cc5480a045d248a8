import type { Collection, Db } from 'mongodb';
import { parseBackupName } from '../archive/backup-name.js';
import { AppError } from '../shared/app-error.js';

export const PINS_COLLECTION = 'scandy_backup_pins';

/** A backup an admin chose to keep ("Behalten"): retention never removes it. */
export interface Pin {
  readonly name: string;
  readonly pinnedBy: string;
  readonly pinnedAt: Date;
}

export interface PinStore {
  /** Pins `name`; pinning a pinned backup again keeps the first pin. Refuses a name that is no backup name. */
  pin(name: string, actor: string, at: Date): Promise<Pin>;
  /** True when there was a pin to remove. */
  unpin(name: string): Promise<boolean>;
  /** Every pin, newest pin first. */
  list(): Promise<Pin[]>;
  pinnedNames(): Promise<Set<string>>;
}

interface PinDocument {
  _id: string;
  pinnedBy: string;
  pinnedAt: Date;
}

/** One document per pinned backup in scandy_backup_pins, `_id` the backup's file name. */
export class MongoPinStore implements PinStore {
  private readonly collection: Collection<PinDocument>;

  constructor(db: Db) {
    this.collection = db.collection<PinDocument>(PINS_COLLECTION);
  }

  async pin(name: string, actor: string, at: Date): Promise<Pin> {
    if (!parseBackupName(name)) throw new AppError('INVALID_INPUT', `Kein gültiger Backup-Name: ${name}`);
    await this.collection
      .updateOne({ _id: name }, { $setOnInsert: { pinnedBy: actor, pinnedAt: at } }, { upsert: true })
      .catch((error: unknown) => {
        // Two admins pinning at once: the other upsert inserted first, and its pin stands.
        if ((error as { code?: unknown }).code !== 11000) throw error;
      });
    const stored = await this.collection.findOne({ _id: name });
    return stored ? fromDocument(stored) : { name, pinnedBy: actor, pinnedAt: at };
  }

  async unpin(name: string): Promise<boolean> {
    const result = await this.collection.deleteOne({ _id: name });
    return result.deletedCount > 0;
  }

  async list(): Promise<Pin[]> {
    const documents = await this.collection.find({}).sort({ pinnedAt: -1, _id: -1 }).toArray();
    return documents.map(fromDocument);
  }

  async pinnedNames(): Promise<Set<string>> {
    const documents = await this.collection.find({}, { projection: { _id: 1 } }).toArray();
    return new Set(documents.map((d) => d._id));
  }
}

function fromDocument(doc: PinDocument): Pin {
  return { name: doc._id, pinnedBy: doc.pinnedBy, pinnedAt: doc.pinnedAt };
}
