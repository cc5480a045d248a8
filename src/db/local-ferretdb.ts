import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { AppError } from '../shared/app-error.js';
import { projectRoot } from '../shared/project.js';

const FERRETDB_VERSION = 'v1.24.2';

export interface LocalDatabase {
  readonly uri: string;
  readonly port: number;
  /** Stops the server if this process started it. */
  stop(): Promise<void>;
  /** Kills the server at once (SIGKILL), as a crash or power cut would. */
  kill(): Promise<void>;
}

/** Path of the cached FerretDB binary, building it first if needed. */
export function ferretDbBinary(): string {
  const cacheDir = process.env.SCANDY_CACHE_DIR ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(homeDir(), '.cache'), 'scandy-backup');
  const binary = path.join(cacheDir, `ferretdb-${FERRETDB_VERSION}`);
  if (existsSync(binary)) return binary;
  const script = path.join(projectRoot, 'scripts', 'build-ferretdb.sh');
  try {
    return execFileSync('bash', [script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  } catch (error) {
    throw new AppError('DATABASE_UNAVAILABLE', `Could not build FerretDB ${FERRETDB_VERSION} (scripts/build-ferretdb.sh failed)`, { cause: error });
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Starts FerretDB (SQLite backend) with its data in `dataDir`, on a free loopback port. */
export async function startFerretDb(options: { dataDir: string; port?: number }): Promise<LocalDatabase> {
  mkdirSync(options.dataDir, { recursive: true });
  const port = options.port ?? (await freePort());
  const child = spawn(
    ferretDbBinary(),
    [
      '--handler=sqlite',
      `--sqlite-url=file:${options.dataDir.replace(/\/?$/, '/')}`,
      `--listen-addr=127.0.0.1:${port}`,
      '--debug-addr=-',
      '--state-dir=-',
      '--telemetry=disable',
      '--log-level=error',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const uri = `mongodb://127.0.0.1:${port}/`;
  try {
    await waitForPing(uri, child, () => stderr);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return { uri, port, stop: () => stopChild(child), kill: () => stopChild(child, 'SIGKILL') };
}

async function waitForPing(uri: string, child: ChildProcess, stderr: () => string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new AppError('DATABASE_UNAVAILABLE', `FerretDB exited with code ${child.exitCode}: ${stderr().trim().split('\n').pop() ?? ''}`);
    }
    const client = new MongoClient(uri, { serverSelectionTimeoutMS: 500, connectTimeoutMS: 500 });
    try {
      await client.db('admin').command({ ping: 1 });
      return;
    } catch (error) {
      lastError = error;
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      await client.close().catch(() => undefined);
    }
  }
  throw new AppError('DATABASE_UNAVAILABLE', `FerretDB did not answer within ${timeoutMs / 1000} s`, { cause: lastError });
}

async function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

interface PidFile {
  pid: number;
  port: number;
}

/**
 * The local default database of `npm start` and the CLI: reuses a FerretDB
 * that another process of this project already runs on `dataDir`, or starts one.
 */
export async function ensureLocalDatabase(dataDir: string): Promise<LocalDatabase> {
  const dbDir = path.join(dataDir, 'ferretdb');
  const pidFile = path.join(dataDir, 'ferretdb.json');
  const running = readPidFile(pidFile);
  if (running && isAlive(running.pid)) {
    const uri = `mongodb://127.0.0.1:${running.port}/`;
    const client = new MongoClient(uri, { serverSelectionTimeoutMS: 2000 });
    try {
      await client.db('admin').command({ ping: 1 });
      return { uri, port: running.port, stop: async () => undefined, kill: async () => undefined };
    } catch {
      // stale pid file: fall through and start our own
    } finally {
      await client.close().catch(() => undefined);
    }
  }
  const db = await startFerretDb({ dataDir: dbDir });
  writeFileSync(pidFile, JSON.stringify({ pid: process.pid, port: db.port }));
  return {
    uri: db.uri,
    port: db.port,
    stop: async () => {
      await db.stop();
      const current = readPidFile(pidFile);
      if (current?.pid === process.pid) rmSync(pidFile, { force: true });
    },
    kill: () => db.kill(),
  };
}

function readPidFile(file: string): PidFile | undefined {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<PidFile>;
    return typeof parsed.pid === 'number' && typeof parsed.port === 'number' ? { pid: parsed.pid, port: parsed.port } : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function homeDir(): string {
  return process.env.HOME ?? '/tmp';
}
