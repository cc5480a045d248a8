import { parseArgs } from 'node:util';
import type { Db } from 'mongodb';
import { SCANDY_COLLECTIONS } from '../config/collections.js';
import { loadConfig } from '../config/config.js';
import { loadEnvFile } from '../config/load-env-file.js';
import { openDatabase } from '../db/open-database.js';
import { describeError } from '../shared/app-error.js';
import { isDatabaseEmpty, seedDatabase } from './seed-database.js';

const USAGE = 'Usage: npm run seed -- --docs <count> [--seed <n>] [--drop]';
const MAX_DOCS = 100_000_000;

interface SeedArgs {
  docs: number;
  seed: number | undefined;
  drop: boolean;
}

class UsageError extends Error {}

function parseSeedArgs(argv: string[]): SeedArgs | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { docs: { type: 'string' }, seed: { type: 'string' }, drop: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError(describeError(error));
  }
  if (values.help) return 'help';
  if (values.docs === undefined) throw new UsageError('--docs <count> is required');
  const docs = wholeNumber('--docs', values.docs, 1, MAX_DOCS);
  const seed = values.seed === undefined ? undefined : wholeNumber('--seed', values.seed, 0, 0xffffffff);
  return { docs, seed, drop: values.drop };
}

function wholeNumber(flag: string, raw: string, min: number, max: number): number {
  const value = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!(value >= min && value <= max)) throw new UsageError(`${flag} must be a whole number from ${min} to ${max}, got "${raw}"`);
  return value;
}

async function dropCollections(db: Db): Promise<void> {
  const existing = new Set((await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name));
  for (const name of SCANDY_COLLECTIONS) {
    if (existing.has(name)) await db.collection(name).drop();
  }
}

function progress(collection: string, done: number, total: number): void {
  if (process.stderr.isTTY) process.stderr.write(`\r\x1b[K${collection}: ${done}/${total}`);
}

async function main(): Promise<number> {
  let args: SeedArgs | 'help';
  try {
    args = parseSeedArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`seed: ${error.message}. ${USAGE}`);
    return 2;
  }
  if (args === 'help') {
    console.log(USAGE);
    return 0;
  }
  loadEnvFile();
  const config = loadConfig();
  const handle = await openDatabase(config);
  try {
    if (args.drop) await dropCollections(handle.db);
    else if (!(await isDatabaseEmpty(handle.db, SCANDY_COLLECTIONS))) {
      console.error(`seed: database "${config.mongodbDb}" already holds Scandy data; use --drop to replace it`);
      return 1;
    }
    const started = performance.now();
    const counts = await seedDatabase(handle.db, { docs: args.docs, seed: args.seed, onProgress: progress });
    if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    const parts = Object.entries(counts).map(([name, n]) => `${name} ${n}`);
    console.log(`Seeded ${total} documents into "${config.mongodbDb}" in ${seconds} s: ${parts.join(', ')}`);
    return 0;
  } finally {
    await handle.close();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
    console.error(`seed: ${describeError(error)}`);
    process.exitCode = 1;
  },
);
