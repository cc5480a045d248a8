import { BSON, type Document } from 'mongodb';
import { Assembler } from 'stream-json/core/assembler.js';
import type { Token } from 'stream-json/core/parser.js';
import { unescapeFieldNames } from './field-names.js';

/** Extended JSON's own wrappers are a handful of values; `$code` with a `$scope` a few more. */
const MAX_TOKENS = 100_000;

type FromExtendedJson = { fromExtendedJSON(wrapper: Document, options: { relaxed: false }): unknown };

/**
 * The wrappers of one string that most documents are made of, read by the
 * very functions EJSON.parse calls for them (not in js-bson's typings; 36
 * times faster than EJSON.deserialize of the small object).
 */
const SINGLE_STRING: Record<string, FromExtendedJson> = {
  $numberInt: BSON.Int32 as unknown as FromExtendedJson,
  $numberLong: BSON.Long as unknown as FromExtendedJson,
  $numberDouble: BSON.Double as unknown as FromExtendedJson,
  $oid: BSON.ObjectId as unknown as FromExtendedJson,
};

export type PackedToken = Exclude<Token, { name: 'stringChunk' | 'numberChunk' | `start${'Key' | 'String' | 'Number'}` | `end${'Key' | 'String' | 'Number'}` }>;

/**
 * Reads one object of Extended JSON's own form (`{"$numberInt":"5"}`,
 * `{"$date":{…}}` …) from packed tokens and turns it into its BSON value
 * exactly as EJSON.parse would: the common single-string wrappers directly,
 * any other by js-bson on the assembled object.
 */
export class WrapperValue {
  private assembler: Assembler | undefined;
  private single: { readonly key: string; value?: string } | undefined;
  private tokens = 2;

  constructor(
    readonly name: string | undefined,
    firstKey: string,
    private readonly version: number,
  ) {
    if (SINGLE_STRING[firstKey]) this.single = { key: firstKey };
    else this.assemble([{ name: 'startObject' }, { name: 'keyValue', value: firstKey }]);
  }

  /** Returns the value once the object is complete. */
  token(token: PackedToken): { readonly value: unknown } | undefined {
    if (++this.tokens > MAX_TOKENS) throw new Error(`ein Wert in Extended-JSON-Form hat mehr als ${MAX_TOKENS} Teile`);
    const single = this.single;
    if (single) {
      if (token.name === 'stringValue' && single.value === undefined) {
        single.value = token.value;
        return undefined;
      }
      if (token.name === 'endObject' && single.value !== undefined) return { value: SINGLE_STRING[single.key]!.fromExtendedJSON({ [single.key]: single.value }, { relaxed: false }) };
      this.single = undefined;
      const replay: PackedToken[] = [{ name: 'startObject' }, { name: 'keyValue', value: single.key }];
      if (single.value !== undefined) replay.push({ name: 'stringValue', value: single.value });
      this.assemble(replay);
    }
    this.assemble([token]);
    if (!this.assembler!.done) return undefined;
    const value: unknown = BSON.EJSON.deserialize(this.assembler!.current as Document, { relaxed: false });
    return { value: this.version >= 2 ? unescapeFieldNames({ v: value }).v : value };
  }

  private assemble(tokens: readonly PackedToken[]): void {
    this.assembler ??= new Assembler();
    for (const token of tokens) this.assembler.consume(token as Token);
  }
}
