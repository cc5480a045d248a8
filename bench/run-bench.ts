/**
 * `npm run bench [-- --sizes 10000,100000,1000000]`: seeds demo data into a
 * FerretDB of its own, measures cursor drain (the limit), backup, restore,
 * listing and, when ../shared/tools/mongo-tools holds them, mongodump and
 * mongorestore on the same data; prints the
 * table and writes bench/results.md and bench/results.png.
 */
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Db } from 'mongodb';
import { SCANDY_COLLECTIONS } from '../src/config/collections.js';
import { seedDatabase } from '../src/seed/seed-database.js';
import { describeError } from '../src/shared/app-error.js';
import { projectRoot } from '../src/shared/project.js';
import { USAGE, UsageError, commandLine, parseBenchArgs } from './args.js';
import { BENCH_DIR, runBench, startBenchServer } from './bench-server.js';
import { installSignalHandlers } from './cleanup.js';
import { count, millis, seconds } from './format.js';
import { timeListTenBackups } from './list-timing.js';
import { describeMachine } from './machine.js';
import { createIndexes, indexDefinitions, locateMongoTools, runMongodump, runMongorestore, type MongoTools, type ToolRun } from './mongo-tools.js';
import { renderPlot } from './plot.js';
import { renderReport } from './report.js';
import { FIXED_COST_DOCUMENTS, type BenchResults, type FixedCost, type SizeResult } from './results.js';
import { runOperation, type MeasuredOperation } from './run-operation.js';

const RESULTS_MD = path.join(BENCH_DIR, 'results.md');
const RESULTS_PNG = path.join(BENCH_DIR, 'results.png');

function log(message: string): void {
  process.stderr.write(`bench: ${message}\n`);
}

async function main(argv: readonly string[]): Promise<number> {
  let args;
  try {
    args = parseBenchArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`bench: ${error.message}\n${USAGE}\n`);
    return 2;
  }
  if (args === 'help') {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  installSignalHandlers();

  const { work, server, database, ferretDbVersion } = await startBenchServer('run-');
  log(`sizes ${args.sizes.map(count).join(', ')}; work folder ${path.relative(projectRoot, work)}`);
  log(`FerretDB ${ferretDbVersion} on ${server.uri}`);

  const mongoTools = await locateMongoTools();
  log(mongoTools.available ? `mongodump/mongorestore ${mongoTools.version} from ${mongoTools.dir}` : `mongodump/mongorestore: ${mongoTools.reason}`);

  const fixedCost = await measureFixedCost(server.uri, database.client.db('bench_fixed'), path.join(work, 'fixed'));
  const results: SizeResult[] = [];
  for (const size of args.sizes) {
    results.push(
      await measureSize(size, server.uri, database.client.db(`bench_${size}`), path.join(work, String(size)), mongoTools, args.repeatsFor(size)),
    );
  }

  const bench: BenchResults = {
    date: new Date(),
    command: commandLine(argv),
    machine: describeMachine(ferretDbVersion),
    mongoTools,
    fixedCost,
    results,
  };
  let plotFile: string | undefined = path.basename(RESULTS_PNG);
  try {
    await renderPlot(bench, RESULTS_PNG);
  } catch (error) {
    log(`plot not written: ${describeError(error)}`);
    plotFile = undefined;
  }
  const report = renderReport(bench, plotFile);
  writeFileSync(RESULTS_MD, report);
  process.stdout.write(report);
  log(`wrote ${path.relative(projectRoot, RESULTS_MD)}${plotFile ? ` and ${path.relative(projectRoot, RESULTS_PNG)}` : ''}`);
  return 0;
}

const FIXED_COST_RUNS = 6;

async function measureFixedCost(uri: string, db: Db, dir: string): Promise<FixedCost> {
  const dbName = db.databaseName;
  await db.dropDatabase();
  await seedDatabase(db, { docs: FIXED_COST_DOCUMENTS });
  const drain = await step(FIXED_COST_DOCUMENTS, 'limit (cursor drain)', () => runOperation({ operation: 'drain', uri, dbName }));
  const backups = await step(FIXED_COST_DOCUMENTS, `${FIXED_COST_RUNS} backups in one process`, () =>
    runOperation({ operation: 'fixed-cost', uri, dbName, backupDir: path.join(dir, 'backups'), runs: FIXED_COST_RUNS }),
  );
  await db.dropDatabase();
  rmSync(dir, { recursive: true, force: true });
  log(`fixed cost: ${backups.runsMs!.map((ms) => millis(ms)).join(', ')}; drain ${millis(drain.wallMs)}`);
  return { runsMs: backups.runsMs!, drainMs: drain.wallMs };
}

async function measureSize(size: number, uri: string, db: Db, dir: string, mongoTools: MongoTools, repeats: number): Promise<SizeResult> {
  const dbName = db.databaseName;
  const backupDir = path.join(dir, 'backups');
  mkdirSync(dir, { recursive: true });
  await db.dropDatabase();

  log(`${count(size)}: seeding…`);
  const seedStarted = performance.now();
  await seedDatabase(db, { docs: size });
  const seedMs = performance.now() - seedStarted;
  await expectDocuments(db, size, 'after seeding');
  log(`${count(size)}: seeded in ${seconds(seedMs)}; load average ${loadAverage()}`);
  const loadBefore = os.loadavg()[0]!;
  const indexes = await indexDefinitions(db, SCANDY_COLLECTIONS);

  // Interleaved, so that load from other processes on the machine falls on every contender alike.
  const limitRuns: MeasuredOperation[] = [];
  const twoAtOnceRuns: MeasuredOperation[] = [];
  const backups: MeasuredOperation[] = [];
  const dumps: (ToolRun & { archiveBytes: number })[] = [];
  let mongoToolsFailure: string | undefined;
  const dumpArchive = path.join(dir, 'mongodump.archive.gz');
  for (let i = 1; i <= repeats; i++) {
    const of = `${i}/${repeats}`;
    limitRuns.push(await step(size, `limit (cursor drain) ${of}`, () => runOperation({ operation: 'drain', uri, dbName })));
    twoAtOnceRuns.push(await step(size, `cursor drain, two at once ${of}`, () => runOperation({ operation: 'drain', uri, dbName, lanes: 2 })));
    backups.push(await step(size, `backup ${of}`, () => runOperation({ operation: 'backup', uri, dbName, backupDir })));
    if (mongoTools.available && !mongoToolsFailure) {
      try {
        const run = await step(size, `mongodump ${of}`, () => runMongodump(mongoTools, uri, dbName, dumpArchive));
        dumps.push({ ...run, archiveBytes: statSync(dumpArchive).size });
      } catch (error) {
        mongoToolsFailure = `failed: ${describeError(error)}`;
        log(`${count(size)}: mongodump ${mongoToolsFailure}`);
      }
    }
  }
  for (const run of [...limitRuns, ...twoAtOnceRuns]) if (run.documents !== size) throw new Error(`cursor drain read ${run.documents} of ${size} documents`);
  for (const run of backups) if (run.documents !== size) throw new Error(`backup wrote ${run.documents} of ${size} documents`);
  const backup = median(backups);

  const listTenMs = await timeListTenBackups(db, backup.archivePath!, path.join(dir, 'list'));
  log(`${count(size)}: list 10 backups ${listTenMs.toFixed(1)} ms`);

  const restores: MeasuredOperation[] = [];
  const toolRestores: (ToolRun & { indexMs: number; documentsMs: number })[] = [];
  for (let i = 1; i <= repeats; i++) {
    const of = `${i}/${repeats}`;
    restores.push(
      await step(size, `restore ${of}`, () => runOperation({ operation: 'restore', uri, dbName, backupDir, backupName: backup.backupName! })),
    );
    await expectDocuments(db, size, 'after restore');
    if (mongoTools.available && dumps.length > 0 && !mongoToolsFailure) {
      try {
        const run = await step(size, `mongorestore + indexes ${of}`, async () => {
          const documents = await runMongorestore(mongoTools, uri, dbName, dumpArchive);
          const indexMs = await createIndexes(db, indexes);
          return { ...documents, wallMs: documents.wallMs + indexMs, documentsMs: documents.wallMs, indexMs };
        });
        await expectDocuments(db, size, 'after mongorestore');
        toolRestores.push(run);
      } catch (error) {
        mongoToolsFailure = `failed: ${describeError(error)}`;
        log(`${count(size)}: mongorestore ${mongoToolsFailure}`);
      }
    }
  }

  await db.dropDatabase();
  rmSync(dir, { recursive: true, force: true });
  const fastest = (runs: readonly MeasuredOperation[]) => runs.reduce((best, run) => (run.wallMs < best.wallMs ? run : best));
  return {
    size,
    seedMs,
    loadAverage: [loadBefore, os.loadavg()[0]!],
    limit: fastest(limitRuns),
    limitRunsMs: limitRuns.map((r) => r.wallMs),
    limitTwoAtOnce: fastest(twoAtOnceRuns),
    backup,
    backupRunsMs: backups.map((r) => r.wallMs),
    restore: median(restores),
    restoreRunsMs: restores.map((r) => r.wallMs),
    listTenMs,
    ...(dumps.length > 0 ? { mongodump: median(dumps), mongodumpRunsMs: dumps.map((r) => r.wallMs) } : {}),
    ...(toolRestores.length > 0 ? { mongorestore: median(toolRestores), mongorestoreRunsMs: toolRestores.map((r) => r.wallMs) } : {}),
    ...(mongoToolsFailure ? { mongoToolsFailure } : {}),
  };
}

/** The run with the median wall time (the lower middle one of an even number). */
function median<T extends { wallMs: number }>(runs: readonly T[]): T {
  const sorted = [...runs].sort((a, b) => a.wallMs - b.wallMs);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

function loadAverage(): string {
  return os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
}

async function step<T extends { wallMs: number }>(size: number, label: string, work: () => Promise<T>): Promise<T> {
  log(`${count(size)}: ${label}…`);
  const result = await work();
  log(`${count(size)}: ${label} ${seconds(result.wallMs)}`);
  return result;
}

async function expectDocuments(db: Db, expected: number, when: string): Promise<void> {
  let total = 0;
  for (const name of SCANDY_COLLECTIONS) total += await db.collection(name).countDocuments();
  if (total !== expected) throw new Error(`${total} documents in ${db.databaseName} ${when}, expected ${expected}`);
}

runBench(() => main(process.argv.slice(2)), log);
