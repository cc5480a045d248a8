import { createHash, randomBytes } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatBackupName, type BackupKind } from '../../src/archive/backup-name.js';
import { isStorageError, type StorageFailure } from '../../src/storage/storage-error.js';
import type { StoragePlace } from '../../src/storage/storage-place.js';
import { verifyStored } from '../../src/storage/content-check.js';

/** What the shared suite needs besides the place: ways to act behind its back, as other programs and crashes do. */
export interface PlaceFixture {
  readonly place: StoragePlace;
  /** Enough bytes to take several parts where the place cuts uploads into parts. */
  readonly bigSize: number;
  /** Stores bytes under a name relative to the place (may contain `/`), bypassing the place. */
  putRaw(relativeName: string, bytes: Buffer): Promise<void>;
  /** Whether something is stored under that relative name, bypassing the place. */
  rawExists(relativeName: string): Promise<boolean>;
  /** Replaces a stored backup's bytes, bypassing the place. */
  overwrite(name: string, bytes: Buffer): Promise<void>;
  /** Leaves what an interrupted write of `name` leaves behind (a `*.tmp` file, an unfinished multipart upload). */
  leaveHalfWritten(name: string, bytes: Buffer): Promise<void>;
  /** Names with leftovers of unfinished writes. */
  unfinishedWrites(): Promise<string[]>;
  close(): Promise<void>;
}

let clock = Date.UTC(2026, 0, 1, 5, 0, 0);
/** A new backup name, later than every one before it. */
export function nextName(kind: BackupKind = 'auto'): string {
  clock += 60_000;
  return formatBackupName(new Date(clock), kind);
}

export const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** A stream of `bytes` in 64 KiB chunks. */
export function chunked(bytes: Buffer, chunkSize = 64 * 1024): Readable {
  return Readable.from((function* () {
    for (let offset = 0; offset < bytes.length; offset += chunkSize) yield bytes.subarray(offset, offset + chunkSize);
  })());
}

/** `good` bytes, then the error. */
export function failingAfter(good: Buffer, error: Error): Readable {
  return Readable.from((async function* () {
    yield* chunked(good);
    await new Promise((resolve) => setTimeout(resolve, 20));
    throw error;
  })());
}

export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The StorageError reason an operation failed with (the test fails if it did not fail). */
export async function failureOf(operation: Promise<unknown>): Promise<{ reason: StorageFailure | 'other'; message: string }> {
  try {
    await operation;
  } catch (error) {
    return { reason: isStorageError(error) ? error.reason : 'other', message: (error as Error).message };
  }
  throw new Error('expected the operation to fail');
}

/**
 * The behaviour every storage place shares (restic's backend tests are the
 * model): each place runs this suite against a real folder or server.
 */
export function describeStoragePlace(label: string, setup: () => Promise<PlaceFixture>): void {
  describe(`${label}: the storage place contract`, () => {
    let fixture: PlaceFixture;
    let place: StoragePlace;
    beforeAll(async () => {
      fixture = await setup();
      place = fixture.place;
    });
    afterAll(async () => fixture?.close());

    it('writes a backup, lists and stats it, and streams the same bytes back', async () => {
      const bytes = randomBytes(fixture.bigSize);
      const name = nextName('manual');
      const written = await place.writeNew(name, chunked(bytes));
      expect(written).toMatchObject({ name, kind: 'manual', size: bytes.length, sha256: sha256(bytes) });
      expect(await place.stat(name)).toMatchObject({ name, size: bytes.length });
      expect((await place.list()).find((f) => f.name === name)).toMatchObject({ name, size: bytes.length, kind: 'manual' });
      expect((await readAll(await place.openRead(name))).equals(bytes)).toBe(true);
      await verifyStored(place, name, written);
    });

    it('writes an empty and a one-byte file', async () => {
      for (const bytes of [Buffer.alloc(0), Buffer.from('x')]) {
        const name = nextName();
        expect((await place.writeNew(name, chunked(bytes))).size).toBe(bytes.length);
        expect((await readAll(await place.openRead(name))).equals(bytes)).toBe(true);
      }
    });

    it('lists newest first, whatever order the backups were written in', async () => {
      const [older, middle, newer] = [nextName('auto'), nextName('pre-restore'), nextName('upload')];
      for (const name of [middle, newer, older]) await place.writeNew(name, chunked(Buffer.from(name)));
      const names = (await place.list()).map((f) => f.name);
      expect(names.filter((n) => [older, middle, newer].includes(n))).toEqual([newer, middle, older]);
      expect(names).toEqual([...names].sort().reverse());
    });

    it('ignores foreign names: never lists, stats, reads or removes them', async () => {
      const stamp = nextName().replace(/-auto\.zip$/, '');
      const foreign = ['notizen.txt', `${stamp}-auto.zip.bak`, `${stamp}-weekly.zip`, 'scandy-backup-20261332T000000000Z-auto.zip', `alt/${stamp}-auto.zip`];
      for (const name of foreign) await fixture.putRaw(name, Buffer.from('fremd'));
      const listed = (await place.list()).map((f) => f.name);
      for (const name of foreign) {
        expect(listed).not.toContain(name);
        expect(listed).not.toContain(name.split('/').pop());
        expect(await place.stat(name)).toBeUndefined();
        expect((await failureOf(place.openRead(name))).reason).toBe('invalid-name');
        expect((await failureOf(place.remove(name))).reason).toBe('invalid-name');
        expect(await fixture.rawExists(name)).toBe(true);
      }
      expect((await failureOf(place.writeNew('../ausbruch.zip', chunked(Buffer.from('x'))))).reason).toBe('invalid-name');
    });

    it('stores, reads and removes the sidecar of a backup name but never lists it; a sidecar of no backup name is refused', async () => {
      const name = nextName('manual');
      const sidecar = `${name}.json`;
      const text = Buffer.from('{"format":"scandy-backup-meta"}\n');
      await place.writeNew(name, chunked(Buffer.from('archiv')));
      const written = await place.writeNew(sidecar, chunked(text));
      expect(written).toMatchObject({ name: sidecar, size: text.length, sha256: sha256(text) });
      expect(await place.stat(sidecar)).toMatchObject({ name: sidecar, size: text.length });
      expect((await readAll(await place.openRead(sidecar))).equals(text)).toBe(true);
      const listed = (await place.list()).map((f) => f.name);
      expect(listed).toContain(name);
      expect(listed).not.toContain(sidecar);
      await place.remove(sidecar);
      expect(await place.stat(sidecar)).toBeUndefined();
      expect(await place.stat(name)).toMatchObject({ name });
      expect((await failureOf(place.writeNew('notizen.zip.json', chunked(text)))).reason).toBe('invalid-name');
      expect((await failureOf(place.openRead(`${name}.json.bak`))).reason).toBe('invalid-name');
    });

    it('never lists a half-written upload', async () => {
      const name = nextName();
      await fixture.leaveHalfWritten(name, randomBytes(1024));
      expect((await place.list()).map((f) => f.name)).not.toContain(name);
      expect(await place.stat(name)).toBeUndefined();
      expect((await failureOf(place.openRead(name))).reason).toBe('not-found');
    });

    it('shows a backup only once its write is complete', async () => {
      const name = nextName();
      const source = new PassThrough();
      const writing = place.writeNew(name, source);
      const first = randomBytes(fixture.bigSize);
      source.write(first);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect((await place.list()).map((f) => f.name)).not.toContain(name);
      expect(await place.stat(name)).toBeUndefined();
      source.end(Buffer.from('Ende'));
      expect((await writing).size).toBe(first.length + 4);
      expect((await place.list()).map((f) => f.name)).toContain(name);
    });

    it('a write whose source fails leaves nothing behind and fails with the source error', async () => {
      const name = nextName();
      const failure = await failureOf(place.writeNew(name, failingAfter(randomBytes(fixture.bigSize), new Error('Quelle abgebrochen'))));
      expect(failure).toEqual({ reason: 'other', message: 'Quelle abgebrochen' });
      expect((await place.list()).map((f) => f.name)).not.toContain(name);
      expect(await place.stat(name)).toBeUndefined();
      expect(await fixture.unfinishedWrites()).not.toContain(name);
    });

    it.each([
      ['another SHA-256', (bytes: Buffer) => ({ sha256: sha256(Buffer.concat([bytes, Buffer.from('!')])) }), 'SHA-256-Prüfsumme weicht ab'],
      ['a larger size', (bytes: Buffer) => ({ size: bytes.length + 1 }), 'statt'],
      ['a smaller size', (bytes: Buffer) => ({ size: bytes.length - 1 }), 'mehr als'],
    ])('refuses bytes that are not the expected ones (%s) and stores nothing', async (_label, expectation, detail) => {
      const name = nextName();
      const bytes = randomBytes(fixture.bigSize);
      const failure = await failureOf(place.writeNew(name, chunked(bytes), expectation(bytes)));
      expect(failure.reason).toBe('changed');
      expect(failure.message).toContain(name);
      expect(failure.message).toContain(detail);
      expect(await place.stat(name)).toBeUndefined();
      expect((await place.list()).map((f) => f.name)).not.toContain(name);
      expect(await fixture.unfinishedWrites()).not.toContain(name);
    });

    it('accepts bytes that are the expected ones', async () => {
      const bytes = randomBytes(4096);
      const name = nextName();
      await expect(place.writeNew(name, chunked(bytes), { size: bytes.length, sha256: sha256(bytes) })).resolves.toMatchObject({ sha256: sha256(bytes) });
    });

    it('refuses a name that exists and keeps the stored bytes', async () => {
      const name = nextName();
      const original = Buffer.from('Original');
      await place.writeNew(name, chunked(original));
      const second = chunked(Buffer.from('Ersatz!!'));
      const failure = await failureOf(place.writeNew(name, second));
      expect(failure.reason).toBe('exists');
      expect(second.destroyed).toBe(true);
      expect(failure.message).toContain(name);
      expect((await readAll(await place.openRead(name))).equals(original)).toBe(true);
    });

    it('notices bytes changed or cut short behind its back when reading against what was written', async () => {
      for (const change of [(b: Buffer) => Buffer.from(b.map((x) => x ^ 0xff)), (b: Buffer) => b.subarray(0, b.length - 10)]) {
        const name = nextName();
        const bytes = randomBytes(64 * 1024);
        const written = await place.writeNew(name, chunked(bytes));
        await fixture.overwrite(name, change(bytes));
        const failure = await failureOf(verifyStored(place, name, written));
        expect(failure.reason).toBe('changed');
        expect(failure.message).toMatch(new RegExp(`Backup ${name} in .* ist verändert oder unvollständig`));
      }
    });

    it('removes a backup; removing it again is no error', async () => {
      const name = nextName();
      await place.writeNew(name, chunked(Buffer.from('weg damit')));
      await place.remove(name);
      expect(await place.stat(name)).toBeUndefined();
      expect((await place.list()).map((f) => f.name)).not.toContain(name);
      await expect(place.remove(name)).resolves.toBeUndefined();
      const failure = await failureOf(place.openRead(name));
      expect(failure.reason).toBe('not-found');
      expect(failure.message).toContain(name);
    });
  });
}
