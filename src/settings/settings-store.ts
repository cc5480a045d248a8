import type { Collection, Db } from 'mongodb';
import { AppError } from '../shared/app-error.js';
import { systemClock, type Clock } from '../shared/clock.js';
import { parseSettingsPatch, settingsSchema, SETTINGS_FIELDS, type BackupSettings, type SettingsField } from './settings-schema.js';

export const SETTINGS_COLLECTION = 'scandy_backup_settings';
/** Older versions kept for the audit (who changed what when). */
export const SETTINGS_VERSIONS_KEPT = 100;

/** What the admins changed; every field not in `values` comes from the environment. */
export interface StoredSettings {
  readonly values: Partial<BackupSettings>;
  /** 0 while nothing was ever saved; each save or reset adds one. */
  readonly version: number;
  readonly changedBy: string | undefined;
  readonly changedAt: Date | undefined;
  /** Stored values the schema no longer accepts (edited by hand, older rules): ignored, with why. */
  readonly ignored: Readonly<Partial<Record<SettingsField, string>>>;
}

export type SettingSource = 'settings' | 'environment';

export interface EffectiveSettings extends Omit<StoredSettings, 'values'> {
  readonly values: BackupSettings;
  /** Per field: saved by an admin, or the environment's default (what "auf Standard zurücksetzen" returns to). */
  readonly sources: Readonly<Record<SettingsField, SettingSource>>;
  readonly defaults: BackupSettings;
}

/** One version of the settings; `_id` is the version number. */
interface SettingsDocument {
  _id: number;
  values: Record<string, unknown>;
  changedBy: string;
  changedAt: Date;
}

/** Stored values over the environment's defaults, field by field. */
export function mergeSettings(stored: StoredSettings, defaults: BackupSettings): EffectiveSettings {
  const values = { ...defaults, ...stored.values };
  const sources = Object.fromEntries(
    (Object.keys(SETTINGS_FIELDS) as SettingsField[]).map((field) => [field, field in stored.values ? 'settings' : 'environment']),
  ) as Record<SettingsField, SettingSource>;
  const { values: _stored, ...rest } = stored;
  return { ...rest, values, sources, defaults };
}

/**
 * The admins' settings in scandy_backup_settings, one document per version
 * (`_id` = version, with the changed values, who changed them and when); the
 * highest is in force. Every change names the version it was made on and
 * inserts the next one: the unique `_id` lets exactly one of two concurrent
 * changes win, on MongoDB and FerretDB alike (FerretDB's conditional update
 * is no compare-and-set); the other gets SETTINGS_CONFLICT (409). The last
 * SETTINGS_VERSIONS_KEPT versions stay as the audit trail.
 */
export class MongoSettingsStore {
  private readonly collection: Collection<SettingsDocument>;

  constructor(
    db: Db,
    private readonly clock: Clock = systemClock,
  ) {
    this.collection = db.collection<SettingsDocument>(SETTINGS_COLLECTION);
  }

  async read(): Promise<StoredSettings> {
    return fromDocument(await this.collection.findOne({}, { sort: { _id: -1 } }));
  }

  async effective(envDefaults: BackupSettings): Promise<EffectiveSettings> {
    return mergeSettings(await this.read(), envDefaults);
  }

  /** Validates `change` (INVALID_INPUT naming the field, nothing saved), then stores it over the saved values. */
  async save(change: unknown, expectedVersion: number, actor: string): Promise<StoredSettings> {
    const patch = parseSettingsPatch(change);
    return this.write(expectedVersion, actor, (values) => ({ ...values, ...patch }));
  }

  /** Returns `fields` to their environment defaults. */
  async reset(fields: readonly string[], expectedVersion: number, actor: string): Promise<StoredSettings> {
    const unknown = fields.filter((field) => !(field in SETTINGS_FIELDS));
    if (unknown.length > 0) throw new AppError('INVALID_INPUT', `Unbekannte Einstellung: ${unknown.join(', ')}`);
    return this.write(expectedVersion, actor, (values) => Object.fromEntries(Object.entries(values).filter(([field]) => !fields.includes(field))));
  }

  private async write(
    expectedVersion: number,
    actor: string,
    change: (values: Partial<BackupSettings>) => Partial<BackupSettings>,
  ): Promise<StoredSettings> {
    if (!Number.isInteger(expectedVersion) || expectedVersion < 0) {
      throw new AppError('INVALID_INPUT', 'Ungültige Einstellung „version“: muss die Version der geladenen Einstellungen sein (ganze Zahl ab 0)');
    }
    const current = await this.read();
    if (current.version !== expectedVersion) throw conflict(current);
    const next: SettingsDocument = {
      _id: expectedVersion + 1,
      values: change(current.values),
      changedBy: actor,
      changedAt: this.clock.now(),
    };
    try {
      await this.collection.insertOne(next);
    } catch (error) {
      if ((error as { code?: unknown }).code === 11000) throw conflict(await this.read());
      throw error;
    }
    await this.collection.deleteMany({ _id: { $lte: next._id - SETTINGS_VERSIONS_KEPT } });
    return fromDocument(next);
  }

  /** The versions kept, newest first: who changed the settings when, and to what. */
  async history(): Promise<StoredSettings[]> {
    const documents = await this.collection.find({}).sort({ _id: -1 }).toArray();
    return documents.map(fromDocument);
  }
}

function fromDocument(doc: SettingsDocument | null): StoredSettings {
  if (!doc) return { values: {}, version: 0, changedBy: undefined, changedAt: undefined, ignored: {} };
  const values: Record<string, unknown> = {};
  const ignored: Partial<Record<SettingsField, string>> = {};
  for (const [field, value] of Object.entries(doc.values ?? {})) {
    if (!(field in SETTINGS_FIELDS)) continue;
    const parsed = settingsSchema.shape[field as SettingsField].safeParse(value);
    if (parsed.success) values[field] = parsed.data;
    else ignored[field as SettingsField] = parsed.error.issues[0]?.message ?? 'ungültig';
  }
  return { values: values as Partial<BackupSettings>, version: doc._id, changedBy: doc.changedBy, changedAt: doc.changedAt, ignored };
}

function conflict(current: StoredSettings): AppError {
  const by = current.changedBy ? ` von ${current.changedBy}` : '';
  return new AppError(
    'SETTINGS_CONFLICT',
    `Die Einstellungen wurden inzwischen${by} geändert (jetzt Version ${current.version}). Bitte neu laden und die Änderung erneut vornehmen.`,
    { details: { version: current.version } },
  );
}
