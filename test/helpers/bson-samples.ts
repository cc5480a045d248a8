import {
  Binary,
  BSON,
  BSONRegExp,
  BSONSymbol,
  Code,
  DBRef,
  Decimal128,
  Double,
  Int32,
  Long,
  MaxKey,
  MinKey,
  ObjectId,
  Timestamp,
  UUID,
  type Document,
} from 'mongodb';

/** One document holding every BSON type and edge value that FerretDB stores. */
export function storableTypesDocument(): Document {
  return {
    _id: new ObjectId('65f0c0ffee00000000000001'),
    double: new Double(5),
    doubleFraction: new Double(0.1),
    doubleTiny: new Double(5e-324),
    doubleHuge: new Double(1.7976931348623157e308),
    int32: new Int32(-2147483648),
    int32Max: new Int32(2147483647),
    int64: Long.fromString('9223372036854775807'),
    int64Min: Long.fromString('-9223372036854775808'),
    int64Beyond53: Long.fromString('9007199254740993'),
    string: 'Wasserwaage „120 cm“ – Größe ß 😀',
    emptyString: '',
    boolTrue: true,
    boolFalse: false,
    nullValue: null,
    date: new Date('2025-06-30T18:00:00.123Z'),
    dateBefore1970: new Date('1912-04-15T02:20:00.000Z'),
    dateYearMinus1: new Date(-62198755200000),
    dateYear10000: new Date(253402300800000 + 1000),
    objectId: new ObjectId(),
    binaryGeneric: new Binary(Buffer.from([0, 1, 2, 255]), 0),
    binaryFunction: new Binary(Buffer.from('f'), 1),
    binaryOld: new Binary(Buffer.from('old'), 2),
    uuid: new UUID('12345678-1234-4234-8234-123456789abc'),
    binaryMd5: new Binary(Buffer.alloc(16, 7), 5),
    binaryEncrypted: new Binary(Buffer.from('enc'), 6),
    binaryUser: new Binary(Buffer.from('user'), 128),
    binaryEmpty: new Binary(Buffer.alloc(0), 0),
    regex: new BSONRegExp('^T\\d+$', 'imsux'),
    timestamp: new Timestamp({ t: 1751306400, i: 7 }),
    nested: { level1: { level2: { level3: [new Int32(1), 'zwei', { drei: new Double(3) }] } } },
    arrayOfDocs: [{ a: new Int32(1) }, { b: null }],
    emptyArray: [],
    emptyDocument: {},
    unicodeKeyÄöü: 'ja',
  };
}

/** Types and values that FerretDB cannot store; tested at the serialization level only. */
export function unstorableTypesDocument(): Document {
  return {
    _id: new ObjectId('65f0c0ffee00000000000002'),
    decimal: Decimal128.fromString('1234567890.123456789012345678901234'),
    decimalNaN: Decimal128.fromString('NaN'),
    decimalNegZero: Decimal128.fromString('-0'),
    minKey: new MinKey(),
    maxKey: new MaxKey(),
    nan: new Double(NaN),
    infinity: new Double(Infinity),
    negativeInfinity: new Double(-Infinity),
    negativeZero: new Double(-0),
    code: new Code('function () { return 1; }'),
    codeWithScope: new Code('x + 1', { x: new Int32(41) }),
    symbol: new BSONSymbol('sym'),
    dbRef: new DBRef('tools', new ObjectId('65f0c0ffee00000000000003'), 'scandy'),
    nestedArrays: [[new Int32(1), [new Int32(2)]], []],
    $dollarKey: 'value',
    'dotted.key': 'value',
    nested: { $inner: { 'a.b': new Int32(1) } },
  };
}

/**
 * Documents that Extended JSON alone cannot keep: field names made of digits
 * (JavaScript moves them first; a Map keeps the order a server would have)
 * and subdocuments whose field names look like Extended JSON's own wrappers.
 */
export function lookAlikeDocuments(): (Document | Map<string, unknown>)[] {
  return [
    new Map<string, unknown>([['_id', new Int32(1)], ['name', 'Tabelle'], ['2023', new Int32(5)], ['2022', new Int32(4)], ['0', 'null']]),
    { _id: new Int32(2), jahre: new Map<string, unknown>([['x', 1], ['2024', 'a'], ['7', 'b']]), liste: [new Map([['b', 1], ['10', 2], ['1', 3]])] },
    { _id: new Int32(3), filter: { $regex: '^T', $options: 'i' } },
    { _id: new Int32(4), x: { $date: '2024-01-01', note: 'bleibt' } },
    { _id: new Int32(5), x: { $oid: 'abc' }, y: { $numberInt: '7' }, z: { $numberLong: 'viele' }, w: { $binary: { base64: 'AA==', subType: '00' } } },
    { _id: new Int32(6), x: { $undefined: true }, y: { $minKey: 1 }, z: { $code: 'nur Text' }, t: { $timestamp: { t: 1, i: 2 } } },
    { _id: new Int32(7), ref: { $id: new Int32(9), $ref: 'tools', extra: 'umgekehrte Reihenfolge' }, ok: { $ref: 'tools', $id: new Int32(9) } },
    { _id: new Int32(8), $$preis: new Int32(2), $2023: 'schon mit $', $: 'nur ein Dollar', '': 'leerer Name' },
  ];
}

export function bsonBytes(doc: Document | Map<string, unknown>): Buffer {
  return Buffer.from(BSON.serialize(doc));
}
