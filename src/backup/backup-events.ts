import type { BackupKind } from '../archive/backup-name.js';

/** What the engine reports; the log, mail and pages subscribe to these. */
export type BackupEvent =
  | { type: 'backup.started'; kind: BackupKind; actor?: string }
  | { type: 'backup.succeeded'; kind: BackupKind; name: string; size: number; documents: number; durationMs: number; actor?: string }
  | { type: 'backup.failed'; kind: BackupKind; reason: string; actor?: string }
  | { type: 'backup.snapshot-expired'; reason: string }
  | { type: 'backup.pruned'; removed: readonly string[]; tempFilesRemoved: readonly string[] }
  | { type: 'backup.prune-failed'; reason: string }
  | { type: 'backup.deleted'; name: string; actor?: string }
  | { type: 'restore.started'; source: string; collections: readonly string[]; actor?: string }
  | { type: 'restore.succeeded'; source: string; preRestoreBackup: string; documents: number; durationMs: number; actor?: string }
  | { type: 'restore.failed'; source: string; step: RestoreStep; reason: string; preRestoreBackup?: string; actor?: string }
  | { type: 'restore.recovered'; outcome: 'rolled-back' | 'completed' | 'cleaned'; collections: readonly string[] }
  | { type: 'lock.taken-over'; from: string; purpose: string };

export type RestoreStep = 'verify' | 'pre-restore' | 'load' | 'swap' | 'cleanup';

export type EventSink = (event: BackupEvent) => void;

export interface OperationProgress {
  readonly operation: 'backup' | 'restore';
  readonly phase: 'backup' | 'verify' | 'pre-restore' | 'load' | 'swap';
  readonly collection?: string;
  readonly documentsDone: number;
  readonly documentsTotal: number;
}

export type ProgressListener = (progress: OperationProgress) => void;
