import type { BackupKind } from '../archive/backup-name.js';
import type { ReadConsistency } from '../archive/archive-format.js';
import { mergePlaces, type OffsiteState } from '../offsite/merge-places.js';
import { AppError, describeError } from '../shared/app-error.js';
import type { PlaceKind } from '../storage/storage-place.js';
import { readArchiveSummary, type ArchiveSummary } from './archive-summary.js';
import type { BackupContext } from './backup-context.js';
import type { StoredBackup } from './backup-store.js';
import { readSidecarSummary } from './sidecar-check.js';

export interface BackupSummary {
  readonly name: string;
  readonly createdAt: Date;
  readonly kind: BackupKind;
  readonly size: number;
  readonly encrypted: boolean;
  /** Where it is: the backup folder (`local`), the bucket (`s3`), or both. */
  readonly locations: readonly PlaceKind[];
  /** Its copy in the bucket; undefined when off or never asked for. */
  readonly offsite: OffsiteState | undefined;
  /** From the manifest; undefined when the archive cannot be opened. */
  readonly documents: number | undefined;
  readonly collections: readonly { readonly name: string; readonly count: number }[];
  /** From the manifest; undefined when it does not say (older archives) or cannot be read. */
  readonly consistency: ReadConsistency | undefined;
  /** Why the manifest could not be read, if it could not. */
  readonly problem: string | undefined;
}

/** Said of a backup in the bucket only whose counts were not recorded (another database, a lost catalog). */
export const COUNTS_NOT_RECORDED = 'nur extern gespeichert, Zahlen noch nicht bekannt: „Prüfen“ lädt es herunter und liest sie';

/**
 * Every backup of the backup folder and the bucket, newest first, with
 * counts from its manifest, or from its sidecar when encrypted (no document
 * is read, no key needed; for a backup in the bucket only, the counts
 * recorded when it was copied or checked).
 */
export async function listBackups(ctx: BackupContext): Promise<BackupSummary[]> {
  const local = await ctx.store.list();
  const { offsite } = ctx;
  const [bucket, records] = offsite
    ? await Promise.all([offsite.place.list().catch(() => undefined), offsite.records.all().catch(() => [])])
    : [[], []];
  const placed = offsite ? mergePlaces(local, bucket, records) : local.map((b) => ({ ...b, locations: ['local'] as const, offsite: undefined, recordedSummary: undefined }));
  const storedOf = new Map(local.map((b) => [b.name, b]));
  return Promise.all(
    placed.map(async (backup) => {
      const base = {
        name: backup.name,
        createdAt: backup.createdAt,
        kind: backup.kind,
        size: backup.size,
        encrypted: backup.encrypted,
        locations: backup.locations,
        offsite: backup.offsite,
      };
      const stored = storedOf.get(backup.name);
      if (!stored) return { ...base, ...countsOf(backup.recordedSummary) };
      try {
        return { ...base, ...countsOf(stored.encrypted ? await summaryBySidecar(ctx, stored) : await readArchiveSummary(stored.path)) };
      } catch (error) {
        return { ...base, ...countsOf(undefined, describeError(error)) };
      }
    }),
  );
}

async function summaryBySidecar(ctx: BackupContext, backup: StoredBackup): Promise<ArchiveSummary> {
  const summary = await readSidecarSummary(ctx.store, backup);
  if (!summary) throw new AppError('ARCHIVE_INVALID', 'Verschlüsselt, ohne Beschreibung (NAME.json): Inhalt nur mit dem Schlüssel lesbar');
  return summary;
}

function countsOf(summary: ArchiveSummary | undefined, problem = COUNTS_NOT_RECORDED) {
  if (!summary) return { documents: undefined, collections: [], consistency: undefined, problem };
  return { documents: summary.documents, collections: summary.collections, consistency: summary.consistency ?? undefined, problem: undefined };
}
