import { KIND_LABELS, type BackupKind } from '../archive/backup-name.js';
import type { BackupEvent } from '../backup/backup-events.js';
import { formatBytes, formatDocuments, formatDuration } from '../shared/human-units.js';

const RECOVERY_OUTCOMES = {
  'rolled-back': 'auf den alten Stand zurückgesetzt',
  cleaned: 'Reste entfernt, Daten unverändert',
} as const;

/** The German log line for an engine event. */
export function describeBackupEvent(event: BackupEvent): string {
  switch (event.type) {
    case 'backup.started':
      return `Backup gestartet (${origin(event.kind, event.actor)})`;
    case 'backup.succeeded':
      return (
        `Backup erfolgreich: ${event.name} ` +
        `(${formatBytes(event.size)}, ${formatDocuments(event.documents)}, ${formatDuration(event.durationMs)})`
      );
    case 'backup.failed':
      return `Backup fehlgeschlagen: ${event.reason} (${origin(event.kind, event.actor)})`;
    case 'backup.snapshot-expired':
      return `Snapshot abgelaufen (${event.reason}); das Backup liest die Daten erneut ohne Snapshot, jede Collection für sich`;
    case 'backup.pruned': {
      const parts: string[] = [];
      if (event.removed.length > 0) parts.push(`Alte Backups gelöscht: ${event.removed.join(', ')}`);
      if (event.tempFilesRemoved.length > 0) parts.push(`Unfertige Dateien entfernt: ${event.tempFilesRemoved.join(', ')}`);
      return parts.join('; ');
    }
    case 'backup.prune-failed':
      return `Löschen alter Backups fehlgeschlagen: ${event.reason}`;
    case 'backup.deleted':
      return `Backup gelöscht: ${event.name}${by(event.actor)}`;
    case 'restore.started': {
      const which = event.collections.length > 0 ? event.collections.join(', ') : 'alle Collections';
      return `Wiederherstellung gestartet aus ${event.source} (${which})${by(event.actor)}`;
    }
    case 'restore.succeeded': {
      const safety = event.preRestoreBackup
        ? `Sicherungs-Backup vorher: ${event.preRestoreBackup}`
        : 'das Sicherungs-Backup des ersetzten Stands steht noch aus';
      return `Wiederherstellung erfolgreich aus ${event.source} (${formatDocuments(event.documents)}, ${formatDuration(event.durationMs)}; ${safety})`;
    }
    case 'restore.failed':
      return prefixed('Wiederherstellung fehlgeschlagen', event.reason, `(${event.source})`);
    case 'restore.recovered':
      return `Unterbrochene Wiederherstellung repariert: ${RECOVERY_OUTCOMES[event.outcome]} (${event.collections.join(', ') || 'keine Collections'})`;
    case 'restore.safety-pending':
      return (
        `Sicherungs-Backup des ersetzten Stands (Wiederherstellung aus ${event.source}) steht noch aus, Versuch ${event.attempt}: ${event.reason}. ` +
        `Die ersetzten Daten bleiben bis dahin in der Datenbank (${event.keptIn.join(', ') || 'keine Collections'}); ` +
        'es wird bei der nächsten Sicherung, beim nächsten Start und regelmäßig automatisch nachgeholt'
      );
    case 'restore.safety-written':
      return `Ausstehendes Sicherungs-Backup des ersetzten Stands (Wiederherstellung aus ${event.source}) nachgeholt und geprüft: ${event.name}`;
    case 'restore.writes-kept-apart':
      return (
        `Während der Wiederherstellung in ${event.collection} geschrieben und wegen eines eindeutigen Index nicht zusammenführbar: ` +
        `${formatDocuments(event.documents)}, unverändert aufbewahrt in der Collection ${event.keptIn}`
      );
    case 'drill.started':
      return `Wiederherstellungstest gestartet mit ${event.backup} (${event.actor})`;
    case 'drill.succeeded':
      return `Wiederherstellungstest erfolgreich: ${event.backup} (${formatDocuments(event.documents)} byte-genau verglichen, ${formatDuration(event.durationMs)})`;
    case 'drill.failed':
      return prefixed('Wiederherstellungstest fehlgeschlagen', event.reason, `(${event.backup})`);
    case 'lock.taken-over':
      return `Sperre von ${event.from} übernommen (abgelaufen, Vorgang: ${event.purpose})`;
  }
}

/** "automatisch, Zeitplan", "manuell, von admin@example.org". */
function origin(kind: BackupKind, actor: string | undefined): string {
  if (!actor) return KIND_LABELS[kind];
  return kind === 'auto' ? `${KIND_LABELS[kind]}, ${actor}` : `${KIND_LABELS[kind]}, von ${actor}`;
}

function by(actor: string | undefined): string {
  return actor ? ` (von ${actor})` : '';
}

/** A restore's reasons usually start with the headline already; never say it twice. */
function prefixed(headline: string, reason: string, context: string): string {
  return reason.startsWith(headline) ? `${reason} ${context}` : `${headline} ${context}: ${reason}`;
}
