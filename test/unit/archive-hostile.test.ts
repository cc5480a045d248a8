import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ARCHIVE_LIMITS, entrySizeProblem, lineSizeProblem } from '../../src/archive/archive-format.js';
import { writeArchive } from '../../src/archive/archive-writer.js';
import { verifyArchive } from '../../src/archive/verify-archive.js';
import { rawZip, type RawZipEntry } from '../helpers/raw-zip.js';
import { useTempDir } from '../helpers/temp-dir.js';

const dir = useTempDir();
let good = '';
let counter = 0;

const DOC_LINES = ['{"_id":{"$oid":"65f0c0ffee00000000000001"},"name":"Wasserwaage"}', '{"_id":{"$oid":"65f0c0ffee00000000000002"},"name":"Bohrhammer"}'];
const GOOD_FILE = `[\n${DOC_LINES.join(',\n')}\n]\n`;

function manifestFor(files: Record<string, string>, overrides: Record<string, unknown> = {}, counts: Record<string, number> = {}): string {
  return JSON.stringify({
    format: 'scandy-backup',
    version: 1,
    createdAt: '2026-11-27T07:00:00.000Z',
    kind: 'manual',
    app: { name: 'scandy-backup', version: '0.1.0' },
    database: 'scandy',
    collections: Object.entries(files).map(([name, text]) => ({
      name,
      file: `collections/${name}.json`,
      count: counts[name] ?? text.split('\n').length - 3,
      bytes: Buffer.byteLength(text),
      sha256: createHash('sha256').update(text).digest('hex'),
      indexes: [],
    })),
    ...overrides,
  });
}

function write(bytes: Buffer): string {
  const file = path.join(dir, `case-${++counter}.zip`);
  writeFileSync(file, bytes);
  return file;
}

function archiveOf(entries: RawZipEntry[]): string {
  return write(rawZip(entries));
}

async function refusal(file: string): Promise<string> {
  try {
    await verifyArchive(file);
  } catch (error) {
    return `${(error as { code?: string }).code}: ${(error as Error).message}`;
  }
  throw new Error('the archive was accepted');
}

beforeAll(async () => {
  good = path.join(dir, 'good.zip');
  async function* lines() {
    yield DOC_LINES;
  }
  await writeArchive(good, { kind: 'manual', createdAt: new Date(), database: 'scandy' }, [{ name: 'tools', indexes: [], lines: lines() }]);
});

describe('verify refuses bad archives and says why', () => {
  it('accepts the good archive and a hand-made one in the same format', async () => {
    await expect(verifyArchive(good)).resolves.toMatchObject({ documents: 2 });
    const handMade = archiveOf([
      { name: 'collections/tools.json', data: Buffer.from(GOOD_FILE), deflate: true },
      { name: 'manifest.json', data: Buffer.from(manifestFor({ tools: GOOD_FILE })) },
    ]);
    await expect(verifyArchive(handMade)).resolves.toMatchObject({ documents: 2 });
  });

  it('refuses a file that is not a zip', async () => {
    expect(await refusal(write(Buffer.from('{"tools": []}')))).toMatch(/ARCHIVE_INVALID: .*ZIP/);
  });

  it('refuses a truncated archive', async () => {
    const bytes = readFileSync(good);
    expect(await refusal(write(bytes.subarray(0, Math.floor(bytes.length * 0.7))))).toMatch(/ARCHIVE_INVALID/);
  });

  it('refuses an archive with flipped bits in a collection', async () => {
    const bytes = Buffer.from(readFileSync(good));
    bytes[60]! ^= 0x10;
    expect(await refusal(write(bytes))).toMatch(/ARCHIVE_INVALID/);
  });

  it('refuses a collection whose checksum does not match', async () => {
    const tampered = GOOD_FILE.replace('Bohrhammer', 'Bohrhammex');
    const file = archiveOf([
      { name: 'collections/tools.json', data: Buffer.from(tampered) },
      { name: 'manifest.json', data: Buffer.from(manifestFor({ tools: GOOD_FILE })) },
    ]);
    expect(await refusal(file)).toMatch(/SHA-256/);
  });

  it('refuses a manifest that lies about the count', async () => {
    const file = archiveOf([
      { name: 'collections/tools.json', data: Buffer.from(GOOD_FILE) },
      { name: 'manifest.json', data: Buffer.from(manifestFor({ tools: GOOD_FILE }, {}, { tools: 3 })) },
    ]);
    expect(await refusal(file)).toMatch(/2 Dokumente, laut Manifest 3/);
  });

  it.each([
    ['a parent-directory path', '../collections/tools.json'],
    ['a nested parent-directory path', 'collections/../../etc/passwd'],
    ['an absolute path', '/etc/cron.d/evil'],
    ['a Windows drive path', 'C:/evil.json'],
  ])('refuses an entry with %s', async (_what, name) => {
    const file = archiveOf([
      { name, data: Buffer.from('x') },
      { name: 'manifest.json', data: Buffer.from(manifestFor({})) },
    ]);
    expect(await refusal(file)).toMatch(/ARCHIVE_INVALID/);
  });

  it('refuses a symlink entry', async () => {
    const file = archiveOf([
      { name: 'collections/tools.json', data: Buffer.from('/etc/passwd'), mode: 0o120777 },
      { name: 'manifest.json', data: Buffer.from(manifestFor({ tools: '/etc/passwd' })) },
    ]);
    expect(await refusal(file)).toMatch(/symbolischer Link/);
  });

  it('refuses, before inflating anything, an entry that declares more than the absolute cap', async () => {
    const huge = Buffer.alloc(64 * 1024 * 1024, 0x20);
    const declared = ARCHIVE_LIMITS.maxEntryBytes + 1;
    const manifest = JSON.parse(manifestFor({ tools: GOOD_FILE })) as { collections: { bytes: number }[] };
    manifest.collections[0]!.bytes = declared;
    const file = archiveOf([
      { name: 'collections/tools.json', data: huge, deflate: true, declaredSize: declared },
      { name: 'manifest.json', data: Buffer.from(JSON.stringify(manifest)) },
    ]);
    expect(await refusal(file)).toMatch(/collections\/tools.json: entpackt größer als 64 GiB/);
  });

  it('stops reading as soon as an entry expands beyond what its manifest declares (a lying manifest)', async () => {
    // Manifest and zip headers both claim the small file (size and SHA-256 of GOOD_FILE); the entry inflates to 64 MiB more.
    const bomb = Buffer.concat([Buffer.from(GOOD_FILE), Buffer.alloc(64 * 1024 * 1024, 0x20)]);
    const file = archiveOf([
      { name: 'collections/tools.json', data: bomb, deflate: true, declaredSize: Buffer.byteLength(GOOD_FILE) },
      { name: 'manifest.json', data: Buffer.from(manifestFor({ tools: GOOD_FILE })) },
    ]);
    // Read to the end, the count of bytes would have been the complaint; this one says reading stopped at the declared size.
    expect(await refusal(file)).toMatch(
      new RegExp(`collections/tools.json entpackt sich zu mehr als den angegebenen ${Buffer.byteLength(GOOD_FILE)} Bytes; Lesen abgebrochen`),
    );
  });

  it('accepts an honest entry that compresses far better than 200:1', async () => {
    const zeros = `[\n{"_id":{"$numberInt":"1"},"blank":{"$binary":{"base64":"${'A'.repeat(4 * 1024 * 1024)}","subType":"00"}}}\n]\n`;
    const file = archiveOf([
      { name: 'collections/settings.json', data: Buffer.from(zeros), deflate: true },
      { name: 'manifest.json', data: Buffer.from(manifestFor({ settings: zeros }, {}, { settings: 1 })) },
    ]);
    expect(readFileSync(file).length * 200).toBeLessThan(zeros.length);
    await expect(verifyArchive(file)).resolves.toMatchObject({ documents: 1 });
  });

  it('refuses an entry that inflates to more than its header says', async () => {
    const file = archiveOf([
      { name: 'collections/tools.json', data: Buffer.from(GOOD_FILE), deflate: true, declaredSize: 10 },
      { name: 'manifest.json', data: Buffer.from(manifestFor({ tools: GOOD_FILE })) },
    ]);
    expect(await refusal(file)).toMatch(/ARCHIVE_INVALID/);
  });

  it('refuses a single line longer than the limit without holding it', async () => {
    const line = `[\n{"_id":1,"x":"${'a'.repeat(65 * 1024 * 1024)}"}\n]\n`;
    const file = archiveOf([
      { name: 'collections/tools.json', data: Buffer.from(line) },
      { name: 'manifest.json', data: Buffer.from(manifestFor({ tools: line }, {}, { tools: 1 })) },
    ]);
    expect(await refusal(file)).toMatch(/länger als 64 MiB/);
  });

  it('refuses a line that is not valid Extended JSON', async () => {
    const text = '[\n{"_id":{"$oid":"nicht-hex"}}\n]\n';
    const file = archiveOf([
      { name: 'collections/tools.json', data: Buffer.from(text) },
      { name: 'manifest.json', data: Buffer.from(manifestFor({ tools: text }, {}, { tools: 1 })) },
    ]);
    expect(await refusal(file)).toMatch(/Zeile 2: kein gültiges Extended JSON/);
  });

  it('refuses broken framing (a missing comma between documents)', async () => {
    const text = GOOD_FILE.replace('},\n', '}\n');
    const file = archiveOf([
      { name: 'collections/tools.json', data: Buffer.from(text) },
      { name: 'manifest.json', data: Buffer.from(manifestFor({ tools: text }, {}, { tools: 2 })) },
    ]);
    expect(await refusal(file)).toMatch(/fehlendes Komma/);
  });

  it('refuses an archive of a future format version with a clear message', async () => {
    const file = archiveOf([{ name: 'manifest.json', data: Buffer.from(manifestFor({}, { version: 3 })) }]);
    expect(await refusal(file)).toMatch(/ARCHIVE_UNSUPPORTED: Archivformat Version 3 ist neuer als diese Programmversion \(unterstützt: 1 bis 2\)/);
  });

  it('refuses an archive without a manifest, or with extra entries', async () => {
    expect(await refusal(archiveOf([{ name: 'collections/tools.json', data: Buffer.from(GOOD_FILE) }]))).toMatch(/manifest.json fehlt/);
    const extra = archiveOf([
      { name: 'collections/tools.json', data: Buffer.from(GOOD_FILE) },
      { name: 'collections/users.json', data: Buffer.from('[\n]\n') },
      { name: 'manifest.json', data: Buffer.from(manifestFor({ tools: GOOD_FILE })) },
    ]);
    expect(await refusal(extra)).toMatch(/unerwarteter Eintrag: collections\/users.json/);
  });

  it('refuses a manifest that names a collection it may not', async () => {
    const file = archiveOf([{ name: 'manifest.json', data: Buffer.from(manifestFor({ 'system.users': '[\n]\n' })) }]);
    expect(await refusal(file)).toMatch(/kein zulässiger Collection-Name/);
  });
});

describe('the writer writes nothing the reader would refuse', () => {
  it('fails a backup whose document would make a line longer than the reader allows, and leaves no file', async () => {
    const file = path.join(dir, 'too-long-line.zip');
    async function* lines() {
      yield ['{"_id":{"$numberInt":"1"}}', `{"_id":{"$numberInt":"2"},"x":"${'a'.repeat(ARCHIVE_LIMITS.maxLineBytes)}"}`];
    }
    await expect(
      writeArchive(file, { kind: 'manual', createdAt: new Date(), database: 'scandy' }, [{ name: 'settings', indexes: [], lines: lines() }]),
    ).rejects.toThrow(/Collection "settings", Dokument Nr. 2: als Extended JSON länger als 64 MiB; das Backup wird abgebrochen/);
    expect(existsSync(file)).toBe(false);
  });

  it('shares one set of limits: exactly at a limit is allowed, one byte more is not', () => {
    expect(lineSizeProblem(ARCHIVE_LIMITS.maxLineBytes)).toBeUndefined();
    expect(lineSizeProblem(ARCHIVE_LIMITS.maxLineBytes + 1)).toBe('länger als 64 MiB');
    expect(entrySizeProblem(ARCHIVE_LIMITS.maxEntryBytes)).toBeUndefined();
    expect(entrySizeProblem(ARCHIVE_LIMITS.maxEntryBytes + 1)).toMatch(/größer als 64 GiB/);
  });
});
