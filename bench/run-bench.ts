/**
 * `npm run bench [-- --sizes 10000,100000,1000000]`: seeds demo data into a
 * FerretDB of its own, measures cursor drain (the limit), backup, restore,
 * listing and, when they can be built, mongodump/mongorestore; prints the
 * table and writes bench/results.md and bench/results.png.
 */
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Db } from 'mongodb';
import { SCANDY_COLLECTIONS } from '../src/config/collections.js';
import { connectDatabase } from '../src/db/connect.js';
import { startFerretDb } from '../src/db/local-ferretdb.js';
import { seedDatabase } from '../src/seed/seed-database.js';
import { describeError } from '../src/shared/app-error.js';
import { projectRoot } from '../src/shared/project.js';
import { USAGE, UsageError, commandLine, parseBenchArgs } from './args.js';
import { cleaningUp, cleanup, installSignalHandlers, onCleanup } from './cleanup.js';
import { count, seconds } from './format.js';
import { timeListTenBackups } from './list-timing.js';
import { describeMachine } from './machine.js';
import { locateMongoTools, runMongodump, runMongorestore, type MongoTools } from './mongo-tools.js';
import { renderPlot } from './plot.js';
import { renderReport } from './report.js';
import type { BenchResults, SizeResult } from './results.js';
import { runOperation, type MeasuredOperation } from './run-operation.js';

const BENCH_DIR = path.join(projectRoot, 'bench');
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

  const workRoot = path.join(BENCH_DIR, '.work');
  mkdirSync(workRoot, { recursive: true });
  const work = mkdtempSync(path.join(workRoot, 'run-'));
  onCleanup(() => rmSync(work, { recursive: true, force: true }));

  log(`sizes ${args.sizes.map(count).join(', ')}; work folder ${path.relative(projectRoot, work)}`);
  const server = await startFerretDb({ dataDir: path.join(work, 'ferretdb') });
  onCleanup(() => server.stop());
  const database = await connectDatabase(server.uri, 'admin');
  onCleanup(() => database.close());
  const buildInfo = await database.db.admin().command({ buildInfo: 1 });
  const ferretDbVersion = String(buildInfo.ferretdbVersion ?? buildInfo.version ?? 'unknown');
  log(`FerretDB ${ferretDbVersion} on ${server.uri}`);

  const mongoTools = await locateMongoTools();
  log(mongoTools.available ? `mongodump/mongorestore ${mongoTools.version}` : `mongodump/mongorestore: not available (${mongoTools.reason})`);

  const results: SizeResult[] = [];
  for (const size of args.sizes) {
    results.push(await measureSize(size, server.uri, database.client.db(`bench_${size}`), path.join(work, String(size)), mongoTools));
  }

  const bench: BenchResults = { date: new Date(), command: commandLine(argv), machine: describeMachine(ferretDbVersion), mongoTools, results };
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

async function measureSize(size: number, uri: string, db: Db, dir: string, mongoTools: MongoTools): Promise<SizeResult> {
  const dbName = db.databaseName;
  const backupDir = path.join(dir, 'backups');
  mkdirSync(dir, { recursive: true });
  await db.dropDatabase();

  log(`${count(size)}: seeding…`);
  const seedStarted = performance.now();
  await seedDatabase(db, { docs: size });
  const seedMs = performance.now() - seedStarted;
  await expectDocuments(db, size, 'after seeding');
  log(`${count(size)}: seeded in ${seconds(seedMs)}`);

  const limitRuns: MeasuredOperation[] = [];
  limitRuns.push(await step(size, 'limit (cursor drain) 1/2', () => runOperation({ operation: 'drain', uri, dbName })));
  const backup = await step(size, 'backup', () => runOperation({ operation: 'backup', uri, dbName, backupDir }));
  limitRuns.push(await step(size, 'limit (cursor drain) 2/2', () => runOperation({ operation: 'drain', uri, dbName })));
  const limit = limitRuns.reduce((best, run) => (run.wallMs < best.wallMs ? run : best));
  for (const run of limitRuns) if (run.documents !== size) throw new Error(`cursor drain read ${run.documents} of ${size} documents`);
  if (backup.documents !== size) throw new Error(`backup wrote ${backup.documents} of ${size} documents`);

  const listTenMs = await timeListTenBackups(db, backup.archivePath!, path.join(dir, 'list'));
  log(`${count(size)}: list 10 backups ${listTenMs.toFixed(1)} ms`);

  let mongoToolsFailure: string | undefined;
  let mongodump: SizeResult['mongodump'];
  if (mongoTools.available) {
    const archive = path.join(dir, 'mongodump.archive.gz');
    try {
      const run = await step(size, 'mongodump', () => runMongodump(mongoTools, uri, dbName, archive));
      mongodump = { ...run, archiveBytes: statSync(archive).size };
    } catch (error) {
      mongoToolsFailure = `failed: ${describeError(error)}`;
      log(`${count(size)}: mongodump ${mongoToolsFailure}`);
    }
  }

  const restore = await step(size, 'restore', () =>
    runOperation({ operation: 'restore', uri, dbName, backupDir, backupName: backup.backupName! }),
  );
  await expectDocuments(db, size, 'after restore');

  let mongorestore: SizeResult['mongorestore'];
  if (mongoTools.available && mongodump) {
    try {
      mongorestore = await step(size, 'mongorestore', () => runMongorestore(mongoTools, uri, dbName, path.join(dir, 'mongodump.archive.gz')));
      await expectDocuments(db, size, 'after mongorestore');
    } catch (error) {
      mongoToolsFailure = `failed: ${describeError(error)}`;
      log(`${count(size)}: mongorestore ${mongoToolsFailure}`);
    }
  }

  await db.dropDatabase();
  rmSync(dir, { recursive: true, force: true });
  return {
    size,
    seedMs,
    limit,
    limitRunsMs: limitRuns.map((r) => r.wallMs),
    backup,
    restore,
    listTenMs,
    ...(mongodump ? { mongodump } : {}),
    ...(mongorestore ? { mongorestore } : {}),
    ...(mongoToolsFailure ? { mongoToolsFailure } : {}),
  };
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

main(process.argv.slice(2))
  .then(
    (code) => code,
    (error: unknown) => {
      if (!cleaningUp()) log(`failed: ${describeError(error)}`);
      return 1;
    },
  )
  .then(async (code) => {
    await cleanup();
    process.exit(code);
  });
