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
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { parse } from 'lossless-json';
import { Double, Int32, Long, ObjectId, type Document } from 'mongodb';
import { isSafeCollectionName } from '../config/collections.js';
import { AppError } from '../shared/app-error.js';
import { offsetAt } from '../shared/wall-clock.js';

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

/** Python writes non-finite floats as bare NaN/Infinity (not JSON); they are
 * quoted behind this marker before parsing. The random part makes a clash
 * with a real string impossible. */
const NON_FINITE_MARKER = `\u0000scandy-non-finite-${randomUUID()}:`;
const NON_FINITE_TOKEN = /-?Infinity|NaN/y;

/** Parses and converts a whole legacy backup; collections in file order. */
export function parseLegacyBackup(text: string): LegacyCollection[] {
  const root = parseJson(quoteNonFiniteNumbers(text.replace(/^\uFEFF/, '')));
  if (!isPlainObject(root)) {
    throw invalid(`Die alte Sicherungsdatei muss ein JSON-Objekt der Form {"sammlung": [dokumente]} sein; gefunden: ${describe(root)}.`);
  }
  return Object.entries(root).map(([name, value]) => {
    if (!isSafeCollectionName(name)) {
      throw invalid(`Ungültiger Sammlungsname ${JSON.stringify(name)} in der alten Sicherungsdatei.`, { collection: name });
    }
    if (!Array.isArray(value)) {
      throw invalid(`Sammlung "${name}": erwartet wird eine Liste von Dokumenten; gefunden: ${describe(value)}.`, { collection: name });
    }
    const documents = value.map((element: unknown, index) => {
      if (!isPlainObject(element)) {
        throw invalid(`Sammlung "${name}", Eintrag ${index} (ab 0 gezählt): erwartet wird ein Dokument (JSON-Objekt); gefunden: ${describe(element)}.`, { collection: name, index });
      }
      return convertDocument(element);
    });
    return { name, documents };
  });
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

function parseJson(text: string): unknown {
  try {
    return parse(text, undefined, parseNumber);
  } catch (error) {
    if (error instanceof AppError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    const position = /position (\d+)/.exec(message)?.[1];
    const where = position === undefined ? '' : ` (${lineAndColumn(text, Number(position))})`;
    throw new AppError('ARCHIVE_INVALID', `Die alte Sicherungsdatei ist kein gültiges JSON${where}: ${message}`, { cause: error });
  }
}

function parseNumber(literal: string): Int32 | Long | Double {
  if (!INTEGER.test(literal)) return new Double(Number(literal));
  const value = BigInt(literal);
  if (value >= INT32_MIN && value <= INT32_MAX) return new Int32(Number(value));
  if (value >= INT64_MIN && value <= INT64_MAX) return Long.fromString(literal);
  throw invalid(`Die Ganzzahl ${literal} passt nicht in 64 Bit und kann nicht in MongoDB gespeichert werden.`);
}

function convertDocument(document: Record<string, unknown>): Document {
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

/** Replaces bare NaN / Infinity / -Infinity outside strings by marked strings. */
function quoteNonFiniteNumbers(text: string): string {
  if (!text.includes('NaN') && !text.includes('Infinity')) return text;
  let result = '';
  let copied = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (inString) {
      if (char === '\\') i++;
      else if (char === '"') inString = false;
    } else if (char === '"') {
      inString = true;
    } else if (char === 'N' || char === 'I' || char === '-') {
      NON_FINITE_TOKEN.lastIndex = i;
      const token = NON_FINITE_TOKEN.exec(text)?.[0];
      if (token !== undefined) {
        result += text.slice(copied, i) + JSON.stringify(NON_FINITE_MARKER + token);
        i += token.length - 1;
        copied = i + 1;
      }
    }
  }
  return result + text.slice(copied);
}

function lineAndColumn(text: string, position: number): string {
  const before = text.slice(0, position);
  const line = before.split('\n').length;
  const column = position - before.lastIndexOf('\n');
  return `Zeile ${line}, Spalte ${column}`;
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

function invalid(message: string, details?: Record<string, unknown>): AppError {
  return new AppError('ARCHIVE_INVALID', message, details === undefined ? undefined : { details });
}
