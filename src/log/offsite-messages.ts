import type { BackupEvent } from '../backup/backup-events.js';
import { formatBytes, formatDuration } from '../shared/human-units.js';

type OffsiteEvent = Extract<BackupEvent, { type: `offsite.${string}` }>;

/** The German log line for an event of the copies to the bucket. */
export function describeOffsiteEvent(event: OffsiteEvent): string {
  switch (event.type) {
    case 'offsite.copied':
      return `Externe Kopie geprüft: ${event.name} (${formatBytes(event.size)}, ${formatDuration(event.durationMs)}; Größe und SHA-256 stimmen überein)`;
    case 'offsite.copy-failed': {
      const retry = event.retryInMs > 0 ? `nächster Versuch in ${formatDuration(event.retryInMs)}` : 'wird beim nächsten Durchlauf wiederholt';
      return `Externe Kopie fehlgeschlagen: ${event.name}, Versuch ${event.attempt}: ${event.reason} (das lokale Backup bleibt; ${retry})`;
    }
    case 'offsite.recovered':
      return `Externe Kopien funktionieren wieder (${event.name} kopiert)`;
    case 'offsite.dropped':
      return `Externe Kopie von ${event.name} aufgegeben: ${event.reason}`;
    case 'offsite.pruned':
      return `Alte externe Kopien gelöscht: ${event.removed.join(', ')}`;
    case 'offsite.prune-failed':
      return `Löschen alter externer Kopien fehlgeschlagen: ${event.reason}`;
    case 'offsite.deleted':
      return `Externe Kopie gelöscht: ${event.name}${event.actor ? ` (von ${event.actor})` : ''}`;
  }
}
