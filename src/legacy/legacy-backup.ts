/**
 * Turns a backup of the old Python Scandy (`scandy_backup_*.json`, one JSON
 * object `{collection: [documents]}` written with `default=str`) back into
 * typed BSON documents. Pure: no I/O, no database.
 *
 * Recovery rules (see test/fixtures/README.md):
 * - `_id` and `*_id` fields holding 24 lowercase hex characters -> ObjectId.
 * - Strings `YYYY-MM-DD HH:MM:SS[.f{1,6}]` -> Date (UTC, truncated to ms).
 * - Integer literals -> Int32, or Long beyond int32; other numbers -> Double.
 *   Python's bare `NaN`, `Infinity`, `-Infinity` -> Double as well.
 * - Everything else stays as it is, in the key order of the file.
 */
import path from 'node:path';
import { Double, Int32, Long, ObjectId, type Document } from 'mongodb';
import { AppError } from '../shared/app-error.js';
import { offsetAt } from '../shared/wall-clock.js';
import { LegacyReader, NON_FINITE_MARKER, SyntaxErrorLocator, invalid, type LegacyEvent } from './legacy-reader.js';

export interface LegacyCollection {
  readonly name: string;
  readonly documents: Document[];
}

const OBJECT_ID = /^[0-9a-f]{24}$/;
const DATETIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/;
const INTEGER = /^-?\d+$/;
const LEGACY_FILE_NAME = /^scandy_backup_(\d{4})(\d{2})(\d{2})_(\d{2})(\d{2})(\d{2})\.json$/;
const INT32_MIN = -(2n ** 31n);
const INT32_MAX = 2n ** 31n - 1n;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Parses and converts a whole legacy backup held in memory (tests, small files); collections in file order. */
export function parseLegacyBackup(text: string): LegacyCollection[] {
  const collections: LegacyCollection[] = [];
  const take = (events: LegacyEvent[]) => {
    for (const event of events) {
      if (event.type === 'collection') collections.push({ name: event.name, documents: [] });
      else if (event.type === 'document') collections.at(-1)!.documents.push(convertDocument(event.document));
    }
  };
  const body = text.replace(/^\uFEFF/, '');
  try {
    const reader = newLegacyReader();
    take(reader.push(body));
    take(reader.end());
  } catch (error) {
    const locator = new SyntaxErrorLocator();
    throw syntaxError(error, locator.push(body) ?? locator.end());
  }
  return collections;
}

export function newLegacyReader(): LegacyReader {
  return new LegacyReader(parseNumber, describe);
}

/** An AppError as it is; any other error of the reader is a JSON syntax error, at `where` if known. */
export function syntaxError(error: unknown, where: string | undefined): unknown {
  if (error instanceof AppError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new AppError('ARCHIVE_INVALID', `Die alte Sicherungsdatei ist kein gültiges JSON${where ? ` (${where})` : ''}: ${message}`, { cause: error });
}

/**
 * When the Python app wrote `scandy_backup_YYYYMMDD_HHMMSS.json`: the name is
 * naive Europe/Berlin local time, returned as the UTC instant. In the repeated
 * autumn hour the later (CET) instant is chosen. undefined if the name does
 * not match or is no real date.
 */
export function legacyCreatedAt(fileName: string): Date | undefined {
  const match = LEGACY_FILE_NAME.exec(path.basename(fileName));
  const wallClock = match ? utcFromMatch(match, 0) : undefined;
  if (wallClock === undefined) return undefined;
  const guess = wallClock - berlinOffset(wallClock);
  return new Date(wallClock - berlinOffset(guess));
}

function parseNumber(literal: string): Int32 | Long | Double {
  if (!INTEGER.test(literal)) return new Double(Number(literal));
  const value = BigInt(literal);
  if (value >= INT32_MIN && value <= INT32_MAX) return new Int32(Number(value));
  if (value >= INT64_MIN && value <= INT64_MAX) return Long.fromString(literal);
  throw invalid(`Die Ganzzahl ${literal} passt nicht in 64 Bit und kann nicht in MongoDB gespeichert werden.`);
}

export function convertDocument(document: Record<string, unknown>): Document {
  // Object.fromEntries defines own properties, so even a key "__proto__" stays data.
  return Object.fromEntries(Object.entries(document).map(([key, value]) => [key, convertValue(value, key)]));
}

function convertValue(value: unknown, key: string | undefined): unknown {
  if (typeof value === 'string') return convertString(value, key);
  if (Array.isArray(value)) return value.map((item: unknown) => convertValue(item, undefined));
  if (isPlainObject(value)) return convertDocument(value);
  return value; // null, boolean, or a number already wrapped by parseNumber
}

function convertString(value: string, key: string | undefined): unknown {
  if (key !== undefined && key.endsWith('_id') && OBJECT_ID.test(value)) return new ObjectId(value);
  if (value.startsWith(NON_FINITE_MARKER)) return new Double(Number(value.slice(NON_FINITE_MARKER.length)));
  const match = DATETIME.exec(value);
  if (!match) return value;
  const millis = Number((match[7] ?? '').padEnd(3, '0').slice(0, 3)); // truncate, never round
  const time = utcFromMatch(match, millis);
  return time === undefined ? value : new Date(time);
}

/** Groups 1-6 (year..second) as a UTC instant; undefined for impossible dates. */
function utcFromMatch(match: RegExpExecArray, millis: number): number | undefined {
  const part = (index: number): number => Number(match[index]);
  const [year, month, day, hour, minute, second] = [part(1), part(2), part(3), part(4), part(5), part(6)] as const;
  if (year < 1) return undefined;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day); // not Date.UTC: it maps years 0-99 to 1900-1999
  date.setUTCHours(hour, minute, second, millis);
  const exact =
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    date.getUTCHours() === hour &&
    date.getUTCMinutes() === minute &&
    date.getUTCSeconds() === second;
  return exact ? date.getTime() : undefined;
}

/** Milliseconds Europe/Berlin is ahead of UTC at the given instant. */
function berlinOffset(instant: number): number {
  return offsetAt(instant, 'Europe/Berlin');
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'eine Liste';
  if (typeof value === 'string') return value.startsWith(NON_FINITE_MARKER) ? 'eine Zahl' : 'eine Zeichenkette';
  if (typeof value === 'boolean') return 'ein Wahrheitswert';
  if (value instanceof Int32 || value instanceof Long || value instanceof Double) return 'eine Zahl';
  return 'ein Objekt';
}
