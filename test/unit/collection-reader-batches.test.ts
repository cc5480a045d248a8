import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withArchive } from '../../src/archive/archive-reader.js';
import { writeArchive } from '../../src/archive/archive-writer.js';
import { readCollectionDocuments } from '../../src/archive/collection-reader.js';
import { documentToLine } from '../../src/archive/extended-json.js';
import { useTempDir } from '../helpers/temp-dir.js';

const dir = useTempDir();

describe('batches of a collection file', () => {
  it('end at the document limit, or earlier once their lines reach the byte limit, and a large document still comes alone', async () => {
    const file = path.join(dir, 'sizes.zip');
    const sizes = [10, 10, 10, 10, 10, 5000, 10, 10, 10, 10, 10, 10, 10];
    async function* lines() {
      yield sizes.map((size, i) => documentToLine({ i, text: 'x'.repeat(size) }));
    }
    await writeArchive(file, { kind: 'manual', createdAt: new Date(), database: 'scandy' }, [{ name: 'tools', indexes: [], lines: lines() }]);

    const batches = await withArchive(file, async (archive) => {
      const seen: number[][] = [];
      for await (const batch of readCollectionDocuments(archive, archive.manifest.collections[0]!, { documents: 4, bytes: 200 })) {
        seen.push(batch.map((doc) => (doc.i as { value: number }).value));
      }
      return seen;
    });
    // Each short line is about 45 characters: four of them stay under 200; the long one fills a batch by itself.
    expect(batches).toEqual([[0, 1, 2, 3], [4, 5], [6, 7, 8, 9], [10, 11, 12]]);
  });
});
