/**
 * `npm run bench:encryption [-- --sizes 100000] [--repeat 3]`: encrypted
 * backup and restore against unencrypted ones on the same demo data, in a
 * FerretDB of its own, each run in a fresh Node process (its peak RSS is its
 * own), plain and encrypted runs interleaved so that load from elsewhere
 * falls on both alike; the median run is reported. Set-up as recommended:
 * the server holds only the public key; the restore gets the secret key for
 * that one run (as `--identity`). Goals of issue 9: encrypted within 1.15x of
 * unencrypted at 100k documents, peak RSS under 200 MiB.
 * Writes bench/encryption-results.md.
 */
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generateKeyPair } from '../src/crypto/age-keys.js';
import { seedDatabase } from '../src/seed/seed-database.js';
import { projectRoot } from '../src/shared/project.js';
import { UsageError, parseBenchArgs } from './args.js';
import { BENCH_DIR, runBench, startBenchServer } from './bench-server.js';
import { installSignalHandlers } from './cleanup.js';
import { count, megabytes, ratio, seconds } from './format.js';
import { describeMachine } from './machine.js';
import type { EncryptionSpec } from './operation-types.js';
import { runOperation, type MeasuredOperation } from './run-operation.js';

const RESULTS_MD = path.join(BENCH_DIR, 'encryption-results.md');
const DEFAULT_SIZES = [100_000];
const RATIO_GOAL = 1.15;
const RSS_GOAL_BYTES = 200 * 1024 * 1024;
const MIB = 1024 * 1024;

interface Pair {
  readonly plain: MeasuredOperation;
  readonly encrypted: MeasuredOperation;
}

interface SizeFigures {
  readonly size: number;
  readonly backup: Pair;
  readonly restore: Pair;
  readonly runs: { readonly backup: Pair[]; readonly restore: Pair[] };
}

function log(message: string): void {
  process.stderr.write(`bench:encryption: ${message}\n`);
}

async function main(argv: readonly string[]): Promise<number> {
  let args;
  try {
    args = parseBenchArgs(argv.some((a) => a.startsWith('--sizes')) ? argv : [...argv, '--sizes', DEFAULT_SIZES.join(',')]);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`bench:encryption: ${error.message}\nUsage: npm run bench:encryption [-- --sizes 100000] [--repeat N]\n`);
    return 2;
  }
  if (args === 'help') {
    process.stdout.write('Usage: npm run bench:encryption [-- --sizes 100000] [--repeat N]\n');
    return 0;
  }
  installSignalHandlers();
  const { work, server, database, ferretDbVersion } = await startBenchServer('encryption-');

  const pair = await generateKeyPair();
  const identityFile = path.join(work, 'key.txt');
  writeFileSync(identityFile, pair.secretKeyFile, { mode: 0o600 });
  const encryption: EncryptionSpec = { recipients: [pair.publicKey], identityFile };

  const results: SizeFigures[] = [];
  for (const size of args.sizes) {
    const dbName = `bench_encryption_${size}`;
    const db = database.client.db(dbName);
    await db.dropDatabase();
    log(`${count(size)}: seeding…`);
    await seedDatabase(db, { docs: size });
    const backupDir = path.join(work, String(size), 'backups');
    const base = { uri: server.uri, dbName, backupDir };
    const backups: Pair[] = [];
    for (let i = 1; i <= args.repeatsFor(size); i++) {
      const plain = await step(size, `backup plain ${i}`, () => runOperation({ operation: 'backup', ...base }));
      const encrypted = await step(size, `backup encrypted ${i}`, () => runOperation({ operation: 'backup', ...base, encryption }));
      backups.push({ plain, encrypted });
    }
    const plainName = backups[0]!.plain.backupName!;
    const encryptedName = backups[0]!.encrypted.backupName!;
    const restores: Pair[] = [];
    for (let i = 1; i <= args.repeatsFor(size); i++) {
      const plain = await step(size, `restore plain ${i}`, () => runOperation({ operation: 'restore', ...base, backupName: plainName }));
      const encrypted = await step(size, `restore encrypted ${i}`, () =>
        runOperation({ operation: 'restore', ...base, backupName: encryptedName, encryption }),
      );
      for (const run of [plain, encrypted]) if (run.documents !== size) throw new Error(`restore loaded ${run.documents} of ${size} documents`);
      restores.push({ plain, encrypted });
    }
    await db.dropDatabase();
    rmSync(path.join(work, String(size)), { recursive: true, force: true });
    results.push({ size, backup: medianPair(backups), restore: medianPair(restores), runs: { backup: backups, restore: restores } });
  }

  const report = renderReport(results, ferretDbVersion, ['npm run bench:encryption', ...argv].join(' '));
  writeFileSync(RESULTS_MD, report);
  process.stdout.write(report);
  log(`wrote ${path.relative(projectRoot, RESULTS_MD)}`);
  return 0;
}

/** The median of each side on its own. */
function medianPair(pairs: readonly Pair[]): Pair {
  const median = (runs: MeasuredOperation[]) => [...runs].sort((a, b) => a.wallMs - b.wallMs)[Math.floor((runs.length - 1) / 2)]!;
  return { plain: median(pairs.map((p) => p.plain)), encrypted: median(pairs.map((p) => p.encrypted)) };
}

async function step(size: number, label: string, work: () => Promise<MeasuredOperation>): Promise<MeasuredOperation> {
  log(`${count(size)}: ${label}…`);
  const result = await work();
  log(`${count(size)}: ${label} ${seconds(result.wallMs)}, peak RSS ${(result.peakRssBytes / MIB).toFixed(0)} MiB`);
  return result;
}

function renderReport(results: readonly SizeFigures[], ferretDbVersion: string, command: string): string {
  const machine = describeMachine(ferretDbVersion);
  const lines = [
    '# Encryption benchmark (issue 9)',
    '',
    `Command: \`${command}\`, ${new Date().toISOString()}`,
    '',
    `Machine: ${JSON.stringify(machine)}`,
    '',
    `Goals: encrypted ≤ ${RATIO_GOAL}x of unencrypted (at 100,000 documents), peak RSS < 200 MiB. Median of the runs; all runs in the last column.`,
    '',
    '| documents | operation | unencrypted | encrypted | ratio | goal | peak RSS unencrypted (median run) | peak RSS encrypted (highest run) | archive size | runs (s, unencrypted / encrypted) |',
    '|---:|---|---:|---:|---:|---|---:|---:|---:|---|',
  ];
  for (const r of results) {
    for (const operation of ['backup', 'restore'] as const) {
      const { plain, encrypted } = r[operation];
      const factor = encrypted.wallMs / plain.wallMs;
      // The RSS goal is judged on the highest peak of all encrypted runs, not the median's.
      const encryptedPeak = Math.max(...r.runs[operation].map((p) => p.encrypted.peakRssBytes));
      const rssOk = encryptedPeak < RSS_GOAL_BYTES;
      const goal = `${factor <= RATIO_GOAL ? 'met' : 'missed'} (time), ${rssOk ? 'met' : 'missed'} (RSS)`;
      const sizes = operation === 'backup' ? `${megabytes(plain.archiveBytes ?? 0)} / ${megabytes(encrypted.archiveBytes ?? 0)}` : '';
      const runs = r.runs[operation].map((p) => `${(p.plain.wallMs / 1000).toFixed(2)} / ${(p.encrypted.wallMs / 1000).toFixed(2)}`).join('; ');
      lines.push(
        `| ${count(r.size)} | ${operation} | ${seconds(plain.wallMs)} | ${seconds(encrypted.wallMs)} | ${ratio(factor)} | ${goal} | ` +
          `${(plain.peakRssBytes / MIB).toFixed(0)} MiB | ${(encryptedPeak / MIB).toFixed(0)} MiB | ${sizes} | ${runs} |`,
      );
    }
  }
  lines.push(
    '',
    'Backup encrypted: zip written as a temporary file and read back whole, streamed through age into the `.zip.age`, read back against size and SHA-256, sidecar. ' +
      'Restore encrypted: decrypted into a private temporary zip (age checks every chunk), then the same restore as for a plain zip; its safety archive is encrypted too.',
    '',
  );
  return lines.join('\n');
}

runBench(() => main(process.argv.slice(2)), log);
