import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ContentMeter, drain, measureFile } from '../../src/storage/content-check.js';
import { compositeSha256, fullObjectSha256Hex, hexToBase64, judgeUpload } from '../../src/storage/s3-upload.js';

const sha = (data: Buffer) => createHash('sha256').update(data).digest();

async function meter(chunks: Buffer[], options: { partSize?: number; expected?: { size?: number; sha256?: string } } = {}) {
  const m = new ContentMeter({ ...options, onDifference: (difference) => new Error(`anders: ${difference}`) });
  await drain(Readable.from(chunks).pipe(m));
  return m.measured();
}

describe('measureFile', () => {
  const MiB = 1024 * 1024;

  it.each([0, 1, MiB, MiB + 7, 3 * MiB - 1])('gives size and SHA-256 of a file of %i bytes', async (size) => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'measure-'));
    try {
      const data = randomBytes(size);
      await writeFile(path.join(dir, 'f'), data);
      expect(await measureFile(path.join(dir, 'f'))).toEqual({ size, sha256: sha(data).toString('hex') });
    } finally {
      await rm(dir, { recursive: true });
    }
  });

  it('leaves no Buffer per chunk behind: reading 48 MiB adds far less than that outside the heap', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'measure-'));
    try {
      await writeFile(path.join(dir, 'f'), Buffer.alloc(48 * MiB, 1));
      const before = process.memoryUsage().arrayBuffers;
      let peak = before;
      const sampling = setInterval(() => (peak = Math.max(peak, process.memoryUsage().arrayBuffers)), 1);
      await measureFile(path.join(dir, 'f')).finally(() => clearInterval(sampling));
      expect(peak - before).toBeLessThan(8 * MiB);
    } finally {
      await rm(dir, { recursive: true });
    }
  });
});

describe('ContentMeter', () => {
  const data = Buffer.from(Array.from({ length: 25 }, (_, i) => i));

  it.each([
    ['one chunk', [data]],
    ['chunks across part borders', [data.subarray(0, 3), data.subarray(3, 17), data.subarray(17)]],
    ['one byte at a time', [...data].map((b) => Buffer.from([b]))],
  ])('hashes the whole and each part as a multipart upload cuts it (%s)', async (_label, chunks) => {
    const measured = await meter(chunks, { partSize: 10 });
    expect(measured.size).toBe(25);
    expect(measured.sha256).toBe(sha(data).toString('hex'));
    expect(measured.partSha256s).toEqual([sha(data.subarray(0, 10)), sha(data.subarray(10, 20)), sha(data.subarray(20))]);
  });

  it('cuts an exact multiple into full parts only, and empty input into one empty part', async () => {
    expect((await meter([data.subarray(0, 20)], { partSize: 10 })).partSha256s).toHaveLength(2);
    expect((await meter([], { partSize: 10 })).partSha256s).toEqual([sha(Buffer.alloc(0))]);
  });

  it('fails at the end when size or SHA-256 differ from the expected', async () => {
    await expect(meter([data], { expected: { size: 26 } })).rejects.toThrow('anders: 25 statt 26 Bytes');
    await expect(meter([data], { expected: { sha256: 'ab'.repeat(32) } })).rejects.toThrow('anders: SHA-256-Prüfsumme weicht ab');
    await expect(meter([data], { expected: { size: 25, sha256: sha(data).toString('hex').toUpperCase() } })).resolves.toMatchObject({ size: 25 });
  });

  it('fails as soon as more bytes than expected arrive', async () => {
    let pulled = 0;
    const endless = new Readable({
      read() {
        pulled += 1;
        this.push(Buffer.alloc(1024));
      },
    });
    const m = new ContentMeter({ expected: { size: 4096 }, onDifference: (d) => new Error(d) });
    await expect(drain(endless.pipe(m))).rejects.toThrow('mehr als 4.096 Bytes');
    expect(pulled).toBeLessThan(100);
  });
});

describe('compositeSha256', () => {
  it('matches what AWS S3 reported for a three-part SHA-256 upload', () => {
    // Part checksums and the completed object's checksum as AWS S3 returned them (eu-west-1, see floci-io/floci#3083).
    const parts = ['lcKa6Boe7a167tUCN5C4OaFygGSYD8MBnBARTrdL+1w=', 'gHjhbUT4oo2tSCtSZJdlKi+jeNXJT+VImqdPXsXvkOc=', '4l9PQ3zOPZ0oGFvknFX+J4zZwE4WMzO+l3r8XrbWOeM='];
    expect(compositeSha256(parts.map((p) => Buffer.from(p, 'base64')))).toBe('rVWtNbadtsaKXJAcgWPWjifHzJaXde/iV4jaJAOdivc=-3');
  });
});

describe('judgeUpload', () => {
  const body = Buffer.from('Werkzeugausgabe '.repeat(100));
  const parts = [sha(body.subarray(0, 1000)), sha(body.subarray(1000))];
  const streamed = { size: body.length, sha256: sha(body).toString('hex'), partSha256s: parts };
  const full = sha(body).toString('base64');
  const composite = compositeSha256(parts);

  it.each([
    ['a full-object SHA-256 that matches', { size: body.length, checksumSha256: full, checksumType: 'FULL_OBJECT' }, 'match'],
    ['a composite that matches', { size: body.length, checksumSha256: composite, checksumType: 'COMPOSITE' }, 'match'],
    ['a composite without its suffix', { size: body.length, checksumSha256: composite.split('-')[0], checksumType: 'COMPOSITE' }, 'match'],
    ['another size', { size: body.length - 1, checksumSha256: full, checksumType: undefined }, 'mismatch'],
    ['no size at all', { size: undefined, checksumSha256: full, checksumType: undefined }, 'mismatch'],
    ['another full SHA-256', { size: body.length, checksumSha256: sha(Buffer.from('x')).toString('base64'), checksumType: undefined }, 'mismatch'],
    ['another composite of as many parts', { size: body.length, checksumSha256: compositeSha256([parts[1]!, parts[0]!]), checksumType: 'COMPOSITE' }, 'mismatch'],
    ['a composite of another part count', { size: body.length, checksumSha256: compositeSha256([parts[0]!]), checksumType: 'COMPOSITE' }, 'unverifiable'],
    ['no checksum', { size: body.length, checksumSha256: undefined, checksumType: undefined }, 'unverifiable'],
  ])('%s: %s', (_label, stored, verdict) => {
    expect(judgeUpload(stored, streamed).kind).toBe(verdict);
  });

  it('names the size difference in German', () => {
    expect(judgeUpload({ size: 5, checksumSha256: full, checksumType: undefined }, streamed)).toEqual({
      kind: 'mismatch',
      difference: `5 statt ${body.length.toLocaleString('de-DE')} Bytes`,
    });
  });
});

describe('fullObjectSha256Hex', () => {
  const digest = sha(Buffer.from('abc'));
  it.each([
    [{ checksumSha256: digest.toString('base64'), checksumType: 'FULL_OBJECT' }, digest.toString('hex')],
    [{ checksumSha256: digest.toString('base64'), checksumType: undefined }, digest.toString('hex')],
    [{ checksumSha256: `${digest.toString('base64')}-2`, checksumType: 'COMPOSITE' }, undefined],
    [{ checksumSha256: digest.toString('base64'), checksumType: 'COMPOSITE' }, undefined],
    [{ checksumSha256: 'kurz', checksumType: undefined }, undefined],
    [{ checksumSha256: undefined, checksumType: undefined }, undefined],
  ])('%j -> %s', (stored, expected) => {
    expect(fullObjectSha256Hex(stored)).toBe(expected);
  });

  it('round-trips hex and base64', () => {
    expect(hexToBase64(digest.toString('hex'))).toBe(digest.toString('base64'));
  });
});
