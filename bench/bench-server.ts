import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { connectDatabase } from '../src/db/connect.js';
import { startFerretDb } from '../src/db/local-ferretdb.js';
import { describeError } from '../src/shared/app-error.js';
import { projectRoot } from '../src/shared/project.js';
import { cleaningUp, cleanup, onCleanup } from './cleanup.js';

export const BENCH_DIR = path.join(projectRoot, 'bench');

/** A work folder under bench/.work and a FerretDB of the benchmark's own in it; both go at cleanup. */
export async function startBenchServer(prefix: string) {
  const workRoot = path.join(BENCH_DIR, '.work');
  mkdirSync(workRoot, { recursive: true });
  const work = mkdtempSync(path.join(workRoot, prefix));
  onCleanup(() => rmSync(work, { recursive: true, force: true }));
  const server = await startFerretDb({ dataDir: path.join(work, 'ferretdb') });
  onCleanup(() => server.stop());
  const database = await connectDatabase(server.uri, 'admin');
  onCleanup(() => database.close());
  const buildInfo = await database.db.admin().command({ buildInfo: 1 });
  const ferretDbVersion = String(buildInfo.ferretdbVersion ?? buildInfo.version ?? 'unknown');
  return { work, server, database, ferretDbVersion };
}

/** Runs a benchmark's main, cleans up in every case and exits with its code. */
export function runBench(main: () => Promise<number>, log: (message: string) => void): void {
  main()
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
}
