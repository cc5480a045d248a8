import { withArchive } from '../archive/archive-reader.js';
import type { ReadConsistency } from '../archive/archive-format.js';

/** What the list shows of an archive without reading a document: counts from its manifest. */
export interface ArchiveSummary {
  readonly documents: number;
  readonly collections: readonly { readonly name: string; readonly count: number }[];
  /** Undefined when the manifest does not say (older archives). */
  readonly consistency: ReadConsistency | undefined;
}

/** Reads the manifest of an archive file (checked as verify checks it), no document. */
export async function readArchiveSummary(filePath: string): Promise<ArchiveSummary> {
  return summaryOf(await withArchive(filePath, async (archive) => archive.manifest));
}

/** The counts a manifest or a sidecar records. */
export function summaryOf(recorded: {
  readonly collections: readonly { readonly name: string; readonly count: number }[];
  readonly consistency?: ReadConsistency | null | undefined;
}): ArchiveSummary {
  const collections = recorded.collections.map((c) => ({ name: c.name, count: c.count }));
  const documents = collections.reduce((sum, c) => sum + c.count, 0);
  return { documents, collections, consistency: recorded.consistency ?? undefined };
}
