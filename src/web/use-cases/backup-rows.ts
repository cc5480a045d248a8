import { KIND_LABELS, type BackupKind } from '../../archive/backup-name.js';
import type { ReadConsistency } from '../../archive/archive-format.js';
import type { AppDependencies } from '../app-dependencies.js';
import type { VerificationRecord } from '../../backup/verification-records.js';
import { locationLabel, offsiteStateText } from '../../offsite/offsite-wording.js';
import type { PlaceKind } from '../../storage/storage-place.js';

export interface BackupRow {
  readonly name: string;
  readonly createdAt: Date;
  readonly kind: BackupKind;
  readonly kindLabel: string;
  readonly size: number;
  readonly documents: number | null;
  readonly collections: readonly { readonly name: string; readonly count: number }[];
  /** How the collections were read; null when the manifest does not say. */
  readonly consistency: ReadConsistency | null;
  /** Why the manifest could not be read, if it could not. */
  readonly problem: string | null;
  readonly verification: VerificationRecord | null;
  /** `local` and/or `s3`. */
  readonly locations: readonly PlaceKind[];
  /** "lokal", "extern", "beide". */
  readonly locationLabel: string;
  /** "extern: ausstehend" / "extern fehlgeschlagen: <Grund>"; null otherwise. */
  readonly offsiteNote: string | null;
  readonly offsiteFailed: boolean;
  /** When a failed copy is tried again. */
  readonly offsiteRetryAt: Date | null;
  /** "Behalten": never removed by retention. */
  readonly pinned: boolean;
}

/** Every backup, newest first, with manifest counts and the last verify result. */
export async function listBackupRows(deps: Pick<AppDependencies, 'manager'>): Promise<BackupRow[]> {
  const summaries = await deps.manager.list();
  const [verifications, pinned] = await Promise.all([deps.manager.verifications(summaries.map((s) => s.name)), deps.manager.pinnedNames()]);
  return summaries.map((s) => ({
    name: s.name,
    createdAt: s.createdAt,
    kind: s.kind,
    kindLabel: KIND_LABELS[s.kind],
    size: s.size,
    documents: s.documents ?? null,
    collections: s.collections,
    consistency: s.consistency ?? null,
    problem: s.problem ?? null,
    verification: verifications.get(s.name) ?? null,
    locations: s.locations,
    locationLabel: locationLabel(s.locations),
    offsiteNote: offsiteStateText(s.offsite) ?? null,
    offsiteFailed: s.offsite?.state === 'failed',
    offsiteRetryAt: s.offsite?.state === 'failed' ? s.offsite.nextAttemptAt : null,
    pinned: pinned.has(s.name),
  }));
}
