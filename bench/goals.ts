import { millis, megabytes, ratio } from './format.js';
import type { BenchResults, SizeResult } from './results.js';

export type Verdict = 'met' | 'not met' | 'not judged';

export interface GoalResult {
  readonly goal: string;
  readonly verdict: Verdict;
  readonly detail: string;
}

const BACKUP_VS_LIMIT = 1.3;
const RSS_LIMIT_BYTES = 200e6;
const RSS_GOAL_SIZE = 1_000_000;
const EVENT_LOOP_P99_MS = 50;

const sizeLabel = (r: SizeResult) => r.size.toLocaleString('en-US');
const all = (results: readonly SizeResult[], ok: (r: SizeResult) => boolean): Verdict => (results.every(ok) ? 'met' : 'not met');

/** The issue's goals, each judged on every size measured. */
export function judgeGoals(bench: BenchResults): GoalResult[] {
  const { results, mongoTools } = bench;
  const toolsMissing = mongoTools.available ? undefined : `mongodump/mongorestore not available (${mongoTools.reason})`;
  const withDump = results.filter((r) => r.mongodump);
  const withRestore = results.filter((r) => r.mongorestore);
  const largest = results[results.length - 1];
  const atGoalSize = results.find((r) => r.size === RSS_GOAL_SIZE);

  return [
    {
      goal: `backup within ${BACKUP_VS_LIMIT}x of the cursor-drain limit`,
      verdict: all(results, (r) => r.backup.wallMs / r.limit.wallMs <= BACKUP_VS_LIMIT),
      detail: results.map((r) => `${sizeLabel(r)}: ${ratio(r.backup.wallMs / r.limit.wallMs)}`).join(', '),
    },
    {
      goal: 'backup no slower than mongodump --gzip',
      verdict: withDump.length === 0 ? 'not judged' : all(withDump, (r) => r.backup.wallMs <= r.mongodump!.wallMs),
      detail:
        withDump.length === 0
          ? (toolsMissing ?? 'mongodump failed at every size')
          : withDump.map((r) => `${sizeLabel(r)}: ours/mongodump ${ratio(r.backup.wallMs / r.mongodump!.wallMs)}`).join(', '),
    },
    {
      goal: 'restore no slower than mongorestore',
      verdict: withRestore.length === 0 ? 'not judged' : all(withRestore, (r) => r.restore.wallMs <= r.mongorestore!.wallMs),
      detail:
        withRestore.length === 0
          ? (toolsMissing ?? 'mongorestore failed at every size')
          : withRestore.map((r) => `${sizeLabel(r)}: ours/mongorestore ${ratio(r.restore.wallMs / r.mongorestore!.wallMs)}`).join(', '),
    },
    rssGoal(atGoalSize, largest),
    {
      goal: `event-loop delay p99 under ${EVENT_LOOP_P99_MS} ms during a backup`,
      verdict: all(results, (r) => r.backup.eventLoopP99Ms < EVENT_LOOP_P99_MS),
      detail: results.map((r) => `${sizeLabel(r)}: ${millis(r.backup.eventLoopP99Ms)}`).join(', '),
    },
  ];
}

function rssGoal(atGoalSize: SizeResult | undefined, largest: SizeResult | undefined): GoalResult {
  const goal = `peak RSS under ${RSS_LIMIT_BYTES / 1e6} MB at ${RSS_GOAL_SIZE.toLocaleString('en-US')} documents (backup and restore)`;
  const peaks = (r: SizeResult) => `backup ${megabytes(r.backup.peakRssBytes)}, restore ${megabytes(r.restore.peakRssBytes)}`;
  if (!atGoalSize) {
    return {
      goal,
      verdict: 'not judged',
      detail: `size ${RSS_GOAL_SIZE.toLocaleString('en-US')} not in this run${largest ? `; at ${sizeLabel(largest)}: ${peaks(largest)}` : ''}`,
    };
  }
  const ok = Math.max(atGoalSize.backup.peakRssBytes, atGoalSize.restore.peakRssBytes) < RSS_LIMIT_BYTES;
  return { goal, verdict: ok ? 'met' : 'not met', detail: peaks(atGoalSize) };
}
