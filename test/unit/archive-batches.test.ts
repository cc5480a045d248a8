import path from 'node:path';
import { BSON } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { ARCHIVE_LIMITS } from '../../src/archive/archive-format.js';
import { withArchive } from '../../src/archive/archive-reader.js';
import { writeArchive } from '../../src/archive/archive-writer.js';
import { readCollectionDocuments } from '../../src/archive/collection-reader.js';
import { documentToLine } from '../../src/archive/extended-json.js';
import { useTempDir } from '../helpers/temp-dir.js';

const dir = useTempDir();

describe('restore reads an archive in batches bounded by bytes', () => {
  it('ends a batch at 16 MiB of lines, counted in bytes (a character of "ä" is two)', async () => {
    const file = path.join(dir, 'umlauts.zip');
    // 40 documents of 500,000 characters, 1 MB of UTF-8 each: far below the 1000 documents a batch may count.
    const line = (i: number) => documentToLine({ _id: i, text: 'ä'.repeat(500_000) });
    async function* lines() {
      for (let i = 0; i < 40; i++) yield [line(i)];
    }
    await writeArchive(file, { kind: 'manual', createdAt: new Date(), database: 'scandy' }, [{ name: 'tools', indexes: [], lines: lines() }]);

    const batches = await withArchive(file, async (archive) => {
      const sizes: number[] = [];
      for await (const batch of readCollectionDocuments(archive, archive.manifest.collections[0]!, 1000)) {
        sizes.push(batch.reduce((sum, doc) => sum + BSON.calculateObjectSize(doc), 0));
      }
      return sizes;
    });
    expect(batches.length).toBeGreaterThan(2);
    const lineBytes = Buffer.byteLength(line(0)) + 1;
    for (const bytes of batches) expect(bytes).toBeLessThan(ARCHIVE_LIMITS.batchBytes + lineBytes);
  });
});
