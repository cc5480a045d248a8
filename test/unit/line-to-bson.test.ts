import { BSON } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { ARCHIVE_LIMITS } from '../../src/archive/archive-format.js';
import { lineToBson } from '../../src/archive/extended-json.js';
import { lineToBsonStreamed } from '../../src/archive/line-to-bson.js';

/** What a short line gives (JSON.parse and js-bson), or the refusal. */
function shortPath(line: string, version: number): Buffer | 'refused' {
  try {
    return Buffer.from(lineToBson(line, version));
  } catch {
    return 'refused';
  }
}

function streamed(line: string, version: number): Buffer | 'refused' {
  try {
    return Buffer.from(lineToBsonStreamed(Buffer.from(line), version));
  } catch {
    return 'refused';
  }
}

describe('a long line converted straight to BSON reads as a short line does', () => {
  it.each([
    '{"a":{"$numberInt":"5"},"b":{"$numberInt":5},"c":{"$numberInt":"1","x":{"$numberInt":"2"}}}',
    '{"d":{"$date":{"$numberLong":"-62198755200000"}},"e":{"$date":"2024-01-01T00:00:00Z"},"f":{"$numberDouble":"-0.0"},"g":{"$numberDouble":"NaN"}}',
    '{"h":{"$binary":{"base64":"AAEC","subType":"80"}},"i":{"$regularExpression":{"pattern":"^a","options":"im"}},"j":{"$timestamp":{"t":1,"i":2}}}',
    '{"k":{"$code":"x+1","$scope":{"$$y":{"$numberInt":"1"},"$7":"sieben"}},"l":{"$minKey":1},"m":{"$undefined":true},"n":{"$numberDecimal":"1.5"}}',
    '{"o":[1,2.5,-0,1e400,9007199254740993,true,false,null,[],{}],"p":"\\ud83d\\ude00 \\ud83d und \\u0000"}',
    '{"$$x":1,"$2023":{"$2022":{"$1":2}},"q":{"$ref":"tools","$id":{"$numberInt":"1"}}}',
    '{"_id":{"$oid":"65f0c0ffee00000000000001"},"r":{"$oid":"zu kurz"}}',
    '{"$oid":"65f0c0ffee00000000000001"}',
    '[{"a":1}]',
    '"nur Text"',
    '{"a":1',
    '{"a":1}{"b":2}',
    '{"a\\u0000b":1}',
  ])('%s', (line) => {
    for (const version of [1, 2]) expect(streamed(line, version)).toEqual(shortPath(line, version));
  });

  it('keeps the field order of names made of digits, which JSON.parse cannot', () => {
    const bytes = lineToBsonStreamed(Buffer.from('{"b":1,"$2023":2,"$7":3}'), 2);
    expect(Object.keys(BSON.deserialize(bytes)).sort()).toEqual(['2023', '7', 'b']);
    expect(Buffer.from(bytes).equals(Buffer.from(BSON.serialize(new Map<string, unknown>([['b', 1], ['2023', 2], ['7', 3]]))))).toBe(true);
  });

  it('refuses, without building it, a line whose document would pass 16 MiB, and one nested deeper than 200 levels', () => {
    const big = `{"a":"${'x'.repeat(ARCHIVE_LIMITS.maxDocumentBytes)}"}`;
    expect(() => lineToBsonStreamed(Buffer.from(big), 2)).toThrow(/über 16 MiB/);
    const deep = `{"a":${'['.repeat(300)}${']'.repeat(300)}}`;
    expect(() => lineToBsonStreamed(Buffer.from(deep), 2)).toThrow(/tiefer als 200 Ebenen/);
  });

  it('refuses invalid UTF-8', () => {
    expect(() => lineToBsonStreamed(Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]), 2)).toThrow(/ungültiges UTF-8/);
  });
});
