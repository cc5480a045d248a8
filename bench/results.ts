import type { Machine } from './machine.js';
import type { MongoTools, ToolRun } from './mongo-tools.js';
import type { MeasuredOperation } from './run-operation.js';

/** Everything measured at one data size. */
export interface SizeResult {
  readonly size: number;
  readonly seedMs: number;
  /** The fastest of the cursor-drain runs (the yardstick). */
  readonly limit: MeasuredOperation;
  readonly limitRunsMs: readonly number[];
  readonly backup: MeasuredOperation;
  readonly restore: MeasuredOperation;
  /** listBackups over 10 copies of this size's archive, median of 5 runs. */
  readonly listTenMs: number;
  readonly mongodump?: ToolRun & { readonly archiveBytes: number };
  readonly mongorestore?: ToolRun;
  /** Why mongodump/mongorestore have no figures at this size although they were available. */
  readonly mongoToolsFailure?: string;
}

export interface BenchResults {
  readonly date: Date;
  readonly command: string;
  readonly machine: Machine;
  readonly mongoTools: MongoTools;
  readonly results: readonly SizeResult[];
}
