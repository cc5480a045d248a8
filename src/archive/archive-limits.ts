const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

/**
 * The limits of format 1, in one place for the writer and the reader: the
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
