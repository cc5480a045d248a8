import { verifyArchive } from '../archive/verify-archive.js';
import { checkAgainstSidecar } from '../backup/sidecar-check.js';
import type { BackupContext } from '../backup/backup-context.js';
import type { ProgressListener } from '../backup/backup-events.js';
import { createBackup } from '../backup/create-backup.js';
import { estimateCollection } from '../db/collection-size.js';
import type { LockLease } from '../backup/operation-lock.js';
import type { WrittenBackup } from '../backup/write-database-backup.js';
import { describeError } from '../shared/app-error.js';
import { collectionNames, dropIfExists } from './collection-moves.js';
import { clearJournal, recordSafetyArchive, type RestoreJournal } from './restore-journal.js';

/** The safety archive exists and is verified, or it is still pending (why). */
export type SafetyOutcome = { readonly name: string; readonly pending?: undefined } | { readonly name?: undefined; readonly pending: string };

export interface SafetyOptions {
  /** Called once the archive is done and the aside collections are about to be dropped. */
  readonly onCleanup?: () => void;
  readonly onProgress?: ProgressListener;
  /** A later attempt (the restore itself had ended): success is reported, since the failure was. */
  readonly resumed: boolean;
}

const FIRST_RETRY_MS = 5 * 60_000;
const LONGEST_RETRY_MS = 6 * 3600_000;

/**
 * After the swap: the pre-restore archive is written from the collections
 * kept aside (the replaced data, with every write up to the swap; collections
 * the restore did not touch are read live), verified, and only then are the
 * aside collections dropped and the journal cleared. If that fails, the aside
 * collections and the journal stay, and the next operation or start tries
 * again; the restore itself has succeeded either way.
 */
export async function completeSafetyArchive(ctx: BackupContext, lease: LockLease, run: RestoreJournal, options: SafetyOptions): Promise<SafetyOutcome> {
  let name: string;
  try {
    name = await safetyArchive(ctx, lease, run, options);
  } catch (error) {
    const reason = describeError(error);
    const attempt = (run.safety?.attempts ?? 0) + 1;
    const now = ctx.clock.now();
    const retryMs = Math.min(LONGEST_RETRY_MS, FIRST_RETRY_MS * 2 ** (attempt - 1));
    await recordSafetyArchive(ctx.db, run.runId, {
      attempts: attempt,
      lastError: reason,
      lastAttemptAt: now,
      nextAttemptAt: new Date(now.getTime() + retryMs),
    }).catch(() => undefined);
    const existing = await collectionNames(ctx.db).catch(() => new Set<string>());
    const keptIn = run.collections.map((c) => c.aside).filter((aside) => existing.has(aside));
    ctx.emit({ type: 'restore.safety-pending', source: run.source, reason, attempt, keptIn, actor: run.actor });
    return { pending: reason };
  }
  options.onCleanup?.();
  // Best effort: with the archive recorded in the journal, the next repair only drops what is left.
  await dropAside(ctx, lease, run).catch(() => undefined);
  if (options.resumed) ctx.emit({ type: 'restore.safety-written', source: run.source, name, actor: run.actor });
  return { name };
}

async function safetyArchive(ctx: BackupContext, lease: LockLease, run: RestoreJournal, options: SafetyOptions): Promise<string> {
  const recorded = run.safety?.archive;
  if (recorded && (await stillValid(ctx, recorded))) return recorded;
  const existing = await collectionNames(ctx.db);
  const readFrom = new Map(run.collections.map((c) => [c.name, existing.has(c.aside) ? c.aside : null]));
  const names = run.archiveCollections ?? ctx.collections;
  const result = await createBackup(ctx, {
    kind: 'pre-restore',
    lease,
    actor: run.actor,
    source: { collections: [...names, ...[...readFrom.keys()].filter((n) => !names.includes(n))], readFrom },
    check: (written) => checkSafetyArchive(ctx, written, readFrom),
    onProgress: (p) => options.onProgress?.({ ...p, operation: 'restore', phase: 'pre-restore' }),
  });
  await recordSafetyArchive(ctx.db, run.runId, { attempts: run.safety?.attempts ?? 0, archive: result.backup.name });
  return result.backup.name;
}

/** Nobody writes to the aside collections, so the archive must hold exactly what they hold. */
async function checkSafetyArchive(ctx: BackupContext, written: WrittenBackup, readFrom: ReadonlyMap<string, string | null>): Promise<void> {
  // Read back whole; each line was checked to read back to the exact BSON when written, so it is not parsed again.
  // An encrypted one was read back so before it was encrypted (backup/archive-sink.ts).
  if (!written.backup.encrypted) await verifyArchive(written.backup.path, undefined, { parseLines: false });
  for (const [name, aside] of readFrom) {
    const recorded = written.manifest.collections.find((c) => c.name === name)?.count ?? 0;
    const held = aside ? await confirmedCount(ctx, aside, recorded) : 0;
    if (recorded !== held) throw new Error(`Sicherungs-Backup unvollständig: ${name} enthält ${recorded} statt ${held} Dokumente`);
  }
}

/**
 * The exact number of documents in `collection`. FerretDB counts by reading
 * every document (as long as the backup itself), but its $collStats count is
 * SQLite's row count of the collection's table: when that agrees with what
 * the archive recorded, the count is settled without reading anything.
 */
async function confirmedCount(ctx: BackupContext, collection: string, recorded: number): Promise<number> {
  const capabilities = await ctx.capabilities();
  if (capabilities.isFerretDb && (await estimateCollection(ctx.db, collection, capabilities)).count === recorded) return recorded;
  return ctx.db.collection(collection).countDocuments();
}

async function stillValid(ctx: BackupContext, name: string): Promise<boolean> {
  try {
    const backup = await ctx.store.find(name);
    await (backup.encrypted ? checkAgainstSidecar(ctx.store, backup) : verifyArchive(backup.path));
    return true;
  } catch {
    return false;
  }
}

async function dropAside(ctx: BackupContext, lease: LockLease, run: RestoreJournal): Promise<void> {
  lease.assertHeld();
  for (const c of run.collections) await dropIfExists(ctx.db, c.aside);
  await clearJournal(ctx.db, run.runId);
}
