/**
 * Child process of the benchmark: connects, runs one operation (cursor drain,
 * backup or restore) through the engine, and prints one JSON line with the
 * figures. Seeding and the orchestrator's own memory stay out of the numbers.
 *
 *     node dist/bench/measure-operation.js '<OperationSpec as JSON>'
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { withArchive } from '../src/archive/archive-reader.js';
import { createBackupContext, type BackupContext } from '../src/backup/backup-context.js';
import type { BackupEvent, OperationProgress } from '../src/backup/backup-events.js';
import { createBackup } from '../src/backup/create-backup.js';
import { SCANDY_COLLECTIONS } from '../src/config/collections.js';
import { connectDatabase } from '../src/db/connect.js';
import { restoreBackup } from '../src/restore/restore-backup.js';
import { describeError } from '../src/shared/app-error.js';
import { drainCollections } from './drain-limit.js';
import type { OperationFigures, OperationSpec, ProcessFigures, RestorePhases } from './operation-types.js';
import { startProcessMeter } from './process-meter.js';

type Measured = Omit<OperationFigures, keyof ProcessFigures | 'operation' | 'wallMs'>;

/** Large enough that the engine's retention never removes an archive the benchmark still needs. */
const KEEP_EVERYTHING = 10_000;

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2] ?? '') as OperationSpec;
  const database = await connectDatabase(spec.uri, spec.dbName);
  try {
    const events: TimedEvent[] = [];
    const ctx =
      spec.operation === 'drain'
        ? undefined
        : createBackupContext(
            { backupDir: spec.backupDir, backupCollections: [...SCANDY_COLLECTIONS], backupKeep: KEEP_EVERYTHING },
            database.db,
            { emit: (event) => events.push({ at: performance.now(), event }) },
          );
    await ctx?.store.ensureDir();
    // Read before the meter starts: the restore's figures count the Extended JSON of the archive it reads.
    const restoreBytes = spec.operation === 'restore' ? await manifestBytes(ctx!, spec.backupName) : 0;

    const meter = startProcessMeter();
    const started = performance.now();
    let measured: Measured;
    if (spec.operation === 'drain') {
      const drained = await drainCollections(database.db, SCANDY_COLLECTIONS);
      measured = { documents: drained.documents, bytes: drained.bsonBytes };
    } else if (spec.operation === 'backup') {
      measured = await runBackup(ctx!);
    } else {
      measured = { ...(await runRestore(ctx!, spec.backupName, started, events)), bytes: restoreBytes };
    }
    const wallMs = performance.now() - started;
    const figures: OperationFigures = { operation: spec.operation, wallMs, ...measured, ...meter.stop() };
    process.stdout.write(JSON.stringify(figures) + '\n');
  } finally {
    await database.close();
  }
}

async function runBackup(ctx: BackupContext): Promise<Measured> {
  const result = await createBackup(ctx, { kind: 'manual', actor: 'bench' });
  return {
    documents: result.documents,
    bytes: result.manifest.collections.reduce((sum, c) => sum + c.bytes, 0),
    archiveBytes: result.backup.size,
    backupName: result.backup.name,
    archivePath: path.resolve(result.backup.path),
  };
}

interface TimedEvent {
  readonly at: number;
  readonly event: BackupEvent;
}

async function runRestore(
  ctx: BackupContext,
  backupName: string,
  started: number,
  events: readonly TimedEvent[],
): Promise<Omit<Measured, 'bytes'>> {
  let lastLoadAt: number | undefined;
  const onProgress = (p: OperationProgress) => {
    if (p.phase === 'load') lastLoadAt = performance.now();
  };
  const result = await restoreBackup(ctx, { source: { name: backupName }, actor: 'bench', onProgress });
  const ended = performance.now();
  return { documents: result.documents, phases: restorePhases(started, ended, events, lastLoadAt) };
}

async function manifestBytes(ctx: BackupContext, backupName: string): Promise<number> {
  const backup = await ctx.store.find(backupName);
  return withArchive(backup.path, async (archive) => archive.manifest.collections.reduce((sum, c) => sum + c.bytes, 0));
}

/** verify | safety backup | load (incl. index builds) | last index build + swap + cleanup */
function restorePhases(started: number, ended: number, events: readonly TimedEvent[], lastLoadAt: number | undefined): RestorePhases {
  const safetyStarted = events.find((e) => e.event.type === 'backup.started' && e.event.kind === 'pre-restore')?.at ?? started;
  const safetyDone = events.find((e) => e.event.type === 'backup.succeeded' && e.event.kind === 'pre-restore')?.at ?? safetyStarted;
  const loadDone = lastLoadAt ?? safetyDone;
  return {
    verifyMs: safetyStarted - started,
    preRestoreBackupMs: safetyDone - safetyStarted,
    loadMs: loadDone - safetyDone,
    finishMs: ended - loadDone,
  };
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`measure-operation: ${describeError(error)}\n`);
    process.exit(1);
  },
);
