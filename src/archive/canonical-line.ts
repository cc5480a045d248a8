import { mustEscape } from './field-names.js';

/**
 * Raw BSON straight to the text EJSON.stringify(BSON.deserialize(bytes), {
 * relaxed: false }) gives, without building the document and its Extended
 * JSON wrappers as objects first: a backup's largest cost in Node besides the
 * read-back check. Only the types Scandy's data is made of are written here;
 * a document with anything else (another BSON type, a binary subtype but 0,
 * a date outside JavaScript's range, a field name that format 2 escapes, a
 * name or string that is not valid UTF-8) gives undefined, and the caller
 * takes js-bson's way. Either way every line is then checked to read back to
 * the very same bytes.
 */
export function canonicalLine(bytes: Uint8Array): string | undefined {
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer.length < 5 || buffer.readInt32LE(0) !== buffer.length) return undefined;
  const writer = new LineWriter(buffer);
  try {
    return writer.document(0, false) ? writer.text : undefined;
  } catch {
    // Truncated BSON: js-bson says what is wrong with it.
    return undefined;
  }
}

const DOUBLE = 0x01;
const STRING = 0x02;
const DOCUMENT = 0x03;
const ARRAY = 0x04;
const BINARY = 0x05;
const OBJECT_ID = 0x07;
const BOOLEAN = 0x08;
const DATE = 0x09;
const NULL = 0x0a;
const INT32 = 0x10;
const TIMESTAMP = 0x11;
const INT64 = 0x12;
const GENERIC_BINARY = 0x00;
/** The largest distance from 1970 in milliseconds a JavaScript Date holds. */
const MAX_DATE_MS = 8_640_000_000_000_000n;
const REPLACEMENT = '\uFFFD';
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Appends to `text` while it walks the BSON; each step says whether it could write what it found. */
class LineWriter {
  text = '';
  private at = 0;

  constructor(private readonly buffer: Buffer) {}

  document(start: number, isArray: boolean): boolean {
    const { buffer } = this;
    const end = start + buffer.readInt32LE(start) - 1;
    if (end >= buffer.length || buffer[end] !== 0) return false;
    this.text += isArray ? '[' : '{';
    this.at = start + 4;
    let first = true;
    while (this.at < end) {
      const type = buffer[this.at++]!;
      const nameStart = this.at;
      const nameEnd = buffer.indexOf(0, nameStart);
      if (nameEnd < 0 || nameEnd >= end) return false;
      this.at = nameEnd + 1;
      if (!first) this.text += ',';
      first = false;
      if (!isArray && !this.name(nameStart, nameEnd)) return false;
      if (!this.value(type)) return false;
    }
    if (this.at !== end) return false;
    this.at = end + 1;
    this.text += isArray ? ']' : '}';
    return true;
  }

  /** A field name as it is; one that format 2 escapes (`$…`, digits only), `__proto__` or `_bsontype` is left to js-bson. */
  private name(start: number, end: number): boolean {
    if (mustEscape(this.buffer, start, end)) return false;
    const quoted = this.quoted(start, end);
    if (quoted === undefined || quoted === '"__proto__"' || quoted === '"_bsontype"') return false;
    this.text += quoted + ':';
    return true;
  }

  /** UTF-8 bytes as a JSON string; undefined when they are not valid UTF-8. */
  private quoted(start: number, end: number): string | undefined {
    const { buffer } = this;
    let plain = true;
    for (let i = start; i < end && plain; i++) {
      const byte = buffer[i]!;
      plain = byte >= 0x20 && byte < 0x7f && byte !== QUOTE && byte !== BACKSLASH;
    }
    if (plain) return `"${buffer.toString('latin1', start, end)}"`;
    const text = buffer.toString('utf8', start, end);
    return text.includes(REPLACEMENT) ? undefined : JSON.stringify(text);
  }

  private value(type: number): boolean {
    const { buffer, at } = this;
    switch (type) {
      case DOUBLE:
        this.text += `{"$numberDouble":"${doubleText(buffer.readDoubleLE(at))}"}`;
        this.at = at + 8;
        return true;
      case STRING: {
        const length = buffer.readInt32LE(at);
        const end = at + 4 + length - 1;
        if (length < 1 || end >= buffer.length || buffer[end] !== 0) return false;
        const quoted = this.quoted(at + 4, end);
        if (quoted === undefined) return false;
        this.text += quoted;
        this.at = end + 1;
        return true;
      }
      case DOCUMENT:
      case ARRAY:
        return this.document(at, type === ARRAY);
      case BINARY: {
        const length = buffer.readInt32LE(at);
        if (buffer[at + 4] !== GENERIC_BINARY || length < 0 || at + 5 + length > buffer.length) return false;
        this.text += `{"$binary":{"base64":"${buffer.toString('base64', at + 5, at + 5 + length)}","subType":"00"}}`;
        this.at = at + 5 + length;
        return true;
      }
      case OBJECT_ID:
        this.text += `{"$oid":"${buffer.toString('hex', at, at + 12)}"}`;
        this.at = at + 12;
        return true;
      case BOOLEAN:
        if (buffer[at]! > 1) return false;
        this.text += buffer[at] === 1 ? 'true' : 'false';
        this.at = at + 1;
        return true;
      case DATE: {
        const ms = buffer.readBigInt64LE(at);
        if (ms > MAX_DATE_MS || ms < -MAX_DATE_MS) return false;
        this.text += `{"$date":{"$numberLong":"${ms}"}}`;
        this.at = at + 8;
        return true;
      }
      case NULL:
        this.text += 'null';
        return true;
      case INT32:
        this.text += `{"$numberInt":"${buffer.readInt32LE(at)}"}`;
        this.at = at + 4;
        return true;
      case TIMESTAMP:
        this.text += `{"$timestamp":{"t":${buffer.readUInt32LE(at + 4)},"i":${buffer.readUInt32LE(at)}}}`;
        this.at = at + 8;
        return true;
      case INT64:
        this.text += `{"$numberLong":"${buffer.readBigInt64LE(at)}"}`;
        this.at = at + 8;
        return true;
      default:
        return false;
    }
  }
}

function doubleText(value: number): string {
  if (Object.is(value, -0)) return '-0.0';
  return Number.isInteger(value) ? value.toFixed(1) : String(value);
}
