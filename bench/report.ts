import { count, docsPerSecond, mbPerSecond, megabytes, millis, ratio, seconds } from './format.js';
import { fixedCostFigures, judgeGoals } from './goals.js';
import { NOT_FOUND } from './mongo-tools.js';
import { RESTORE_PARTS, type RestorePhases } from './operation-types.js';
import type { BenchResults, FixedCost, SizeResult } from './results.js';
import type { MeasuredOperation } from './run-operation.js';

type Row = readonly [label: string, cell: (r: SizeResult) => string];

const cpu = (op: MeasuredOperation) =>
  `${seconds(op.cpuUserMs + op.cpuSystemMs)} / ${op.ferretCpuMs === undefined ? 'n/a' : seconds(op.ferretCpuMs)}`;
const rss = (op: MeasuredOperation) => `${megabytes(op.peakRssBytes)} (idle ${megabytes(op.baselineRssBytes)})`;
const heap = (op: MeasuredOperation) => `${megabytes(op.peakHeapUsedBytes)} / ${megabytes(op.peakExternalBytes)}`;
const loop = (op: MeasuredOperation) => `${millis(op.eventLoopP99Ms)} (max ${millis(op.eventLoopMaxMs)})`;
const loopPart = (op: MeasuredOperation, part: string) => {
  const figures = op.eventLoopParts[part];
  return figures ? `${millis(figures.p99Ms)} (max ${millis(figures.maxMs)})` : 'n/a';
};
const runs = (times: readonly number[] | undefined) => (times && times.length > 0 ? times.map(seconds).join(', ') : 'n/a');
/** A tool's cell: its figure, or why there is none. */
const tool = (r: SizeResult, value: string | undefined) => value ?? r.mongoToolsFailure ?? NOT_FOUND;
const phases = (op: MeasuredOperation, pick: (p: RestorePhases) => number[]) => (op.phases ? pick(op.phases).map(seconds).join(' / ') : 'n/a');

const ROWS: readonly Row[] = [
  ['Seeding (demo-data generator)', (r) => seconds(r.seedMs)],
  ['Load average (1 min) before / after this size', (r) => r.loadAverage.map((l) => l.toFixed(2)).join(' / ')],
  ['**Limit**: drain every cursor (raw BSON, batch 1000), fastest run', (r) => seconds(r.limit.wallMs)],
  ['Limit: each run', (r) => runs(r.limitRunsMs)],
  ['Limit: MB/s of BSON', (r) => mbPerSecond(r.limit.bytes, r.limit.wallMs)],
  ['Limit: peak RSS', (r) => rss(r.limit)],
  ['Limit: CPU Node / FerretDB', (r) => cpu(r.limit)],
  ['Drain of two collections at a time, each read to its end, fastest run', (r) => seconds(r.limitTwoAtOnce.wallMs)],
  ['**mongodump --archive --gzip**, median run', (r) => tool(r, r.mongodump && seconds(r.mongodump.wallMs))],
  ['mongodump: each run', (r) => tool(r, r.mongodumpRunsMs && runs(r.mongodumpRunsMs))],
  ['mongodump: peak RSS', (r) => tool(r, r.mongodump?.peakRssBytes === undefined ? undefined : megabytes(r.mongodump.peakRssBytes))],
  ['**Backup** (createBackup), median run', (r) => seconds(r.backup.wallMs)],
  ['Backup − limit', (r) => seconds(r.backup.wallMs - r.limit.wallMs)],
  ['Backup: each run', (r) => runs(r.backupRunsMs)],
  ['Backup: docs/s', (r) => docsPerSecond(r.backup.documents, r.backup.wallMs)],
  ['Backup / limit', (r) => ratio(r.backup.wallMs / r.limit.wallMs)],
  ['Backup / drain of two at a time', (r) => ratio(r.backup.wallMs / r.limitTwoAtOnce.wallMs)],
  ['Backup / mongodump', (r) => tool(r, r.mongodump && ratio(r.backup.wallMs / r.mongodump.wallMs))],
  ['Backup: peak RSS', (r) => rss(r.backup)],
  ['Backup: peak JS heap / external', (r) => heap(r.backup)],
  ['Backup: event loop p99', (r) => loop(r.backup)],
  ['Backup: CPU Node / FerretDB', (r) => cpu(r.backup)],
  ['Archive: our zip (its Extended JSON) / mongodump gzip', (r) => `${megabytes(r.backup.archiveBytes ?? 0)} (${megabytes(r.backup.bytes)}) / ${tool(r, r.mongodump && megabytes(r.mongodump.archiveBytes))}`],
  ['**mongorestore** --drop --noIndexRestore, then createIndexes, median run', (r) => tool(r, r.mongorestore && seconds(r.mongorestore.wallMs))],
  ['mongorestore: documents / index builds', (r) => tool(r, r.mongorestore && `${seconds(r.mongorestore.documentsMs)} / ${seconds(r.mongorestore.indexMs)}`)],
  ['mongorestore: each run', (r) => tool(r, r.mongorestoreRunsMs && runs(r.mongorestoreRunsMs))],
  ['mongorestore: peak RSS', (r) => tool(r, r.mongorestore?.peakRssBytes === undefined ? undefined : megabytes(r.mongorestore.peakRssBytes))],
  ['**Restore** (restoreBackup) incl. safety archive, median run', (r) => seconds(r.restore.wallMs)],
  ['Restore: each run', (r) => runs(r.restoreRunsMs)],
  ['Restore: verify / load (incl. index builds) / swap', (r) => phases(r.restore, (p) => [p.verifyMs, p.loadMs, p.swapMs])],
  ['Restore: **restored data live after** (critical path)', (r) => phases(r.restore, (p) => [p.liveMs])],
  ['Restore: then safety archive of the replaced data / cleanup', (r) => phases(r.restore, (p) => [p.safetyArchiveMs, p.cleanupMs])],
  ['Restore / mongorestore', (r) => tool(r, r.mongorestore && ratio(r.restore.wallMs / r.mongorestore.wallMs))],
  ['Restore load phase / mongorestore', (r) => tool(r, r.mongorestore && r.restore.phases && ratio(r.restore.phases.loadMs / r.mongorestore.wallMs))],
  ['Restore: load only, docs/s', (r) => (r.restore.phases ? docsPerSecond(r.restore.documents, r.restore.phases.loadMs) : 'n/a')],
  ['Restore: peak RSS', (r) => rss(r.restore)],
  ['Restore: peak JS heap / external', (r) => heap(r.restore)],
  ['Restore: event loop p99, whole', (r) => loop(r.restore)],
  [`Restore: event loop p99, ${RESTORE_PARTS.live} / ${RESTORE_PARTS.safety}`, (r) => `${loopPart(r.restore, RESTORE_PARTS.live)} / ${loopPart(r.restore, RESTORE_PARTS.safety)}`],
  ['Restore: CPU Node / FerretDB', (r) => cpu(r.restore)],
  ['List 10 backups (listBackups, median of 5)', (r) => millis(r.listTenMs)],
];

export function resultsTable(results: readonly SizeResult[]): string {
  const header = `| documents | ${results.map((r) => count(r.size)).join(' | ')} |`;
  const rule = `|---|${results.map(() => '---:').join('|')}|`;
  const rows = ROWS.map(([label, cell]) => `| ${label} | ${results.map(cell).join(' | ')} |`);
  return [header, rule, ...rows].join('\n');
}

function fixedCostLine(fixed: FixedCost): string {
  const { first, warm } = fixedCostFigures(fixed);
  return (
    `Fixed cost of a backup (100 demo documents in the nine collections with their indexes: lock, listCollections, $collStats, ` +
    `listIndexes, one cursor per collection, zip, fsync, prune): ${millis(first)} for the first backup in a fresh process, ` +
    `${millis(warm)} for each further one (median of ${fixed.runsMs.length - 1}); draining the same cursors takes ${millis(fixed.drainMs)}. ` +
    `Every run: ${fixed.runsMs.map(millis).join(', ')}.`
  );
}

export function renderReport(bench: BenchResults, plotFile: string | undefined): string {
  const { machine, mongoTools } = bench;
  const tools = mongoTools.available
    ? `mongodump/mongorestore ${mongoTools.version} (MongoDB Database Tools, static build from ${mongoTools.dir})`
    : `mongodump/mongorestore: ${mongoTools.reason}`;
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
    fixedCostLine(bench.fixedCost),
    '',
    '## Goals',
    '',
    ...goals.map((g) => `- ${g.goal}: **${g.verdict}** (${g.detail})`),
    '',
    '## How to read this',
    '',
    '- One FerretDB, one database per size, seeded once by the demo-data generator; every contender reads or replaces that same data. Backup, drain, mongodump and the restores are interleaved run by run, so load from other processes on the shared machine falls on all of them; the load average is in the table. Times are the median run (the drain: the fastest), with every run listed.',
    "- Each drain, backup and restore runs in its own Node process (bench/measure-operation.ts); time, RSS, event loop and CPU are that process's, seeding stays out. mongodump and mongorestore are separate processes; their peak RSS is VmHWM.",
    '- Backup / limit is wall time over wall time. mongodump writes one gzip archive of the same database; our backup writes the zip with the manifest, and checks every line reads back to the very same BSON.',
    '- The limit drains one collection after another, as the goal defines it. The backup reads the next collection while it converts one (FerretDB serves two cursors faster than one), so a drain of two collections at a time is shown beside it. It is a looser bound than what the backup reads: both of its lanes read to the end, while the backup reads at most 2 MiB of the next collection ahead of the one it converts.',
    '- mongorestore: FerretDB refuses the index definitions mongorestore sends (option `ns`, also into another database with --nsFrom/--nsTo), so it runs with `--drop --noIndexRestore` into the same database, and the same secondary indexes are then built with createIndexes (timed, included). It replaces each collection in place; our restore loads staging collections, swaps them in, keeps the replaced data aside and writes and verifies a safety archive of it.',
    '- Restore: verify is the check of the archive before anything is written (structure, manifest, sizes); load reads the archive once, checking every line, count and SHA-256 while it fills staging collections, and builds their indexes; swap renames them in only once every entry is verified; then the restored data is live (the critical path). After that: the safety archive of the replaced data (a backup read from the collections kept aside, verified) and the cleanup.',
    '- MB = 10^6 bytes (200 MiB = 209.7 MB). Peak RSS = max(RSS sampled every 20 ms, resourceUsage().maxRSS); "idle" is the RSS right before the operation. JS heap / external: peaks of memoryUsage().heapUsed and .external (Buffers, zlib) in the same samples.',
    '- Event-loop delay: monitorEventLoopDelay with 10 ms resolution; its values include the 10 ms interval itself (an idle loop shows about 10.4 ms).',
    '- CPU Node / FerretDB: user+system CPU of the measuring process and of the FerretDB server during the operation; their sum against wall time (and the number of cores) shows who waits for whom.',
    ...(plotFile ? ['', `![time and peak RSS against size](${plotFile})`] : []),
    '',
  ].join('\n');
}
