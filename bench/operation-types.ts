/** Encryption of the engine in the child: new archives to `recipients`; `identityFile` read as with --identity. */
export interface EncryptionSpec {
  readonly recipients: readonly string[];
  readonly identityFile?: string;
}

/** What the orchestrator asks a measuring child process to do. */
export type OperationSpec =
  /** `lanes`: collections drained at once (default 1: the limit). */
  | { readonly operation: 'drain'; readonly uri: string; readonly dbName: string; readonly lanes?: number }
  | { readonly operation: 'backup'; readonly uri: string; readonly dbName: string; readonly backupDir: string; readonly encryption?: EncryptionSpec }
  /** Several backups of a tiny database in one process: what a backup costs besides its data. */
  | { readonly operation: 'fixed-cost'; readonly uri: string; readonly dbName: string; readonly backupDir: string; readonly runs: number }
  | {
      readonly operation: 'restore';
      readonly uri: string;
      readonly dbName: string;
      readonly backupDir: string;
      readonly backupName: string;
      readonly encryption?: EncryptionSpec;
    };

export type OperationName = OperationSpec['operation'];

/** Event-loop delay of a restore is also reported apart for the critical path and for what follows the swap. */
export const RESTORE_PARTS = { live: 'until live', safety: 'safety archive and cleanup' } as const;

export interface EventLoopFigures {
  readonly p99Ms: number;
  readonly maxMs: number;
}

/** How the process doing the work behaved (see process-meter.ts). */
export interface ProcessFigures {
  /** max(sampled RSS every 20 ms, resourceUsage().maxRSS) */
  readonly peakRssBytes: number;
  readonly sampledPeakRssBytes: number;
  readonly maxRssBytes: number;
  /** RSS right before the operation started (connected, idle). */
  readonly baselineRssBytes: number;
  /** Peaks of process.memoryUsage().heapUsed and .external (Buffers, zlib) among the 20 ms samples. */
  readonly peakHeapUsedBytes: number;
  readonly peakExternalBytes: number;
  /** monitorEventLoopDelay (resolution 10 ms); the value includes the 10 ms interval itself. */
  readonly eventLoopP99Ms: number;
  readonly eventLoopMaxMs: number;
  /** The same for parts of the operation (restore: until the data is live, then the safety archive). */
  readonly eventLoopParts: Readonly<Record<string, EventLoopFigures>>;
  readonly cpuUserMs: number;
  readonly cpuSystemMs: number;
}

/** Where a restore spends its time, from the engine's progress reports. */
export interface RestorePhases {
  readonly verifyMs: number;
  /** Into staging collections, index builds included. */
  readonly loadMs: number;
  readonly swapMs: number;
  /** The critical path: until the restored data is live (verify + load + swap). */
  readonly liveMs: number;
  /** After the swap: the safety archive of the replaced data, written from the collections kept aside and verified. */
  readonly safetyArchiveMs: number;
  /** Dropping the replaced collections. */
  readonly cleanupMs: number;
}

/** The one JSON line a measuring child prints. */
export interface OperationFigures extends ProcessFigures {
  readonly operation: OperationName;
  readonly wallMs: number;
  readonly documents: number;
  /** backup/restore: sum of the manifest `bytes` (Extended JSON); drain: BSON bytes received. */
  readonly bytes: number;
  /** backup only */
  readonly archiveBytes?: number;
  readonly backupName?: string;
  readonly archivePath?: string;
  /** restore only */
  readonly phases?: RestorePhases;
  /** fixed-cost only: each backup's wall time, the first one in a fresh process */
  readonly runsMs?: readonly number[];
}
