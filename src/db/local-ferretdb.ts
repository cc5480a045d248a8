import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { AppError, describeError } from '../shared/app-error.js';
import { projectRoot } from '../shared/project.js';

const FERRETDB_VERSION = 'v1.24.2';

export interface LocalDatabase {
  readonly uri: string;
  readonly port: number;
  /** Process id of the FerretDB server, when this process started it. */
  readonly pid?: number | undefined;
  /** Stops the server if this process started it. */
  stop(): Promise<void>;
  /** Kills the server at once (SIGKILL), as a crash or power cut would. */
  kill(): Promise<void>;
}

/** Where built tools are cached: SCANDY_CACHE_DIR, else ~/.cache/scandy-backup. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.SCANDY_CACHE_DIR ?? path.join(env.XDG_CACHE_HOME ?? path.join(env.HOME ?? '/tmp', '.cache'), 'scandy-backup');
}

/** Prints one line for the operator (stdout of the app, stderr of the CLI). */
export type Say = (line: string) => void;

const sayOnStderr: Say = (line) => process.stderr.write(`${line}\n`);

/**
 * Path of the cached FerretDB binary. The first time it is built (about two
 * minutes): one line says so, Go's output goes to the build log in the cache
 * folder, and a failure is one line naming that log or, without Go, both ways out.
 */
export async function ferretDbBinary(say: Say = sayOnStderr): Promise<string> {
  const binary = path.join(cacheDir(), `ferretdb-${FERRETDB_VERSION}`);
  if (existsSync(binary)) return binary;
  await runBuildScript(['--check']);
  say('Lokale Datenbank wird einmalig gebaut (FerretDB, etwa 2 Minuten) …');
  return (await runBuildScript([])).trim();
}

/** Runs scripts/build-ferretdb.sh; its one-line complaint becomes the error. */
async function runBuildScript(args: readonly string[]): Promise<string> {
  const script = path.join(projectRoot, 'scripts', 'build-ferretdb.sh');
  const child = spawn('bash', [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SCANDY_CACHE_DIR: cacheDir() } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  }).catch((error: unknown) => {
    throw new AppError('DATABASE_UNAVAILABLE', `Lokale Datenbank: scripts/build-ferretdb.sh nicht ausführbar (${describeError(error)})`, { cause: error });
  });
  if (code === 0) return stdout;
  const complaint = stderr.trim().split('\n').pop();
  throw new AppError('DATABASE_UNAVAILABLE', complaint || `Lokale Datenbank: scripts/build-ferretdb.sh endete mit Code ${code}`);
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
export async function startFerretDb(options: { dataDir: string; port?: number; say?: Say }): Promise<LocalDatabase> {
  const binary = await ferretDbBinary(options.say);
  mkdirSync(options.dataDir, { recursive: true });
  const port = options.port ?? (await freePort());
  const child = spawn(
    binary,
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
  const exited = () => (child.exitCode === null ? undefined : `FerretDB exited with code ${child.exitCode}: ${stderr.trim().split('\n').pop() ?? ''}`);
  try {
    const answer = await waitForPing(uri, exited);
    if (answer !== 'answers') throw new AppError('DATABASE_UNAVAILABLE', answer.gone);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return { uri, port, pid: child.pid, stop: () => stopChild(child), kill: () => stopChild(child, 'SIGKILL') };
}

/**
 * Pings until the server answers, or `gone()` names why it never will, or
 * the time is up (an AppError).
 */
export async function waitForPing(uri: string, gone: () => string | undefined, timeoutMs = 30_000): Promise<'answers' | { gone: string }> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    const reason = gone();
    if (reason !== undefined) return { gone: reason };
    const client = new MongoClient(uri, { serverSelectionTimeoutMS: 500, connectTimeoutMS: 500 });
    try {
      await client.db('admin').command({ ping: 1 });
      return 'answers';
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
