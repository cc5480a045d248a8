import type { Machine } from './machine.js';
import type { MongoTools, ToolRun } from './mongo-tools.js';
import type { MeasuredOperation } from './run-operation.js';

/** mongorestore of the documents, then createIndexes of the same definitions: wallMs is both. */
export interface ToolRestore extends ToolRun {
  readonly documentsMs: number;
  readonly indexMs: number;
}

/** Everything measured at one data size; with repeats, the run of median wall time and every run's time. */
export interface SizeResult {
  readonly size: number;
  readonly seedMs: number;
  /** One-minute load average of the machine before and after this size. */
  readonly loadAverage: readonly [before: number, after: number];
  /** The fastest of the cursor-drain runs (the yardstick). */
  readonly limit: MeasuredOperation;
  readonly limitRunsMs: readonly number[];
  /** The fastest drain of two collections at a time, each read to its end (a looser bound than what the backup reads). */
  readonly limitTwoAtOnce: MeasuredOperation;
  readonly backup: MeasuredOperation;
  readonly backupRunsMs: readonly number[];
  readonly restore: MeasuredOperation;
  readonly restoreRunsMs: readonly number[];
  /** listBackups over 10 copies of this size's archive, median of 5 runs. */
  readonly listTenMs: number;
  readonly mongodump?: ToolRun & { readonly archiveBytes: number };
  readonly mongodumpRunsMs?: readonly number[];
  readonly mongorestore?: ToolRestore;
  readonly mongorestoreRunsMs?: readonly number[];
  /** Why mongodump/mongorestore have no figures at this size although they were available. */
  readonly mongoToolsFailure?: string;
}

/** Documents in the database whose backup shows the fixed cost. */
export const FIXED_COST_DOCUMENTS = 100;

/** Backups of 100 demo documents (nine collections, their indexes): what a backup costs besides its data. */
export interface FixedCost {
  /** The first backup in a fresh process, then each further one. */
  readonly runsMs: readonly number[];
  /** Cursor drain of the same 100 documents. */
  readonly drainMs: number;
}

export interface BenchResults {
  readonly date: Date;
  readonly command: string;
  readonly machine: Machine;
  readonly mongoTools: MongoTools;
  readonly fixedCost: FixedCost;
  readonly results: readonly SizeResult[];
}
