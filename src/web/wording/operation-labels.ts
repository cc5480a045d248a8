import { BACKUP_KINDS, KIND_LABELS, type BackupKind } from '../../archive/backup-name.js';

/** The scheduler's triggers (src/scheduler/backup-scheduler.ts), the CLI's actor, and the recorder's stand-in for nobody. */
const SCHEDULE = 'Zeitplan';
const CATCH_UP = 'Nachholen';
const CLI = 'CLI';
const NOBODY = 'manuell';

/** "von admin@example.org", "über die Kommandozeile", or nothing when nobody in particular started it. */
function byWhom(actor: string | undefined): string | undefined {
  if (!actor || actor === NOBODY || actor === SCHEDULE) return undefined;
  if (actor === CATCH_UP) return 'nachgeholt';
  if (actor === CLI) return 'über die Kommandozeile';
  return `von ${actor}`;
}

/** "Backup (automatisch)", "Backup (automatisch, nachgeholt)", "Backup (manuell, von admin@example.org)". */
export function backupLabel(kind: BackupKind, actor: string | undefined): string {
  const who = byWhom(actor);
  return `Backup (${KIND_LABELS[kind]}${who ? `, ${who}` : ''})`;
}

export interface OperationSummary {
  readonly operation: 'backup' | 'restore';
  /** The backup kind, or the backup being restored. */
  readonly subject: string;
  readonly actor: string;
}

const isBackupKind = (value: string): value is BackupKind => (BACKUP_KINDS as readonly string[]).includes(value);

/** A running or finished operation as the pages name it. */
export function operationLabel(op: OperationSummary): string {
  if (op.operation === 'restore') {
    const who = byWhom(op.actor);
    return `Wiederherstellung aus ${op.subject}${who ? ` (${who})` : ''}`;
  }
  return backupLabel(isBackupKind(op.subject) ? op.subject : 'manual', op.actor);
}

/** The scheduler's last run knows only its trigger: the schedule, a catch-up, or who started a manual backup. */
export function runLabel(trigger: string): string {
  return backupLabel(trigger === SCHEDULE || trigger === CATCH_UP ? 'auto' : 'manual', trigger);
}
