import type { Db } from 'mongodb';
import { readJournal } from './restore-journal.js';

export interface PendingSafetyArchive {
  /** The backup that was restored. */
  readonly source: string;
  readonly restoredAt: Date;
  readonly attempts: number;
  readonly lastError: string | null;
  readonly nextAttemptAt: Date | null;
  /** One German sentence for the pages. */
  readonly message: string;
}

/** A restore that succeeded but whose safety archive of the replaced data is still to be written; null if none. */
export async function pendingSafetyArchive(db: Db): Promise<PendingSafetyArchive | null> {
  const journal = await readJournal(db);
  if (journal?.state !== 'committed') return null;
  const lastError = journal.safety?.lastError ?? null;
  return {
    source: journal.source,
    restoredAt: journal.startedAt,
    attempts: journal.safety?.attempts ?? 0,
    lastError,
    nextAttemptAt: journal.safety?.nextAttemptAt ?? null,
    message:
      `Das Sicherungs-Backup des Stands, den die Wiederherstellung aus ${journal.source} ersetzt hat, steht noch aus` +
      `${lastError ? ` (${lastError})` : ''}; die ersetzten Daten bleiben bis dahin in der Datenbank, es wird automatisch nachgeholt.`,
  };
}
