import { withArchive } from './archive-reader.js';
import { checkCollectionLines } from './collection-reader.js';
import type { Manifest } from './archive-format.js';

export interface VerifyProgress {
  readonly collection: string;
  readonly documentsDone: number;
  readonly documentsTotal: number;
}

export interface VerifyReport {
  readonly manifest: Manifest;
  readonly documents: number;
  readonly fileSize: number;
}

export interface VerifyOptions {
  /**
   * false: check framing, counts, sizes and SHA-256 but do not parse the lines;
   * enough for an archive this process just wrote, whose every line was checked
   * to read back to the exact BSON when it was written. Default true.
   */
  readonly parseLines?: boolean;
}

/**
 * Checks an archive without touching any database: structure, manifest,
 * and every line, count and checksum. Throws an AppError saying what is wrong.
 */
export async function verifyArchive(
  filePath: string,
  onProgress?: (progress: VerifyProgress) => void,
  options: VerifyOptions = {},
): Promise<VerifyReport> {
  const parse = options.parseLines !== false;
  return withArchive(filePath, async (archive) => {
    const total = archive.manifest.collections.reduce((sum, c) => sum + c.count, 0);
    let done = 0;
    for (const collection of archive.manifest.collections) {
      for await (const checked of checkCollectionLines(archive, collection, { parse })) {
        done += checked;
        onProgress?.({ collection: collection.name, documentsDone: done, documentsTotal: total });
      }
    }
    return { manifest: archive.manifest, documents: done, fileSize: archive.fileSize };
  });
}
