import { parseBackupName, type BackupName } from '../archive/backup-name.js';
import type { ArchiveSummary } from '../backup/archive-summary.js';
import type { PlaceKind, StoredFile } from '../storage/storage-place.js';
import type { CopyRecord } from './copy-records.js';

/** Where a backup's copy in the bucket stands. */
export type OffsiteState =
  | { readonly state: 'copied' }
  | { readonly state: 'pending' }
  | { readonly state: 'failed'; readonly reason: string; readonly nextAttemptAt: Date };

export interface PlacedBackup extends BackupName {
  readonly size: number;
  /** `local` first when it is in both. */
  readonly locations: readonly PlaceKind[];
  /** Undefined when no copy was ever asked for (a backup from before BACKUP_S3_URL, or pruned from the bucket). */
  readonly offsite: OffsiteState | undefined;
  /** For a backup in the bucket only: its counts as recorded when it was copied or checked. */
  readonly recordedSummary: ArchiveSummary | undefined;
}

/**
 * One list from the backup folder, the bucket and the copy records, newest
 * first. `bucket` undefined (not reachable now): the records of checked
 * copies stand for it.
 */
export function mergePlaces(
  local: readonly (BackupName & { readonly size: number })[],
  bucket: readonly StoredFile[] | undefined,
  records: readonly CopyRecord[],
): PlacedBackup[] {
  const recordOf = new Map(records.map((r) => [r.name, r]));
  const inBucket = new Map<string, BackupName & { readonly size: number }>(
    bucket ? bucket.map((f) => [f.name, f]) : records.filter((r) => r.state === 'copied').flatMap((r) => placedFromRecord(r)),
  );
  const merged: PlacedBackup[] = local.map((backup) => {
    const record = recordOf.get(backup.name);
    const copied = inBucket.has(backup.name);
    return {
      ...backup,
      locations: copied ? ['local', 's3'] : ['local'],
      offsite: copied ? { state: 'copied' } : pendingState(record),
      recordedSummary: undefined,
    };
  });
  const localNames = new Set(local.map((b) => b.name));
  for (const [name, file] of inBucket) {
    if (localNames.has(name)) continue;
    merged.push({ ...file, locations: ['s3'], offsite: { state: 'copied' }, recordedSummary: recordOf.get(name)?.summary });
  }
  return merged.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.name < b.name ? 1 : a.name > b.name ? -1 : 0));
}

function pendingState(record: CopyRecord | undefined): OffsiteState | undefined {
  if (!record || record.state !== 'pending') return undefined;
  return record.lastError === undefined ? { state: 'pending' } : { state: 'failed', reason: record.lastError, nextAttemptAt: record.nextAttemptAt };
}

function placedFromRecord(record: CopyRecord): [string, BackupName & { readonly size: number }][] {
  const parsed = parseBackupName(record.name);
  return parsed ? [[record.name, { ...parsed, size: record.size ?? 0 }]] : [];
}
