/**
 * `npm run bench:offsite [-- --docs 100000]`: a backup of N demo documents as
 * the app makes it, then its copy to a local Versity S3 Gateway (multipart,
 * checked against the server's SHA-256), in one process, sampling RSS every
 * 20 ms. Goals (issue 8): the copy takes less time than the backup, and the
 * peak RSS stays under 200 MiB.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { MongoClient } from 'mongodb';
import { composeBackupSystem } from '../src/app/compose.js';
import { loadConfig } from '../src/config/config.js';
import { startFerretDb } from '../src/db/local-ferretdb.js';
import { seedDatabase } from '../src/seed/seed-database.js';
import { LocalFolderPlace } from '../src/storage/local-folder-place.js';
import { S3Place } from '../src/storage/s3-place.js';
import { S3Target } from '../src/storage/s3-target.js';
import { TestS3Server } from '../test/helpers/s3-server.js';

const MiB = 1024 * 1024;
const docsArg = process.argv.indexOf('--docs');
const docs = docsArg > 0 ? Number(process.argv[docsArg + 1]) : 100_000;

async function main(): Promise<void> {
  const work = mkdtempSync(path.join(os.tmpdir(), 'scandy-bench-offsite-'));
  const ferret = await startFerretDb({ dataDir: path.join(work, 'ferretdb') });
  const s3 = await TestS3Server.start();
  const client = await new MongoClient(ferret.uri).connect();
  try {
    const db = client.db('bench_offsite');
    console.log(`seeding ${docs} documents …`);
    await seedDatabase(db, { docs });
    const config = loadConfig({ BACKUP_DIR: path.join(work, 'backups'), LOG_DIR: path.join(work, 'logs') }, work);
    const place = new S3Place(new S3Target(s3.client(), s3.bucket!, 'bench'));
    const system = composeBackupSystem({ config, db, ticker: false, offsitePlace: place });
    global.gc?.();
    const rssBefore = process.memoryUsage.rss();
    const phase = { name: 'backup', peaks: new Map<string, number>() };
    const timer = setInterval(() => phase.peaks.set(phase.name, Math.max(phase.peaks.get(phase.name) ?? 0, process.memoryUsage.rss())), 20);
    const result = await system.manager.create({ kind: 'manual', actor: 'bench' });
    // The copy started when the archive was complete; what is left of it after create() returned is measured here.
    global.gc?.();
    const rssAtCopy = process.memoryUsage.rss();
    phase.name = 'copy';
    const copyStarted = performance.now();
    await system.settled();
    const copyMs = performance.now() - copyStarted;
    // The same copy again, timed from start to checked end: folder place -> bucket place under another prefix.
    phase.name = 'copy again';
    const again = new S3Place(new S3Target(s3.client(), s3.bucket!, 'bench-again'));
    const local = new LocalFolderPlace(config.backupDir);
    const againStarted = performance.now();
    await again.writeNew(result.backup.name, await local.openRead(result.backup.name), { size: result.backup.size });
    const copyAloneMs = performance.now() - againStarted;
    clearInterval(timer);
    const copied = await place.stat(result.backup.name);
    await system.close();
    console.log(`archive ${(result.backup.size / MiB).toFixed(1)} MiB, ${result.documents} documents, copy in bucket: ${copied ? 'yes' : 'NO'}`);
    console.log(`backup ${(result.durationMs / 1000).toFixed(2)} s; copy: ${(copyMs / 1000).toFixed(2)} s left after create() returned, ${(copyAloneMs / 1000).toFixed(2)} s timed alone`);
    console.log(`RSS before the backup (after seeding in this process): ${(rssBefore / MiB).toFixed(0)} MiB`);
    const peak = (name: string) => `${((phase.peaks.get(name) ?? 0) / MiB).toFixed(0)} MiB`;
    console.log(`peak RSS: backup ${peak('backup')}, copy ${peak('copy')}, copy again ${peak('copy again')}`);
    const faster = copyAloneMs < result.durationMs;
    const copyGrowth = Math.max(0, (phase.peaks.get('copy') ?? rssAtCopy) - rssAtCopy);
    console.log(`the copy added ${(copyGrowth / MiB).toFixed(0)} MiB to the ${(rssAtCopy / MiB).toFixed(0)} MiB RSS it started with`);
    const small = Math.max(phase.peaks.get('copy') ?? 0, phase.peaks.get('copy again') ?? 0) < 200 * MiB;
    console.log(`goals: copy faster than backup ${faster ? 'met' : 'NOT met'}; peak RSS during the copy < 200 MiB ${small ? 'met' : 'NOT met'} (in a process that also seeded and backed up)`);
  } finally {
    await client.close();
    await s3.stop();
    await ferret.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
