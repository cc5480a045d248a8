import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '../shared/app-error.js';
import { startFerretDb, waitForPing, type LocalDatabase, type Say } from './local-ferretdb.js';

/** DATA_DIR/ferretdb.json: who started the local FerretDB, where it listens, and its own process id. */
interface PidFile {
  readonly pid: number;
  readonly port: number;
  /** Missing in files written by older versions. */
  readonly ferretdbPid?: number;
}

const ORPHAN_STOP_MS = 5000;

/**
 * The local default database of `npm start` and the CLI. One FerretDB serves
 * DATA_DIR at a time:
 * - while the process that started it runs, every other process uses it and
 *   never stops it (their `stop()` does nothing);
 * - a FerretDB whose starter was killed is stopped before a new one starts on
 *   the same files;
 * - otherwise this process starts one and records it.
 */
export async function ensureLocalDatabase(dataDir: string, say?: Say): Promise<LocalDatabase> {
  const dbDir = path.join(dataDir, 'ferretdb');
  const pidFile = path.join(dataDir, 'ferretdb.json');
  const recorded = readPidFile(pidFile);
  if (recorded && isAlive(recorded.pid) && serverOf(recorded, dbDir) !== 'gone') {
    const shared = await useRunning(recorded, dbDir);
    if (shared) return shared;
  } else if (recorded?.ferretdbPid !== undefined && serverOf(recorded, dbDir) === 'runs') {
    await stopOrphan(recorded.ferretdbPid, () => serverOf(recorded, dbDir) === 'runs');
  }
  const db = await startFerretDb({ dataDir: dbDir, ...(say ? { say } : {}) });
  writePidFile(pidFile, { pid: process.pid, port: db.port, ...(db.pid === undefined ? {} : { ferretdbPid: db.pid }) });
  return {
    ...db,
    stop: async () => {
      await db.stop();
      if (readPidFile(pidFile)?.pid === process.pid) rmSync(pidFile, { force: true });
    },
  };
}

/** The running server of another process, or undefined when it went away while we waited. */
async function useRunning(recorded: PidFile, dbDir: string): Promise<LocalDatabase | undefined> {
  const uri = `mongodb://127.0.0.1:${recorded.port}/`;
  const gone = () => (isAlive(recorded.pid) && serverOf(recorded, dbDir) !== 'gone' ? undefined : 'stopped');
  try {
    if ((await waitForPing(uri, gone)) !== 'answers') return undefined;
  } catch (error) {
    throw new AppError(
      'DATABASE_UNAVAILABLE',
      `Die lokale Datenbank (FerretDB auf Port ${recorded.port}, gestartet von Prozess ${recorded.pid}) antwortet nicht`,
      { cause: error },
    );
  }
  return { uri, port: recorded.port, stop: async () => undefined, kill: async () => undefined };
}

/**
 * Whether the recorded FerretDB still serves `dbDir`: 'runs' when /proc shows
 * it, 'gone' when it is not there, 'unknown' without /proc or its pid.
 */
function serverOf(recorded: PidFile, dbDir: string): 'runs' | 'gone' | 'unknown' {
  if (recorded.ferretdbPid === undefined) return 'unknown';
  if (!isAlive(recorded.ferretdbPid)) return 'gone';
  try {
    const commandLine = readFileSync(`/proc/${recorded.ferretdbPid}/cmdline`, 'utf8');
    return commandLine.includes(`--sqlite-url=file:${dbDir}/`) ? 'runs' : 'gone';
  } catch {
    return 'unknown';
  }
}

async function stopOrphan(pid: number, runs: () => boolean): Promise<void> {
  for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
    try {
      process.kill(pid, signal);
    } catch {
      return;
    }
    const deadline = Date.now() + ORPHAN_STOP_MS;
    while (runs() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    if (!runs()) return;
  }
}

function readPidFile(file: string): PidFile | undefined {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<PidFile>;
    if (typeof parsed.pid !== 'number' || typeof parsed.port !== 'number') return undefined;
    return { pid: parsed.pid, port: parsed.port, ...(typeof parsed.ferretdbPid === 'number' ? { ferretdbPid: parsed.ferretdbPid } : {}) };
  } catch {
    return undefined;
  }
}

function writePidFile(file: string, content: PidFile): void {
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify(content));
  renameSync(temp, file);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
