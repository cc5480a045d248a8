import { BSON, ObjectId, type Document } from 'mongodb';

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

/**
 * Raw BSON of one document, as a `raw: true` cursor returns it, to one line,
 * checked to read back to the very same bytes. Extended JSON cannot keep
 * every document: JavaScript puts field names made of digits ("2023") first,
 * and a subdocument with keys such as `$date` or `$regex` reads back as that
 * type. Such a document fails the backup loudly instead of coming back changed.
 */
export function bsonToLine(bytes: Uint8Array): string {
  const doc = BSON.deserialize(bytes, LOSSLESS_READ_OPTIONS);
  const line = documentToLine(doc);
  if (!readsBackTo(line, bytes)) {
    const id = doc._id instanceof ObjectId ? ` mit _id ${doc._id.toHexString()}` : '';
    throw new Error(
      `Dokument${id} lässt sich nicht verlustfrei als Extended JSON sichern ` +
        '(Feldnamen nur aus Ziffern oder mit "$" am Anfang); das Backup wird abgebrochen statt Daten zu verändern',
    );
  }
  return line;
}

function readsBackTo(line: string, bytes: Uint8Array): boolean {
  try {
    return Buffer.compare(BSON.serialize(lineToDocument(line)), bytes) === 0;
  } catch {
    return false;
  }
}

export function lineToDocument(line: string): Document {
  const doc: unknown = EJSON.parse(line, { relaxed: false });
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new Error('Zeile ist kein Dokument');
  }
  return doc as Document;
}
