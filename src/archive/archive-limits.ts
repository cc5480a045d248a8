const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

/**
 * The limits of the archive format, in one place for the writer and the reader: the
 * reader refuses what breaks them (a hostile archive cannot exhaust memory or
 * disk), and the writer refuses to write it, so that every archive the
 * product writes, it can read back.
 *
 * How far an entry expands is bounded by the size its manifest declares
 * (covered by the manifest's SHA-256 of the file): the reader stops as soon as
 * more comes out. No blind compression ratio: zero-filled binaries compress
 * about 1000:1 and are still honest data.
 */
export const ARCHIVE_LIMITS = Object.freeze({
  maxEntries: 1000,
  maxManifestBytes: 16 * MiB,
  /** A 16 MiB BSON document of ordinary fields or binaries stays well below this as Extended JSON. */
  maxLineBytes: 64 * MiB,
  /**
   * Uncompressed size of one collection file. A Scandy collection is tens of
   * MiB; this bounds what a hostile archive that declares its size honestly
   * can make the reader inflate and parse.
   */
  maxEntryBytes: 64 * GiB,
  /** MongoDB's largest document (16 MiB, and the 16 KiB its own operations may add): no line may make more BSON. */
  maxDocumentBytes: 16 * MiB + 16 * 1024,
  /**
   * Longer lines are converted straight to BSON in slices instead of by
   * JSON.parse, so that no line, whatever its shape, needs more memory than
   * its document: JSON.parse of 64 MiB of tiny values would take gigabytes.
   */
  streamedLineBytes: 1 * MiB,
  /**
   * Documents read for verifying or restoring are handed on in batches that
   * also end at this many bytes (of lines, or of BSON read from the server),
   * so that large documents do not pile up by the thousand.
   */
  batchBytes: 16 * MiB,
});

/** Why a line of this many bytes (without its newline) may not be in an archive ("länger als …"), or undefined. */
export function lineSizeProblem(bytes: number): string | undefined {
  if (bytes <= ARCHIVE_LIMITS.maxLineBytes) return undefined;
  return `länger als ${ARCHIVE_LIMITS.maxLineBytes / MiB} MiB`;
}

/** Why an entry of this uncompressed size may not be in an archive, or undefined. */
export function entrySizeProblem(bytes: number): string | undefined {
  if (bytes <= ARCHIVE_LIMITS.maxEntryBytes) return undefined;
  return `entpackt größer als ${ARCHIVE_LIMITS.maxEntryBytes / GiB} GiB, der Obergrenze je Eintrag`;
}
