import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeArchive } from '../../src/archive/archive-writer.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { useTestDatabase } from '../helpers/database.js';
import { useTempDir } from '../helpers/temp-dir.js';

const t = useTestDatabase();
const dir = useTempDir();
const logDir = useTempDir();
const MiB = 1024 * 1024;
/** Little heap: JSON.parse of one such line alone would need gigabytes. */
const HEAP_MIB = 256;

/** A line of about `mib` MiB (UTF-8): `{"_id":…,"x":<head><unit><unit>…<tail>}`. */
function line(id: number, mib: number, head: string, unit: string, tail: string): string {
  const start = `{"_id":{"$numberInt":"${id}"},"x":${head}`;
  const end = `${tail}}`;
  return start + unit.repeat(Math.floor((mib * MiB - Buffer.byteLength(start + end)) / Buffer.byteLength(unit))) + end;
}

/** One line at a time: each is built only when the writer asks for it. */
async function archiveOf(name: string, lines: readonly (() => string)[]): Promise<string> {
  const file = path.join(dir, `${name}.zip`);
  async function* batches() {
    for (const make of lines) yield [make()];
  }
  await writeArchive(file, { kind: 'manual', createdAt: new Date(), database: 'scandy' }, [{ name: 'tools', indexes: [], lines: batches() }], {
    compressionLevel: 1,
  });
  return file;
}

function cliWithLittleHeap(args: readonly string[], heapMib = HEAP_MIB): Promise<CliResult> {
  return runCli([...args, '--json'], {
    MONGODB_URI: t.uri,
    MONGODB_DB: t.dbName,
    BACKUP_DIR: dir,
    LOG_DIR: logDir,
    NODE_OPTIONS: `--max-old-space-size=${heapMib}`,
  });
}

function expectNoCrash(result: CliResult): void {
  expect(result.stderr).not.toMatch(/heap out of memory|FATAL ERROR|Allocation failed/);
  expect(result.code === 0 || result.code === 1).toBe(true);
}

describe(`verify with ${HEAP_MIB} MiB of heap`, () => {
  const files: Record<string, string> = {};

  beforeAll(async () => {
    // Near the 64 MiB line limit, in the shapes that make JSON.parse need the most memory.
    const three = (head: string, unit: string, tail: string) => [1, 2, 3].map((id) => () => line(id, 63, head, unit, tail));
    files.ascii = await archiveOf('ascii', three('"', 'a', '"'));
    files.twoByte = await archiveOf('two-byte', three('"€', 'a', '"'));
    files.tinyValues = await archiveOf('tiny-values', three('[', '{},', '{}]'));
    files.numbers = await archiveOf('numbers', three('[', '{"$numberInt":"7"},', '{"$numberInt":"7"}]'));
    // Documents as large as MongoDB allows.
    files.large = await archiveOf('large', [
      () => line(1, 15, '"', 'ä', '"'),
      () => line(2, 15, '"€', 'b', '"'),
      () => line(3, 15, '{"$binary":{"base64":"', 'AAAA', '","subType":"00"}}'),
      () => line(4, 12, '[', '{"$numberInt":"7"},', '{"$numberInt":"7"}]'),
    ]);
  }, 120_000);

  it.each([
    ['one string of 63 MiB', 'ascii'],
    ['one string of 63 MiB with a character beyond Latin-1 (two bytes a character in memory)', 'twoByte'],
    ['63 MiB of empty subdocuments', 'tinyValues'],
    ['63 MiB of numbers', 'numbers'],
  ])('refuses lines of %s cleanly: a document over 16 MiB, never out of memory', async (_what, key) => {
    const result = await cliWithLittleHeap(['verify', files[key]!]);
    expectNoCrash(result);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/Ungültiges Backup-Archiv: collections\/tools\.json: Zeile 2: .*über 16 MiB/);
  }, 120_000);

  it('verifies documents as large as MongoDB allows', async () => {
    const result = await cliWithLittleHeap(['verify', files.large!]);
    expectNoCrash(result);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toMatchObject({ documents: 4 });
  }, 120_000);
});

/** An old Scandy backup of `count` tools (about 1.2 KiB each), written piece by piece. */
async function legacyFile(count: number): Promise<string> {
  const file = path.join(dir, 'scandy_backup_20250712_060000.json');
  const out = createWriteStream(file);
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  await write('{"settings": [], "tools": [\n');
  for (let i = 0; i < count; i++) {
    const id = (0x6650a1b2c3d4e5f6a7b80000n + BigInt(i)).toString(16);
    const fields = Array.from({ length: 40 }, (_, f) => `"feld_${f}": "Wert ${f} von Werkzeug ${i}"`).join(', ');
    await write(`${i > 0 ? ',\n' : ''}{"_id": "${id}", "barcode": "WZ-${i}", "created_at": "2025-02-14 07:42:09.318000", "menge": ${i}, ${fields}}`);
  }
  await write('\n]}\n');
  out.end();
  await once(out, 'close');
  return file;
}

describe('import-legacy with 128 MiB of heap', () => {
  it('reads an old backup as a stream, one document at a time: 50 MB of JSON, which parsed whole would not fit', async () => {
    const count = 40_000;
    const result = await cliWithLittleHeap(['import-legacy', await legacyFile(count)], 128);
    expectNoCrash(result);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toMatchObject({ documents: count });
  }, 300_000);
});
