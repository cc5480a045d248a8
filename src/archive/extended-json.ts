import { BSON, type Document } from 'mongodb';

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

/** One document as canonical Extended JSON v2 on one line. */
export function documentToLine(doc: Document): string {
  return EJSON.stringify(doc, { relaxed: false });
}

/** Raw BSON of one document, as a `raw: true` cursor returns it, to one line. */
export function bsonToLine(bytes: Uint8Array): string {
  return documentToLine(BSON.deserialize(bytes, LOSSLESS_READ_OPTIONS));
}

export function lineToDocument(line: string): Document {
  const doc: unknown = EJSON.parse(line, { relaxed: false });
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new Error('Zeile ist kein Dokument');
  }
  return doc as Document;
}

/** Raw BSON bytes of one document, the reference for "byte-identical". */
export function documentBytes(doc: Document): Buffer {
  return Buffer.from(BSON.serialize(doc));
}
