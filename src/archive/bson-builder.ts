import { BSON } from 'mongodb';

const STRING = 0x02;
const BOOLEAN = 0x08;
const NULL = 0x0a;

/** Values written without js-bson's serializer (which would cost a document per value). */
const DIRECT: Record<string, { type: number; bytes: number; write(buffer: Buffer, at: number, value: unknown): void }> = {
  Int32: { type: 0x10, bytes: 4, write: (b, at, v) => b.writeInt32LE((v as BSON.Int32).value, at) },
  Double: { type: 0x01, bytes: 8, write: (b, at, v) => b.writeDoubleLE((v as BSON.Double).value, at) },
  Long: {
    type: 0x12,
    bytes: 8,
    write: (b, at, v) => {
      b.writeInt32LE((v as BSON.Long).low, at);
      b.writeInt32LE((v as BSON.Long).high, at + 4);
    },
  },
  ObjectId: { type: 0x07, bytes: 12, write: (b, at, v) => b.set((v as BSON.ObjectId).id, at) },
};
const HIGH_SURROGATE_FIRST = 0xd800;
const HIGH_SURROGATE_LAST = 0xdbff;

/**
 * Writes one BSON document element by element, as a token stream describes
 * it, into a buffer that never grows past `maxBytes`: a line that would make
 * a larger document is refused as soon as its output passes the limit.
 */
export class BsonBuilder {
  private buffer = Buffer.alloc(64 * 1024);
  private length = 0;
  private readonly open: number[] = [];
  private stringStart = -1;
  /** A high surrogate at the end of a chunk waits for its low half. */
  private pendingSurrogate = '';

  constructor(private readonly maxBytes: number) {}

  get depth(): number {
    return this.open.length;
  }

  beginRoot(): void {
    this.open.push(this.length);
    this.reserve(4);
  }

  /** A subdocument (0x03) or array (0x04). */
  beginContainer(type: number, name: string): void {
    this.header(type, name);
    this.open.push(this.length);
    this.reserve(4);
  }

  endContainer(): void {
    const start = this.open.pop()!;
    this.writeByte(0);
    this.buffer.writeInt32LE(this.length - start, start);
  }

  beginString(name: string): void {
    this.header(STRING, name);
    this.stringStart = this.length;
    this.reserve(4);
  }

  appendString(chunk: string): void {
    let text = this.pendingSurrogate + chunk;
    this.pendingSurrogate = '';
    const last = text.charCodeAt(text.length - 1);
    if (last >= HIGH_SURROGATE_FIRST && last <= HIGH_SURROGATE_LAST) {
      this.pendingSurrogate = text.slice(-1);
      text = text.slice(0, -1);
    }
    this.writeText(text);
  }

  endString(): void {
    this.writeText(this.pendingSurrogate);
    this.pendingSurrogate = '';
    this.writeByte(0);
    this.buffer.writeInt32LE(this.length - this.stringStart - 4, this.stringStart);
  }

  /** Any value js-bson can serialize, as one element; the common ones directly. */
  value(name: string, value: unknown): void {
    if (value === null) return this.header(NULL, name);
    if (typeof value === 'boolean') {
      this.header(BOOLEAN, name);
      return this.writeByte(value ? 1 : 0);
    }
    const direct = DIRECT[(value as { _bsontype?: string })._bsontype ?? ''];
    if (direct) {
      this.header(direct.type, name);
      this.ensure(direct.bytes);
      direct.write(this.buffer, this.length, value);
      this.length += direct.bytes;
      return;
    }
    const single = BSON.serialize({ v: value });
    // int32 size, type, "v\0", the value, the document's closing 0x00.
    this.header(single[4]!, name);
    this.writeBytes(single.subarray(7, single.length - 1));
  }

  finish(): Buffer {
    if (this.open.length > 0) throw new Error('Dokument nicht abgeschlossen');
    return this.buffer.subarray(0, this.length);
  }

  private header(type: number, name: string): void {
    if (name.includes('\0')) throw new Error('Feldname mit einem Nullzeichen');
    this.writeByte(type);
    this.writeText(name);
    this.writeByte(0);
  }

  private writeText(text: string): void {
    this.ensure(Buffer.byteLength(text, 'utf8'));
    this.length += this.buffer.write(text, this.length, 'utf8');
  }

  private writeBytes(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buffer.set(bytes, this.length);
    this.length += bytes.length;
  }

  private writeByte(byte: number): void {
    this.ensure(1);
    this.buffer[this.length++] = byte;
  }

  private reserve(bytes: number): void {
    this.ensure(bytes);
    this.length += bytes;
  }

  private ensure(more: number): void {
    const needed = this.length + more;
    if (needed > this.maxBytes) throw new DocumentTooLargeError(this.maxBytes);
    if (needed <= this.buffer.length) return;
    const grown = Buffer.alloc(Math.min(Math.max(needed, this.buffer.length * 2), this.maxBytes));
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
  }
}

export class DocumentTooLargeError extends Error {
  constructor(maxBytes: number) {
    super(`ergibt ein BSON-Dokument über ${Math.floor(maxBytes / (1024 * 1024))} MiB, dem Höchstmaß von MongoDB`);
  }
}
