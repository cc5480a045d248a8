import { BSON, type Document } from 'mongodb';

/**
 * Format 2 writes a field name that begins with `$` or is made only of digits
 * with one more `$` in front (`$regex` → `$$regex`, `2023` → `$2023`), and a
 * reader takes it off again. So no data can be read as one of Extended JSON's
 * own `$` wrappers (`{$regex, $options}`, `{$date}`, `{$oid}` …), and no
 * field name is one that JavaScript objects move to the front (`"2023"`).
 * Array elements are not field names and are never escaped.
 */
export function escapeFieldName(name: string): string {
  return name.startsWith('$') || DIGITS.test(name) ? `$${name}` : name;
}

/** The field name an escaped one stands for; any other name stays as it is. */
export function unescapeFieldName(name: string): string {
  return name.startsWith('$$') || ESCAPED_DIGITS.test(name) ? name.slice(1) : name;
}

const DIGITS = /^\d+$/;
const ESCAPED_DIGITS = /^\$\d+$/;
const DOLLAR = 0x24;
const ZERO = 0x30;
const NINE = 0x39;

/** Whether a deserialized document has a field name that must be escaped (a DBRef is a subdocument with `$ref`, `$id`). */
export function needsEscaping(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.some(needsEscaping);
  const type = (value as { _bsontype?: string })._bsontype;
  if (type === 'DBRef') return true;
  if (type === 'Code') return needsEscaping((value as BSON.Code).scope);
  if (type !== undefined || value instanceof Date) return false;
  for (const [name, inner] of Object.entries(value)) {
    if (name.startsWith('$') || DIGITS.test(name) || needsEscaping(inner)) return true;
  }
  return false;
}

/**
 * The same BSON document with every field name escaped, at any depth
 * (subdocuments, documents in arrays, the scope of code with scope), in its
 * order. Deserialized, it has no field name JavaScript would reorder and no
 * subdocument that Extended JSON or js-bson would take for a type (DBRef).
 */
export function escapeBsonFieldNames(bytes: Uint8Array): Buffer {
  return rewriteDocument(bytes, 0, false);
}

const EMBEDDED_DOCUMENT = 0x03;
const ARRAY = 0x04;
const CODE_WITH_SCOPE = 0x0f;

function rewriteDocument(bytes: Uint8Array, start: number, isArray: boolean): Buffer {
  const parts: Uint8Array[] = [];
  for (const [type, nameOffset, nameLength, offset, length] of BSON.onDemand.parseToElements(bytes, start)) {
    const name = bytes.subarray(nameOffset, nameOffset + nameLength);
    parts.push(Uint8Array.of(type), isArray || !mustEscape(name) ? name : Buffer.concat([Uint8Array.of(DOLLAR), name]), Uint8Array.of(0));
    if (type === EMBEDDED_DOCUMENT || type === ARRAY) parts.push(rewriteDocument(bytes, offset, type === ARRAY));
    else if (type === CODE_WITH_SCOPE) parts.push(rewriteCodeWithScope(bytes, offset));
    else parts.push(bytes.subarray(offset, offset + length));
  }
  return framed(parts, 1);
}

/** int32 total size, the code as a BSON string, the scope document. */
function rewriteCodeWithScope(bytes: Uint8Array, offset: number): Buffer {
  const codeLength = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).readInt32LE(offset + 4);
  const code = bytes.subarray(offset + 4, offset + 8 + codeLength);
  return framed([code, rewriteDocument(bytes, offset + 8 + codeLength, false)], 0);
}

/** Prefixes the int32 total length (and appends `trailingZeros` 0x00 bytes). */
function framed(parts: Uint8Array[], trailingZeros: number): Buffer {
  const body = Buffer.concat(parts);
  const out = Buffer.alloc(4 + body.length + trailingZeros);
  out.writeInt32LE(out.length, 0);
  body.copy(out, 4);
  return out;
}

/** Whether the UTF-8 field name in `bytes[start, end)` is one format 2 escapes (see escapeFieldName). */
export function mustEscape(bytes: Uint8Array, start = 0, end = bytes.length): boolean {
  if (start === end) return false;
  if (bytes[start] === DOLLAR) return true;
  for (let i = start; i < end; i++) if (bytes[i]! < ZERO || bytes[i]! > NINE) return false;
  return true;
}

/**
 * A field order JavaScript objects cannot keep (names made of digits) is kept
 * in a Map, which js-bson writes in insertion order. `_id` stays readable as a
 * property, as the driver and the restore expect of a document.
 */
export class OrderedDocument extends Map<string, unknown> {
  get _id(): unknown {
    return this.get('_id');
  }
}

/**
 * Takes the escapes off every field name of a document read from format 2
 * (deserialized from escaped BSON or parsed from Extended JSON): objects that
 * then have a name made of digits become OrderedDocuments.
 */
export function unescapeFieldNames(doc: Document): Document {
  return unescapeValue(doc) as Document;
}

function unescapeValue(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(unescapeValue);
  const type = (value as { _bsontype?: string })._bsontype;
  if (type === 'Code') {
    const code = value as BSON.Code;
    return code.scope ? new BSON.Code(code.code, unescapeFieldNames(code.scope)) : code;
  }
  if (type !== undefined || value instanceof Date) return value;
  const entries = Object.entries(value).map(([name, inner]) => [unescapeFieldName(name), unescapeValue(inner)] as const);
  return entries.some(([name]) => DIGITS.test(name)) ? new OrderedDocument(entries) : Object.fromEntries(entries);
}
