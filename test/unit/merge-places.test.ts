import { describe, expect, it } from 'vitest';
import { parseBackupName } from '../../src/archive/backup-name.js';
import type { CopyRecord } from '../../src/offsite/copy-records.js';
import { mergePlaces } from '../../src/offsite/merge-places.js';
import { locationLabel, offsiteStateText } from '../../src/offsite/offsite-wording.js';

const file = (stamp: string, size = 100) => ({ ...parseBackupName(`scandy-backup-2026120${stamp}000Z-auto.zip`)!, size });
const A = file('1T060000');
const B = file('1T180000');
const C = file('2T060000');

function record(name: string, fields: Partial<CopyRecord>): CopyRecord {
  return {
    name, files: [name], origin: 'h:/b', state: 'pending', attempts: 0, nextAttemptAt: new Date(0), lastError: undefined,
    size: 100, sha256: undefined, summary: undefined, copiedAt: undefined, ...fields,
  };
}

describe('mergePlaces', () => {
  it('joins folder and bucket, newest first, with the copy state of each', () => {
    const failedAt = new Date('2026-12-02T07:00:00Z');
    const merged = mergePlaces([A, B], [A, C], [record(B.name, { lastError: 'S3-Server nicht erreichbar', nextAttemptAt: failedAt })]);
    expect(merged.map((m) => [m.name, m.locations, m.offsite])).toEqual([
      [C.name, ['s3'], { state: 'copied' }],
      [B.name, ['local'], { state: 'failed', reason: 'S3-Server nicht erreichbar', nextAttemptAt: failedAt }],
      [A.name, ['local', 's3'], { state: 'copied' }],
    ]);
  });

  it.each([
    ['a pending record without failure', [record(A.name, {})], { state: 'pending' }],
    ['no record: never asked for', [], undefined],
  ])('a local backup with %s', (_what, records, expected) => {
    expect(mergePlaces([A], [], records)[0]!.offsite).toEqual(expected);
  });

  it('takes the checked copies of the records when the bucket cannot be listed, with their counts', () => {
    const summary = { documents: 5, collections: [{ name: 'tools', count: 5 }], consistency: undefined };
    const merged = mergePlaces([A], undefined, [record(A.name, { state: 'copied' }), record(C.name, { state: 'copied', summary }), record(B.name, {})]);
    expect(merged.map((m) => [m.name, m.locations])).toEqual([
      [C.name, ['s3']],
      [A.name, ['local', 's3']],
    ]);
    expect(merged[0]!.recordedSummary).toEqual(summary);
  });

  it.each([
    [['local'], 'lokal'],
    [['s3'], 'extern'],
    [['local', 's3'], 'beide'],
  ] as const)('calls %j "%s"', (locations, label) => expect(locationLabel(locations)).toBe(label));

  it('words the copy states', () => {
    expect(offsiteStateText({ state: 'pending' })).toBe('extern: ausstehend');
    expect(offsiteStateText({ state: 'failed', reason: 'Zugang verweigert', nextAttemptAt: new Date() })).toBe('extern fehlgeschlagen: Zugang verweigert');
    expect(offsiteStateText({ state: 'copied' })).toBeUndefined();
  });
});
