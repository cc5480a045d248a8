import { BSON, ObjectId, type Document } from 'mongodb';
import { ARCHIVE_LIMITS, ARCHIVE_VERSION } from './archive-format.js';
import { canonicalLine } from './canonical-line.js';
import { readWithoutReviver } from './parse-extended-json.js';
import { escapeBsonFieldNames, needsEscaping, unescapeFieldNames } from './field-names.js';
import { DocumentTooLargeError } from './bson-builder.js';
import { isPlainDocument, lineToBsonStreamed } from './line-to-bson.js';

const { EJSON } = BSON;

/**
 * Read options that keep every BSON value as its own type: a Double 5.0
 * stays a Double, an Int64 keeps every digit, regexes keep all flags.
 */
export const LOSSLESS_READ_OPTIONS = Object.freeze({
  promoteValues: false,
  promoteLongs: false,
  promoteBuffers: false,
  bsonRegExp: true,
} as const);

/** A document (from a legacy backup, a test) as one line of the current format. */
export function documentToLine(doc: Document): string {
  return bsonToLine(BSON.serialize(doc));
}

/**
 * Raw BSON of one document, as a `raw: true` cursor returns it, to one line
 * of canonical Extended JSON, field names escaped (see field-names.ts), and
 * checked to read back to the very same bytes; a document that would not
 * fails the backup loudly instead of coming back changed.
 */
export function bsonToLine(bytes: Uint8Array): string {
  const line = canonicalLine(bytes) ?? lineViaDocument(bytes);
  // The archive writer refuses such a line, naming its collection and position.
  if (line.length > ARCHIVE_LIMITS.maxLineBytes) return line;
  if (!readsBackTo(line, bytes)) {
    const { _id: id } = BSON.deserialize(bytes, LOSSLESS_READ_OPTIONS);
    const named = id instanceof ObjectId ? ` mit _id ${id.toHexString()}` : '';
    throw new Error(`Dokument${named} lässt sich nicht verlustfrei als Extended JSON sichern; das Backup wird abgebrochen statt Daten zu verändern`);
  }
  return line;
}

/** js-bson's way to the line canonicalLine writes directly: the BSON as a document, then EJSON.stringify. */
export function lineViaDocument(bytes: Uint8Array): string {
  let doc = BSON.deserialize(bytes, LOSSLESS_READ_OPTIONS);
  if (needsEscaping(doc)) doc = BSON.deserialize(escapeBsonFieldNames(bytes), LOSSLESS_READ_OPTIONS);
  return EJSON.stringify(doc, { relaxed: false });
}

function readsBackTo(line: string, bytes: Uint8Array): boolean {
  try {
    return Buffer.compare(lineToBson(line, ARCHIVE_VERSION), bytes) === 0;
  } catch {
    return false;
  }
}

/** Escaped field names (`"$$…"`, `"$2023"`) can only be in a line whose text has one of these. */
const ESCAPED_NAME = /"\$[$\d]/;

/**
 * A line longer than 1 MiB is read by JSON.parse too when it holds few values
 * (a large binary or text, the common case, several times faster), up to
 * this size; JSON.parse then needs about twice the line. Any other long line
 * is converted piecewise.
 */
const PARSED_LINE_BYTES = 24 * 1024 * 1024;
const PARSED_LINE_VALUES = 100_000;
const MARKS = [',', ':', '[', '{'];

/** One line of a collection file (without its comma) as BSON, in the field order of the line. */
export function lineToBson(line: string | Uint8Array, version: number): Uint8Array {
  if (readPiecewise(line)) return lineToBsonStreamed(typeof line === 'string' ? Buffer.from(line, 'utf8') : line, version);
  const serialized = BSON.serialize(parseLine(line, version));
  if (serialized.length > ARCHIVE_LIMITS.maxDocumentBytes) throw new DocumentTooLargeError(ARCHIVE_LIMITS.maxDocumentBytes);
  return serialized;
}

/** One line of a collection file as a document that serializes to exactly the BSON of lineToBson. */
export function lineToDocument(line: Uint8Array, version: number): Document {
  if (readPiecewise(line)) return bsonToDocument(lineToBsonStreamed(line, version));
  const doc = parseLine(line, version);
  if (line.length > ARCHIVE_LIMITS.streamedLineBytes && BSON.calculateObjectSize(doc) > ARCHIVE_LIMITS.maxDocumentBytes) {
    throw new DocumentTooLargeError(ARCHIVE_LIMITS.maxDocumentBytes);
  }
  return doc;
}

/** Reads a line exactly as lineToDocument does, keeping nothing (a piecewise line's BSON is not turned into objects). */
export function checkLine(line: Uint8Array, version: number): void {
  if (readPiecewise(line)) lineToBsonStreamed(line, version);
  else lineToDocument(line, version);
}

function readPiecewise(line: string | Uint8Array): boolean {
  if (line.length <= ARCHIVE_LIMITS.streamedLineBytes / 3) return false;
  const bytes = typeof line === 'string' ? Buffer.byteLength(line, 'utf8') : line.length;
  if (bytes <= ARCHIVE_LIMITS.streamedLineBytes) return false;
  if (bytes > PARSED_LINE_BYTES) return true;
  // Every value but the first follows one of these; inside strings they count too, which only errs on the safe side.
  const text = typeof line === 'string' ? line : Buffer.from(line.buffer, line.byteOffset, line.byteLength);
  let values = 0;
  for (const mark of MARKS) {
    for (let at = text.indexOf(mark); at !== -1; at = text.indexOf(mark, at + 1)) if (++values > PARSED_LINE_VALUES) return true;
  }
  return false;
}

/** A document from BSON bytes, its field order kept (OrderedDocument where JavaScript objects would reorder it). */
export function bsonToDocument(bytes: Uint8Array): Document {
  const doc = BSON.deserialize(bytes, LOSSLESS_READ_OPTIONS);
  return needsEscaping(doc) ? unescapeFieldNames(BSON.deserialize(escapeBsonFieldNames(bytes), LOSSLESS_READ_OPTIONS)) : doc;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

function parseLine(line: string | Uint8Array, version: number): Document {
  let text: string;
  try {
    text = typeof line === 'string' ? line : decoder.decode(line);
  } catch {
    throw new Error('ungültiges UTF-8');
  }
  const direct = readWithoutReviver(text);
  const parsed = direct ?? EJSON.parse(text, { relaxed: false });
  if (!isPlainDocument(parsed)) throw new Error('Zeile ist kein Dokument');
  // What is read without the reviver has no `$` name, so no escaped one either.
  return direct === undefined && version >= 2 && ESCAPED_NAME.test(text) ? unescapeFieldNames(parsed as Document) : (parsed as Document);
}
