import { performance } from 'node:perf_hooks';
import type { Db } from 'mongodb';
import { withArchive, type OpenedArchive } from '../../archive/archive-reader.js';
import { readCollectionDocuments } from '../../archive/collection-reader.js';
import type { ManifestCollection } from '../../archive/archive-format.js';
import { openArchiveSource, type ArchiveSource, type OpenedArchiveSource, type ResolvedArchive } from '../../backup/archive-source.js';
import type { BackupContext } from '../../backup/backup-context.js';
import { withOperation, type LockLease } from '../../backup/operation-lock.js';
import { withPlainArchive } from '../../backup/plain-archive.js';
import type { AgeIdentities } from '../../crypto/age-identities.js';
import { AppError, describeError } from '../../shared/app-error.js';
import { indexSpecsForCreate } from '../index-specs.js';
import { PARSE_SLICE, loadCollection } from '../load-collection.js';
import { DocumentComparison, indexDifferences } from './drill-comparison.js';
import { lastDrill, recordDrill, type DrillCollectionResult, type DrillRecord } from './drill-records.js';

export const DRILL_PURPOSE = 'drill';

export interface DrillOptions {
  /** Default: the newest backup that is not an upload. */
  readonly source?: ArchiveSource;
  readonly actor: string;
  /** Scheduled drills: do nothing when a drill started at or after this instant (another process ran it). */
  readonly skipIfDrilledSince?: Date;
  /** An encrypted backup: the keys of this request (`drill --identity FILE`); default the server's own. */
  readonly identities?: AgeIdentities | undefined;
}

/**
 * The restore drill ("Wiederherstellung testen"): holding the operation lock
 * (so it never overlaps a backup or a restore), restores a backup into the
 * scratch database with the restore's own loader, compares every document
 * byte for byte and every index with the archive, records the outcome and
 * drops the scratch database. The app's collections are never written.
 * A mismatch is a result (ok: false, with the German reason), not an error;
 * a drill that cannot start (lock held, no backup) throws.
 */
export async function runRestoreDrill(ctx: BackupContext, scratchName: string, options: DrillOptions): Promise<DrillRecord | undefined> {
  if (scratchName === ctx.db.databaseName) {
    throw new AppError('INVALID_INPUT', `Die Testdatenbank (BACKUP_DRILL_DB) darf nicht die Datenbank der App sein: ${scratchName}`);
  }
  return withOperation(ctx, DRILL_PURPOSE, undefined, async (lease) => {
    if (options.skipIfDrilledSince) {
      const last = await lastDrill(ctx.db);
      if (last && last.startedAt.getTime() >= options.skipIfDrilledSince.getTime()) return undefined;
    }
    const archive = await drillSource(ctx, options.source);
    try {
      return await drill(ctx, lease, archive, ctx.db.client.db(scratchName), options);
    } finally {
      await archive.dispose();
    }
  });
}

/** Spared by prune until disposed; a backup only in the bucket is downloaded first. */
async function drillSource(ctx: BackupContext, source: ArchiveSource | undefined): Promise<OpenedArchiveSource> {
  if (source) return openArchiveSource(ctx, source);
  const newest = (await ctx.store.list()).find((b) => b.kind !== 'upload');
  if (!newest) throw new AppError('BACKUP_NOT_FOUND', 'Kein Backup vorhanden, das getestet werden könnte');
  return openArchiveSource(ctx, { name: newest.name });
}

async function drill(ctx: BackupContext, lease: LockLease, archive: ResolvedArchive, scratch: Db, options: DrillOptions): Promise<DrillRecord> {
  const { actor } = options;
  const startedAt = ctx.clock.now();
  const started = performance.now();
  ctx.emit({ type: 'drill.started', backup: archive.label, actor });
  const collections: DrillCollectionResult[] = [];
  let reason: string | null = null;
  try {
    await scratch.dropDatabase();
    // An encrypted backup is decrypted to a private temp zip first (no key that opens it: the drill fails with the German reason).
    await withPlainArchive(ctx, archive, options.identities, (plainPath) =>
      withArchive(plainPath, async (opened) => {
        for (const entry of opened.manifest.collections) {
          const problem = await drillCollection(opened, entry, scratch);
          lease.assertHeld();
          if (problem) throw new DrillMismatch(`${entry.name}: ${problem}`);
          collections.push({ name: entry.name, documents: entry.count, indexes: entry.indexes.filter((i) => i.name !== '_id_').length });
        }
      }),
    );
  } catch (error) {
    reason = error instanceof DrillMismatch ? error.message : describeError(error);
  } finally {
    await scratch.dropDatabase().catch((error: unknown) => {
      reason ??= `Testdatenbank ${scratch.databaseName} konnte nicht gelöscht werden: ${describeError(error)}`;
    });
  }
  const record: DrillRecord = {
    ok: reason === null,
    backup: archive.label,
    scratchDatabase: scratch.databaseName,
    startedAt,
    finishedAt: ctx.clock.now(),
    durationMs: Math.round(performance.now() - started),
    documents: collections.reduce((sum, c) => sum + c.documents, 0),
    collections,
    reason,
    actor,
  };
  await recordDrill(ctx.db, record);
  const facts = { backup: record.backup, documents: record.documents, durationMs: record.durationMs, actor };
  ctx.emit(reason === null ? { type: 'drill.succeeded', ...facts } : { type: 'drill.failed', ...facts, reason });
  return record;
}

class DrillMismatch extends Error {}

/** Loads one collection into the scratch database, then compares it; a German reason when it differs. */
async function drillCollection(archive: OpenedArchive, entry: ManifestCollection, scratch: Db): Promise<string | undefined> {
  const target = scratch.collection(entry.name);
  await scratch.createCollection(entry.name);
  await loadCollection(archive, entry, target);
  const indexes = indexSpecsForCreate(entry.indexes);
  if (indexes.length > 0) {
    try {
      await scratch.command({ createIndexes: entry.name, indexes });
    } catch (error) {
      return `Indexe lassen sich nicht anlegen: ${describeError(error)}`;
    }
  }
  const comparison = new DocumentComparison();
  const cursor = target.find({}, { raw: true, batchSize: 1000 });
  try {
    for await (const batch of readCollectionDocuments(archive, entry, PARSE_SLICE)) {
      for (const doc of batch) comparison.add(doc, ((await cursor.next()) as unknown as Uint8Array | null) ?? undefined);
    }
    for (let extra = await cursor.next(); extra; extra = await cursor.next()) comparison.addServerOnly(extra as unknown as Uint8Array);
  } finally {
    await cursor.close();
  }
  const differences = [comparison.difference(), ...indexDifferences(entry.indexes, await target.listIndexes().toArray())].filter(
    (d): d is string => d !== undefined,
  );
  return differences.length > 0 ? differences.join('; ') : undefined;
}
