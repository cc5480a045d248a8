import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, cp, mkdir, mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { trackChild } from './cleanup.js';
import { peakRssOf } from './proc-stats.js';

const run = promisify(execFile);
const MODULE = 'github.com/mongodb/mongo-tools';
const DOWNLOAD_TIMEOUT_MS = 120_000;
const BUILD_TIMEOUT_MS = 20 * 60_000;

export type MongoTools =
  | { readonly available: true; readonly version: string; readonly mongodump: string; readonly mongorestore: string }
  | { readonly available: false; readonly reason: string };

export interface ToolRun {
  readonly wallMs: number;
  readonly peakRssBytes: number | undefined;
}

function cacheDir(): string {
  const home = process.env.HOME ?? '/tmp';
  return process.env.SCANDY_CACHE_DIR ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(home, '.cache'), 'scandy-backup');
}

/**
 * mongodump/mongorestore built from the Go module proxy, cached in
 * ~/.cache/scandy-backup/. Tries the download once; when the proxy refuses,
 * says why in the proxy's own words.
 */
export async function locateMongoTools(): Promise<MongoTools> {
  const cached = await findCached();
  if (cached) return cached;
  let source: { dir: string; version: string };
  try {
    source = await downloadModule();
  } catch (error) {
    return { available: false, reason: (error as Error).message };
  }
  try {
    return await build(source.dir, source.version);
  } catch (error) {
    return { available: false, reason: `build failed: ${lastLine((error as { stderr?: string }).stderr ?? (error as Error).message)}` };
  }
}

async function findCached(): Promise<MongoTools | undefined> {
  const names = await readdir(cacheDir()).catch(() => [] as string[]);
  for (const name of names) {
    const version = /^mongodump-(.+)$/.exec(name)?.[1];
    if (version && names.includes(`mongorestore-${version}`)) {
      return { available: true, version, mongodump: path.join(cacheDir(), name), mongorestore: path.join(cacheDir(), `mongorestore-${version}`) };
    }
  }
  return undefined;
}

async function downloadModule(): Promise<{ dir: string; version: string }> {
  let stdout: string;
  try {
    ({ stdout } = await run('go', ['mod', 'download', '-json', `${MODULE}@latest`], {
      cwd: os.tmpdir(),
      timeout: DOWNLOAD_TIMEOUT_MS,
      encoding: 'utf8',
    }));
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; code?: unknown; killed?: boolean; message: string };
    if (failed.killed) throw new Error(`go mod download timed out after ${DOWNLOAD_TIMEOUT_MS / 1000} s`, { cause: error });
    if (failed.code === 'ENOENT') throw new Error('go is not installed', { cause: error });
    throw new Error(goError(failed.stdout) ?? lastLine(failed.stderr ?? failed.message), { cause: error });
  }
  const info = JSON.parse(stdout) as { Dir?: string; Version?: string; Error?: string };
  if (info.Error || !info.Dir || !info.Version) throw new Error(oneLine(info.Error ?? 'go mod download gave no module directory'));
  return { dir: info.Dir, version: info.Version };
}

async function build(moduleDir: string, version: string): Promise<MongoTools> {
  const work = await mkdtemp(path.join(os.tmpdir(), 'scandy-mongo-tools-'));
  try {
    const src = path.join(work, 'src');
    await cp(moduleDir, src, { recursive: true });
    await run('chmod', ['-R', 'u+w', src]);
    await mkdir(cacheDir(), { recursive: true });
    const built: Record<string, string> = {};
    for (const tool of ['mongodump', 'mongorestore']) {
      const output = path.join(work, tool);
      process.stderr.write(`bench: building ${tool} ${version}…\n`);
      await run('go', ['build', '-trimpath', '-o', output, `./${tool}/main`], {
        cwd: src,
        env: { ...process.env, CGO_ENABLED: '0' },
        timeout: BUILD_TIMEOUT_MS,
        maxBuffer: 64 * 1024 * 1024,
      });
      await chmod(output, 0o755);
      built[tool] = path.join(cacheDir(), `${tool}-${version}`);
    }
    // Install both only once both built, so the cache never holds half a pair.
    for (const tool of ['mongodump', 'mongorestore']) await rename(path.join(work, tool), built[tool]!);
    return { available: true, version, mongodump: built.mongodump!, mongorestore: built.mongorestore! };
  } finally {
    await rm(work, { recursive: true, force: true }).catch(() => undefined);
  }
}

/** `mongodump --archive --gzip` of one database (our own lock and journal collections left out). */
export function runMongodump(tools: Extract<MongoTools, { available: true }>, uri: string, dbName: string, archive: string): Promise<ToolRun> {
  return runTool(tools.mongodump, [
    `--uri=${uri}`,
    `--db=${dbName}`,
    '--excludeCollectionsWithPrefix=scandy_backup',
    `--archive=${archive}`,
    '--gzip',
  ]);
}

/** `mongorestore --archive --gzip --drop` of that archive into the same database. */
export function runMongorestore(tools: Extract<MongoTools, { available: true }>, uri: string, dbName: string, archive: string): Promise<ToolRun> {
  return runTool(tools.mongorestore, [`--uri=${uri}`, `--nsInclude=${dbName}.*`, `--archive=${archive}`, '--gzip', '--drop']);
}

/** Runs a tool to completion, timing it and polling its peak RSS (VmHWM) every 20 ms. */
async function runTool(binary: string, args: readonly string[]): Promise<ToolRun> {
  if (!existsSync(binary)) throw new Error(`${binary} not found`);
  const started = performance.now();
  const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  trackChild(child);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  let peak: number | undefined;
  const poll = setInterval(() => {
    if (child.pid !== undefined) peak = peakRssOf(child.pid) ?? peak;
  }, 20);
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (exitCode) => resolve(exitCode));
    });
    if (code !== 0) throw new Error(`${path.basename(binary)} exited with code ${code}: ${lastLine(stderr)}`);
    return { wallMs: performance.now() - started, peakRssBytes: peak };
  } finally {
    clearInterval(poll);
  }
}

function goError(stdout: string | undefined): string | undefined {
  try {
    const info = JSON.parse(stdout ?? '') as { Error?: string };
    return info.Error ? oneLine(info.Error) : undefined;
  } catch {
    return undefined;
  }
}

/** Go's multi-line error ("…: 403 Forbidden\n\tserver response: …") as one line, words unchanged. */
function oneLine(text: string): string {
  return text
    .split('\n')
    .map((part) => part.trim())
    .filter(Boolean)
    .join(' ');
}

function lastLine(text: string): string {
  return (
    text
      .trim()
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .pop() ?? '(no output)'
  );
}
