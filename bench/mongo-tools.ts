import { execFile, spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import type { Db, Document } from 'mongodb';
import { projectRoot } from '../src/shared/project.js';
import { trackChild } from './cleanup.js';
import { peakRssOf } from './proc-stats.js';

const run = promisify(execFile);
/** Beside the project (../shared/tools/mongo-tools), or in a folder further up; MONGO_TOOLS_DIR wins. */
const TOOLS_FOLDER = path.join('shared', 'tools', 'mongo-tools');
export const NOT_FOUND = 'nicht gefunden';

export type MongoTools =
  | { readonly available: true; readonly version: string; readonly dir: string; readonly mongodump: string; readonly mongorestore: string }
  | { readonly available: false; readonly reason: string };

export interface ToolRun {
  readonly wallMs: number;
  readonly peakRssBytes: number | undefined;
}

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Folders that may hold the tools, nearest first. */
function candidateDirs(): string[] {
  if (process.env.MONGO_TOOLS_DIR) return [path.resolve(process.env.MONGO_TOOLS_DIR)];
  const dirs: string[] = [];
  for (let dir = path.dirname(projectRoot); ; dir = path.dirname(dir)) {
    dirs.push(path.join(dir, TOOLS_FOLDER));
    if (path.dirname(dir) === dir) return dirs;
  }
}

/** MongoDB's own mongodump/mongorestore (MongoDB Database Tools), when a folder beside the project holds them. */
export async function locateMongoTools(): Promise<MongoTools> {
  const candidates = candidateDirs();
  const dir = candidates.find((d) => executable(path.join(d, 'mongodump')) && executable(path.join(d, 'mongorestore')));
  if (!dir) return { available: false, reason: `${NOT_FOUND} (${path.relative(projectRoot, candidates[0]!)})` };
  const mongodump = path.join(dir, 'mongodump');
  const { stdout } = await run(mongodump, ['--version'], { encoding: 'utf8' });
  const version = /version:\s*(\S+)/.exec(stdout)?.[1] ?? 'unknown';
  return { available: true, version, dir, mongodump, mongorestore: path.join(dir, 'mongorestore') };
}

type Available = Extract<MongoTools, { available: true }>;

/** `mongodump --archive --gzip` of one database (our own lock and journal collections left out). */
export function runMongodump(tools: Available, uri: string, dbName: string, archive: string): Promise<ToolRun> {
  return runTool(tools.mongodump, [
    `--uri=${uri}`,
    `--db=${dbName}`,
    '--excludeCollectionsWithPrefix=scandy_backup',
    `--archive=${archive}`,
    '--gzip',
  ]);
}

/**
 * `mongorestore --archive --gzip --drop --noIndexRestore` of that archive into
 * the same database: FerretDB refuses the index definitions mongorestore
 * sends (option `ns`, also with --nsFrom/--nsTo), so the documents are loaded
 * by mongorestore and the same indexes are built afterwards (see createIndexes).
 */
export function runMongorestore(tools: Available, uri: string, dbName: string, archive: string): Promise<ToolRun> {
  return runTool(tools.mongorestore, [`--uri=${uri}`, `--nsInclude=${dbName}.*`, `--archive=${archive}`, '--gzip', '--drop', '--noIndexRestore']);
}

/** Every secondary index of every collection, as createIndexes takes it. */
export async function indexDefinitions(db: Db, collections: readonly string[]): Promise<Map<string, Document[]>> {
  const definitions = new Map<string, Document[]>();
  for (const name of collections) {
    const indexes = await db.collection(name).listIndexes().toArray();
    const specs = indexes.filter((i) => i.name !== '_id_').map(({ v: _v, ns: _ns, background: _b, ...spec }) => spec);
    if (specs.length > 0) definitions.set(name, specs);
  }
  return definitions;
}

/** Builds the indexes mongorestore was told to leave out; returns the time it took. */
export async function createIndexes(db: Db, definitions: ReadonlyMap<string, Document[]>): Promise<number> {
  const started = performance.now();
  for (const [collection, indexes] of definitions) await db.command({ createIndexes: collection, indexes });
  return performance.now() - started;
}

/** Runs a tool to completion, timing it and polling its peak RSS (VmHWM) every 20 ms. */
async function runTool(binary: string, args: readonly string[]): Promise<ToolRun> {
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
