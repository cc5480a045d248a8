import { TextDecoder } from 'node:util';
import { BSON, type Document } from 'mongodb';
import { none, isMany, getManyValues } from 'stream-chain/defs.js';
import { jsonParser, type Token } from 'stream-json/core/parser.js';
import { ARCHIVE_LIMITS } from './archive-format.js';
import { BsonBuilder, DocumentTooLargeError } from './bson-builder.js';
import { unescapeFieldName } from './field-names.js';
import { WrapperValue, type PackedToken } from './wrapper-value.js';

const EMBEDDED_DOCUMENT = 0x03;
const ARRAY = 0x04;
const SLICE_BYTES = 1024 * 1024;
/** The base64 text of a binary of the largest document size. */
const MAX_TEXT_CHARS = Math.ceil((ARCHIVE_LIMITS.maxDocumentBytes * 4) / 3) + 1024;
const MAX_NUMBER_CHARS = 1024;
/** MongoDB nests documents 100 levels deep at most. */
const MAX_DEPTH = 200;

type Frame = { readonly array: true; index: number } | { readonly array: false; key: string };

/**
 * Converts one long line of Extended JSON straight into BSON, in slices,
 * without ever holding the line as one string or as JavaScript objects: the
 * memory it needs is the BSON document (at most MongoDB's 16 MiB) and one
 * string value at a time. Field names keep their order. Extended JSON's own
 * wrappers (an object whose first field name begins with one `$`) are read by
 * js-bson, exactly as EJSON.parse reads short lines.
 */
export function lineToBsonStreamed(line: Uint8Array, version: number): Buffer {
  const converter = new LineConverter(version);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const parse = jsonParser({ packValues: false, streamValues: true });
  const feed = (result: unknown) => {
    if (isMany(result)) for (const token of getManyValues(result) as Token[]) converter.token(token);
  };
  try {
    for (let at = 0; at < line.length; at += SLICE_BYTES) {
      const end = Math.min(at + SLICE_BYTES, line.length);
      feed(parse(decoder.decode(line.subarray(at, end), { stream: end < line.length })));
    }
    feed(parse(none as unknown as string));
  } catch (error) {
    if (error instanceof TypeError && /encoded data/.test(error.message)) throw new Error('ungültiges UTF-8', { cause: error });
    throw error;
  }
  return converter.result();
}

class LineConverter {
  private readonly builder = new BsonBuilder(ARCHIVE_LIMITS.maxDocumentBytes);
  private readonly frames: Frame[] = [];
  private rootStarted = false;
  private whole: Buffer | undefined;
  /** The name of an object whose first field name decides whether it is a subdocument or a wrapper. */
  private undecided: string | undefined;
  private text: string | undefined;
  private textKind: 'key' | 'number' | 'string' = 'key';
  private wrapper: WrapperValue | undefined;

  constructor(private readonly version: number) {}

  token(token: Token): void {
    switch (token.name) {
      case 'startKey':
      case 'startNumber':
        this.text = '';
        this.textKind = token.name === 'startKey' ? 'key' : 'number';
        return;
      case 'stringChunk':
      case 'numberChunk':
        if (this.text !== undefined) this.appendText(token.value);
        else this.builder.appendString(token.value);
        return;
      case 'endKey':
        return this.key(this.takeText());
      case 'endNumber': {
        const text = this.takeText();
        return this.scalar({ name: 'numberValue', value: text }, () => BSON.EJSON.parse(text, { relaxed: false }));
      }
      case 'startString':
        if (this.wrapper) this.text = '';
        else this.builder.beginString(this.nextName());
        this.textKind = 'string';
        return;
      case 'endString':
        if (this.wrapper) this.collect({ name: 'stringValue', value: this.takeText() });
        else this.builder.endString();
        return;
      case 'trueValue':
      case 'falseValue':
      case 'nullValue':
        return this.scalar(token, () => token.value);
      case 'startObject':
        if (this.wrapper) return this.collect(token);
        this.undecided = this.rootStarted ? this.nextName() : ROOT;
        this.rootStarted = true;
        return;
      case 'startArray':
        if (this.wrapper) return this.collect(token);
        if (!this.rootStarted) throw new Error('Zeile ist kein Dokument');
        this.builder.beginContainer(ARRAY, this.nextName());
        return this.push({ array: true, index: 0 });
      case 'endObject':
        if (this.wrapper) return this.collect(token);
        if (this.undecided !== undefined) this.openDocument();
        return this.close();
      case 'endArray':
        if (this.wrapper) return this.collect(token);
        return this.close();
      default:
        return;
    }
  }

  result(): Buffer {
    if (this.whole) return this.whole;
    if (!this.rootStarted || this.frames.length > 0 || this.builder.depth > 0) throw new Error('Zeile ist kein vollständiges Dokument');
    return this.builder.finish();
  }

  private takeText(): string {
    const text = this.text ?? '';
    this.text = undefined;
    return text;
  }

  private appendText(chunk: string): void {
    this.text += chunk;
    const limit = this.textKind === 'number' ? MAX_NUMBER_CHARS : MAX_TEXT_CHARS;
    if (this.text!.length > limit) throw new DocumentTooLargeError(ARCHIVE_LIMITS.maxDocumentBytes);
  }

  private key(raw: string): void {
    if (this.wrapper) return this.collect({ name: 'keyValue', value: raw });
    if (this.undecided !== undefined) {
      if (this.isWrapperName(raw)) {
        this.wrapper = new WrapperValue(this.undecided === ROOT ? undefined : this.undecided, raw, this.version);
        this.undecided = undefined;
        return;
      }
      this.openDocument();
    }
    const frame = this.frames.at(-1);
    if (frame && !frame.array) frame.key = this.version >= 2 ? unescapeFieldName(raw) : raw;
  }

  /** A single `$` begins Extended JSON's own names; in format 2 `$$…` and `$2023` are escaped field names. */
  private isWrapperName(name: string): boolean {
    return name.startsWith('$') && (this.version < 2 || unescapeFieldName(name) === name);
  }

  private openDocument(): void {
    const name = this.undecided!;
    this.undecided = undefined;
    if (name === ROOT) this.builder.beginRoot();
    else this.builder.beginContainer(EMBEDDED_DOCUMENT, name);
    this.push({ array: false, key: '' });
  }

  private push(frame: Frame): void {
    if (this.frames.length >= MAX_DEPTH) throw new Error(`tiefer als ${MAX_DEPTH} Ebenen verschachtelt`);
    this.frames.push(frame);
  }

  private close(): void {
    this.frames.pop();
    this.builder.endContainer();
  }

  private nextName(): string {
    const frame = this.frames.at(-1);
    if (!frame) throw new Error('Zeile ist kein Dokument');
    return frame.array ? String(frame.index++) : frame.key;
  }

  private scalar(token: PackedToken, value: () => unknown): void {
    if (this.wrapper) return this.collect(token);
    if (!this.rootStarted) throw new Error('Zeile ist kein Dokument');
    this.builder.value(this.nextName(), value());
  }

  private collect(token: PackedToken): void {
    const wrapper = this.wrapper!;
    const done = wrapper.token(token);
    if (!done) return;
    this.wrapper = undefined;
    if (wrapper.name !== undefined) return this.builder.value(wrapper.name, done.value);
    if (!isPlainDocument(done.value)) throw new Error('Zeile ist kein Dokument');
    this.whole = Buffer.from(BSON.serialize(done.value as Document));
    if (this.whole.length > ARCHIVE_LIMITS.maxDocumentBytes) throw new DocumentTooLargeError(ARCHIVE_LIMITS.maxDocumentBytes);
  }
}

const ROOT = '\0root';

export function isPlainDocument(value: unknown): boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  if (value instanceof Map) return true;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}
