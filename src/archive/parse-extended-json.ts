import { Binary, Double, Int32, Long, ObjectId } from 'mongodb';

/** The options EJSON.parse(text, { relaxed: false }) hands to each wrapper's reader. */
const CANONICAL = Object.freeze({ useBigInt64: false, relaxed: false, legacy: false });

type WrapperReader = (wrapper: Record<string, unknown>, options: typeof CANONICAL) => unknown;
/** js-bson's own readers of each wrapper (not in its type declarations), so a value is read exactly as EJSON.parse reads it. */
const readerOf = (type: unknown): WrapperReader => {
  const reader = (type as { fromExtendedJSON?: WrapperReader }).fromExtendedJSON;
  if (typeof reader !== 'function') throw new Error('js-bson ohne fromExtendedJSON');
  return reader.bind(type);
};
const READERS: Readonly<Record<string, WrapperReader>> = {
  $oid: readerOf(ObjectId),
  $numberInt: readerOf(Int32),
  $numberDouble: readerOf(Double),
  $numberLong: readerOf(Long),
  $binary: readerOf(Binary),
};

/** Integers of up to 15 digits, as js-bson's Int64 text allows them (no leading zero, no "-0"). */
const SAFE_INTEGER_TEXT = /^(?:0|-?[1-9]\d{0,14})$/;

/** Marks a value this reader leaves to EJSON.parse. */
const UNREAD = Symbol('unread');

/**
 * EJSON.parse(text, { relaxed: false }), faster for the lines a backup
 * writes: JSON.parse without a reviver (js-bson's reviver looks at the keys
 * of every object), then the wrappers of the types Scandy's data is made of
 * (`$oid`, `$numberInt`, `$numberDouble`, `$numberLong`, `$binary`, `$date`
 * with `$numberLong`) read by js-bson's own reader of each. Undefined for a
 * line with anything else (another wrapper, a `$` name, a bare number,
 * `__proto__`): that is for EJSON.parse itself. What it reads has no field
 * name beginning with `$`.
 */
export function readWithoutReviver(text: string): unknown {
  const read = readValue(JSON.parse(text) as unknown);
  return read === UNREAD ? undefined : read;
}

function readValue(value: unknown): unknown {
  if (typeof value === 'number') return UNREAD;
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const read = readValue(value[i]);
      if (read === UNREAD) return UNREAD;
      value[i] = read;
    }
    return value;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length === 1 && keys[0]!.startsWith('$')) return readWrapper(keys[0]!, record);
  for (const key of keys) {
    if (key.startsWith('$') || key === '__proto__' || key.includes('\0')) return UNREAD;
    const inner = record[key];
    const read = readValue(inner);
    if (read === UNREAD) return UNREAD;
    if (read !== inner) record[key] = read;
  }
  return record;
}

function readWrapper(key: string, wrapper: Record<string, unknown>): unknown {
  const inner = wrapper[key];
  if (key === '$date') {
    if (!isOnly(inner, '$numberLong')) return UNREAD;
    // Number() reads such text exactly as Long.fromString(…).toNumber() does, without Long's slower parse.
    const long = SAFE_INTEGER_TEXT.test(inner.$numberLong) ? undefined : READERS.$numberLong!(inner, CANONICAL);
    if (long !== undefined && !(long instanceof Long)) return UNREAD;
    const date = new Date();
    date.setTime(long === undefined ? Number(inner.$numberLong) : long.toNumber());
    return date;
  }
  const reader = READERS[key];
  if (!reader) return UNREAD;
  if (key === '$binary' ? !hasOnlyStrings(inner) : typeof inner !== 'string') return UNREAD;
  return reader(wrapper, CANONICAL);
}

/** `{ [key]: "…" }` and nothing else. */
function isOnly<K extends string>(value: unknown, key: K): value is Record<K, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && keys[0] === key && typeof (value as Record<string, unknown>)[key] === 'string';
}

function hasOnlyStrings(value: unknown): value is Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  return Object.entries(value).every(([key, inner]) => typeof inner === 'string' && !key.startsWith('$') && key !== '__proto__' && !key.includes('\0'));
}
