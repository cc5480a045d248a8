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
import type { BackupContext } from '../src/backup/backup-context.js';
import { createBackupContext } from '../src/app/compose.js';
import type { OperationProgress, RestoreStep } from '../src/backup/backup-events.js';
import { createBackup } from '../src/backup/create-backup.js';
import { SCANDY_COLLECTIONS } from '../src/config/collections.js';
import { readIdentityFile, userInput } from '../src/config/encryption-config.js';
import type { AgeIdentities } from '../src/crypto/age-identities.js';
import { connectDatabase } from '../src/db/connect.js';
import { restoreBackup } from '../src/restore/restore-backup.js';
import { describeError } from '../src/shared/app-error.js';
import { drainCollections } from './drain-limit.js';
import { RESTORE_PARTS, type OperationFigures, type OperationSpec, type ProcessFigures, type RestorePhases } from './operation-types.js';
import { startProcessMeter, type ProcessMeter } from './process-meter.js';

type Measured = Omit<OperationFigures, keyof ProcessFigures | 'operation' | 'wallMs'>;

/** Large enough that the engine's retention never removes an archive the benchmark still needs. */
const KEEP_EVERYTHING = 10_000;

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2] ?? '') as OperationSpec;
  const database = await connectDatabase(spec.uri, spec.dbName);
  try {
    const encryption = 'encryption' in spec ? spec.encryption : undefined;
    const identityFile = encryption?.identityFile;
    const identities = identityFile ? await readIdentityFile(identityFile, userInput('--identity'), { requirePrivate: false }) : undefined;
    const ctx =
      spec.operation === 'drain'
        ? undefined
        : createBackupContext(
            {
              backupDir: spec.backupDir,
              backupCollections: [...SCANDY_COLLECTIONS],
              backupKeep: KEEP_EVERYTHING,
              backupKeepManual: KEEP_EVERYTHING,
              backupKeepPreRestore: KEEP_EVERYTHING,
              encryptionRecipients: encryption?.recipients ?? [],
            },
            database.db,
          );
    await ctx?.store.ensureDir();
    // Read before the meter starts: the restore's figures count the Extended JSON of the archive it reads (an encrypted one: not counted).
    const restoreBytes = spec.operation === 'restore' && !identities ? await manifestBytes(ctx!, spec.backupName) : 0;

    const meter = startProcessMeter();
    const started = performance.now();
    let measured: Measured;
    if (spec.operation === 'drain') {
      const drained = await drainCollections(database.db, SCANDY_COLLECTIONS, spec.lanes ?? 1);
      measured = { documents: drained.documents, bytes: drained.bsonBytes };
    } else if (spec.operation === 'backup') {
      measured = await runBackup(ctx!);
    } else if (spec.operation === 'fixed-cost') {
      measured = await runBackups(ctx!, spec.runs);
    } else {
      measured = { ...(await runRestore(ctx!, spec.backupName, started, meter, identities)), bytes: restoreBytes };
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

async function runBackups(ctx: BackupContext, runs: number): Promise<Measured> {
  const runsMs: number[] = [];
  let last: Measured | undefined;
  for (let i = 0; i < runs; i++) {
    const begun = performance.now();
    last = await runBackup(ctx);
    runsMs.push(performance.now() - begun);
  }
  return { ...last!, runsMs };
}

/** `identities`: the key given for this restore (as `--identity`); the server itself holds none, as recommended. */
async function runRestore(
  ctx: BackupContext,
  backupName: string,
  started: number,
  meter: ProcessMeter,
  identities: AgeIdentities | undefined,
): Promise<Omit<Measured, 'bytes'>> {
  const phaseStarts = new Map<OperationProgress['phase'], number>();
  meter.startPart(RESTORE_PARTS.live);
  const onProgress = (p: OperationProgress) => {
    if (phaseStarts.has(p.phase)) return;
    phaseStarts.set(p.phase, performance.now());
    if (p.phase === 'pre-restore') meter.startPart(RESTORE_PARTS.safety);
  };
  const result = await restoreBackup(ctx, { source: { name: backupName }, actor: 'bench', onProgress, identities });
  const ended = performance.now();
  if (result.safetyPending !== null) throw new Error(`safety archive not written: ${result.safetyPending}`);
  return { documents: result.documents, phases: restorePhases(started, ended, phaseStarts) };
}

async function manifestBytes(ctx: BackupContext, backupName: string): Promise<number> {
  const backup = await ctx.store.find(backupName);
  return withArchive(backup.path, async (archive) => archive.manifest.collections.reduce((sum, c) => sum + c.bytes, 0));
}

/** verify | load (incl. index builds) | swap = the restored data is live | safety archive | cleanup */
function restorePhases(started: number, ended: number, phaseStarts: ReadonlyMap<OperationProgress['phase'], number>): RestorePhases {
  const order: RestoreStep[] = ['verify', 'load', 'swap', 'pre-restore', 'cleanup'];
  const at = (step: RestoreStep) => {
    const later = order.slice(order.indexOf(step)).map((s) => phaseStarts.get(s)).find((t) => t !== undefined);
    return step === 'verify' ? started : (later ?? ended);
  };
  return {
    verifyMs: at('load') - at('verify'),
    loadMs: at('swap') - at('load'),
    swapMs: at('pre-restore') - at('swap'),
    liveMs: at('pre-restore') - started,
    safetyArchiveMs: at('cleanup') - at('pre-restore'),
    cleanupMs: ended - at('cleanup'),
  };
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`measure-operation: ${describeError(error)}\n`);
    process.exit(1);
  },
);
