import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Db } from 'mongodb';
import { formatBackupName } from '../src/archive/backup-name.js';
import { createBackupContext } from '../src/app/compose.js';
import { listBackups } from '../src/backup/list-backups.js';
import { SCANDY_COLLECTIONS } from '../src/config/collections.js';

const COPIES = 10;
const REPEATS = 5;
const FIRST_STAMP = Date.UTC(2025, 0, 1, 6, 0, 0, 0);

/**
 * Copies one archive under 10 distinct valid backup names into `dir` and
 * times listBackups over them; returns the median of 5 runs in milliseconds.
 */
export async function timeListTenBackups(db: Db, archivePath: string, dir: string): Promise<number> {
  await mkdir(dir, { recursive: true });
  for (let i = 0; i < COPIES; i++) {
    const name = formatBackupName(new Date(FIRST_STAMP + i * 12 * 3_600_000), i % 2 === 0 ? 'auto' : 'manual');
    await copyFile(archivePath, path.join(dir, name));
  }
  const ctx = createBackupContext({ backupDir: dir, backupCollections: [...SCANDY_COLLECTIONS], backupKeep: COPIES }, db);
  const times: number[] = [];
  for (let run = 0; run < REPEATS; run++) {
    const started = performance.now();
    const list = await listBackups(ctx);
    times.push(performance.now() - started);
    const broken = list.find((b) => b.problem !== undefined);
    if (list.length !== COPIES || broken) {
      throw new Error(`listBackups saw ${list.length} of ${COPIES} copies${broken ? `; ${broken.name}: ${broken.problem}` : ''}`);
    }
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}
