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
  | {
      type: 'restore.succeeded';
      source: string;
      /** Absent while the safety archive of the replaced data is still pending (then `safetyPending` says why). */
      preRestoreBackup?: string;
      safetyPending?: string;
      documents: number;
      durationMs: number;
      actor?: string;
    }
  | { type: 'restore.failed'; source: string; step: RestoreStep; reason: string; actor?: string }
  | { type: 'restore.recovered'; outcome: 'rolled-back' | 'cleaned'; collections: readonly string[] }
  /** The safety archive of the data a restore replaced could not be written (yet); the replaced data stays aside. */
  | { type: 'restore.safety-pending'; source: string; reason: string; attempt: number; keptIn: readonly string[]; actor?: string }
  /** A pending safety archive was written and verified later, and the replaced data kept aside was dropped. */
  | { type: 'restore.safety-written'; source: string; name: string; actor?: string }
  /** Documents the app wrote during a restore that a unique index refused to merge; kept in a collection of their own. */
  | { type: 'restore.writes-kept-apart'; collection: string; keptIn: string; documents: number }
  | { type: 'lock.taken-over'; from: string; purpose: string }
  /** The restore drill: a backup restored into the scratch database and compared with its archive. */
  | { type: 'drill.started'; backup: string; actor: string }
  | { type: 'drill.succeeded'; backup: string; documents: number; durationMs: number; actor: string }
  | { type: 'drill.failed'; backup: string; documents: number; durationMs: number; reason: string; actor: string };

/** In this order; the restored data is live once 'swap' is done, the safety archive ('pre-restore') comes after. */
export type RestoreStep = 'verify' | 'load' | 'swap' | 'pre-restore' | 'cleanup';

export type EventSink = (event: BackupEvent) => void;

export interface OperationProgress {
  readonly operation: 'backup' | 'restore';
  readonly phase: 'backup' | RestoreStep;
  readonly collection?: string;
  readonly documentsDone: number;
  readonly documentsTotal: number;
}

export type ProgressListener = (progress: OperationProgress) => void;
