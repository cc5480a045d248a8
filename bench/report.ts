import { count, docsPerSecond, mbPerSecond, megabytes, millis, ratio, seconds } from './format.js';
import { judgeGoals } from './goals.js';
import type { BenchResults, SizeResult } from './results.js';
import type { RestorePhases } from './operation-types.js';
import type { MeasuredOperation } from './run-operation.js';

type Row = readonly [label: string, cell: (r: SizeResult) => string];

const cpu = (op: MeasuredOperation) =>
  `${seconds(op.cpuUserMs + op.cpuSystemMs)} / ${op.ferretCpuMs === undefined ? 'n/a' : seconds(op.ferretCpuMs)}`;
const rss = (op: MeasuredOperation) => `${megabytes(op.peakRssBytes)} (idle ${megabytes(op.baselineRssBytes)})`;
const heap = (op: MeasuredOperation) => `${megabytes(op.peakHeapUsedBytes)} / ${megabytes(op.peakExternalBytes)}`;
const loop = (op: MeasuredOperation) => `${millis(op.eventLoopP99Ms)} (max ${millis(op.eventLoopMaxMs)})`;
const missing = (r: SizeResult) => r.mongoToolsFailure ?? 'n/a';

const ROWS: readonly Row[] = [
  ['Seeding (demo-data generator)', (r) => seconds(r.seedMs)],
  ['**Limit**: drain every cursor (raw BSON, batch 1000)', (r) => seconds(r.limit.wallMs)],
  ['Limit: docs/s', (r) => docsPerSecond(r.limit.documents, r.limit.wallMs)],
  ['Limit: MB/s of BSON', (r) => mbPerSecond(r.limit.bytes, r.limit.wallMs)],
  ['Limit: each run', (r) => r.limitRunsMs.map(seconds).join(', ')],
  ['Limit: peak RSS', (r) => rss(r.limit)],
  ['Limit: peak JS heap / external', (r) => heap(r.limit)],
  ['Limit: CPU Node / FerretDB', (r) => cpu(r.limit)],
  ['**Backup** (createBackup)', (r) => seconds(r.backup.wallMs)],
  ['Backup: docs/s', (r) => docsPerSecond(r.backup.documents, r.backup.wallMs)],
  ['Backup: MB/s of Extended JSON written', (r) => mbPerSecond(r.backup.bytes, r.backup.wallMs)],
  ['Backup / limit', (r) => ratio(r.backup.wallMs / r.limit.wallMs)],
  ['Archive size (Extended JSON)', (r) => `${megabytes(r.backup.archiveBytes ?? 0)} (${megabytes(r.backup.bytes)})`],
  ['Backup: peak RSS', (r) => rss(r.backup)],
  ['Backup: peak JS heap / external', (r) => heap(r.backup)],
  ['Backup: event loop p99', (r) => loop(r.backup)],
  ['Backup: CPU Node / FerretDB', (r) => cpu(r.backup)],
  ['mongodump --archive --gzip', (r) => (r.mongodump ? seconds(r.mongodump.wallMs) : missing(r))],
  ['mongodump: archive size', (r) => (r.mongodump ? megabytes(r.mongodump.archiveBytes) : 'n/a')],
  ['Backup / mongodump', (r) => (r.mongodump ? ratio(r.backup.wallMs / r.mongodump.wallMs) : 'n/a')],
  ['**Restore** (restoreBackup)', (r) => seconds(r.restore.wallMs)],
  ['Restore: docs/s', (r) => docsPerSecond(r.restore.documents, r.restore.wallMs)],
  ['Restore: MB/s of Extended JSON read', (r) => mbPerSecond(r.restore.bytes, r.restore.wallMs)],
  ['Restore: verify / load / swap', (r) => phases(r.restore, (p) => [p.verifyMs, p.loadMs, p.swapMs])],
  ['Restore: **restored data live after** (critical path)', (r) => phases(r.restore, (p) => [p.liveMs])],
  ['Restore: then safety archive of the replaced data / cleanup', (r) => phases(r.restore, (p) => [p.safetyArchiveMs, p.cleanupMs])],
  ['Restore: load only, docs/s', (r) => (r.restore.phases ? docsPerSecond(r.restore.documents, r.restore.phases.loadMs) : 'n/a')],
  ['Restore: peak RSS', (r) => rss(r.restore)],
  ['Restore: peak JS heap / external', (r) => heap(r.restore)],
  ['Restore: event loop p99', (r) => loop(r.restore)],
  ['Restore: CPU Node / FerretDB', (r) => cpu(r.restore)],
  ['mongorestore --archive --gzip --drop', (r) => (r.mongorestore ? seconds(r.mongorestore.wallMs) : missing(r))],
  ['Restore / mongorestore', (r) => (r.mongorestore ? ratio(r.restore.wallMs / r.mongorestore.wallMs) : 'n/a')],
  ['List 10 backups (listBackups, median of 5)', (r) => millis(r.listTenMs)],
];

function phases(op: MeasuredOperation, pick: (p: RestorePhases) => number[]): string {
  return op.phases ? pick(op.phases).map(seconds).join(' / ') : 'n/a';
}

export function resultsTable(results: readonly SizeResult[]): string {
  const header = `| documents | ${results.map((r) => count(r.size)).join(' | ')} |`;
  const rule = `|---|${results.map(() => '---:').join('|')}|`;
  const rows = ROWS.map(([label, cell]) => `| ${label} | ${results.map(cell).join(' | ')} |`);
  return [header, rule, ...rows].join('\n');
}

/** How peak RSS grows from the smallest to the largest size (the goal: flat). */
function rssGrowth(results: readonly SizeResult[]): string[] {
  const first = results[0];
  const last = results[results.length - 1];
  if (!first || !last || first === last) return [];
  const growth = (label: string, pick: (r: SizeResult) => number) => {
    const a = pick(first);
    const b = pick(last);
    return (
      `- ${label} peak RSS from ${count(first.size)} to ${count(last.size)} documents (x${count(last.size / first.size)}): ` +
      `${megabytes(a)} -> ${megabytes(b)} (${b >= a ? '+' : ''}${megabytes(b - a)}, x${(b / a).toFixed(2)})`
    );
  };
  return [growth('Backup', (r) => r.backup.peakRssBytes), growth('Restore', (r) => r.restore.peakRssBytes)];
}

export function renderReport(bench: BenchResults, plotFile: string | undefined): string {
  const { machine, mongoTools } = bench;
  const tools = mongoTools.available
    ? `mongodump/mongorestore ${mongoTools.version} (built from the Go module proxy, CGO_ENABLED=0)`
    : `mongodump/mongorestore: not available (${mongoTools.reason})`;
  const goals = judgeGoals(bench);
  return [
    '# scandy-backup benchmark',
    '',
    `- Date: ${bench.date.toISOString()}`,
    `- Command: \`${bench.command}\``,
    `- CPU: ${machine.cpu}, ${machine.cores} cores; memory ${(machine.memoryBytes / 2 ** 30).toFixed(1)} GiB`,
    `- Node.js ${machine.node}; FerretDB ${machine.ferretDb}; ${machine.os}`,
    `- ${tools}`,
    '',
    '## Results',
    '',
    resultsTable(bench.results),
    '',
    ...rssGrowth(bench.results),
    '',
    '## Goals',
    '',
    ...goals.map((g) => `- ${g.goal}: **${g.verdict}** (${g.detail})`),
    '',
    '## How to read this',
    '',
    '- Each drain, backup and restore runs in its own Node process (bench/measure-operation.ts); time, RSS, event loop and CPU are that process\'s, seeding stays out.',
    '- Limit: the fastest of the cursor-drain runs (one before, one after the backup). Backup / limit is wall time over wall time.',
    '- Restore is verify + load into staging collections (index builds included) + swap, after which the restored data is live (the critical path), then the safety backup of the replaced data (a full backup read from the collections kept aside, verified) and cleanup; it is not comparable with the limit.',
    '- MB = 10^6 bytes. Peak RSS = max(RSS sampled every 20 ms, resourceUsage().maxRSS); "idle" is the RSS right before the operation. JS heap / external: peaks of memoryUsage().heapUsed and .external (Buffers, zlib) in the same samples.',
    '- Event-loop delay: monitorEventLoopDelay with 10 ms resolution; its values include the 10 ms interval itself (an idle loop shows about 10.4 ms).',
    '- CPU Node / FerretDB: user+system CPU of the measuring process and of the FerretDB server during the operation; their sum against wall time (and the number of cores) shows who waits for whom.',
    ...(plotFile ? ['', `![time and peak RSS against size](${plotFile})`] : []),
    '',
  ].join('\n');
}
