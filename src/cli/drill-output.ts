import type { DrillRecord } from '../restore/drill/drill-records.js';
import { formatDocuments, formatDuration } from '../shared/human-units.js';
import type { CommandOutput } from './cli-commands.js';
import { table } from './cli-output.js';

/** `drill`: a table per collection, and exit status 1 with the reason when anything differed. */
export function drillOutput(drill: DrillRecord): CommandOutput {
  const json = {
    ok: drill.ok,
    backup: drill.backup,
    documents: drill.documents,
    collections: drill.collections,
    reason: drill.reason,
    scratchDatabase: drill.scratchDatabase,
    startedAt: drill.startedAt.toISOString(),
    durationMs: drill.durationMs,
  };
  const rows = [['Collection', 'Dokumente', 'Indexe'], ...drill.collections.map((c) => [c.name, String(c.documents), String(c.indexes)])];
  const summary = drill.ok
    ? `Wiederherstellungstest erfolgreich: ${drill.backup} (${formatDocuments(drill.documents)} byte-genau und alle Indexe verglichen, ` +
      `${formatDuration(drill.durationMs)}); Testdatenbank ${drill.scratchDatabase} wieder gelöscht`
    : `Wiederherstellungstest fehlgeschlagen: ${drill.backup}: ${drill.reason ?? 'unbekannter Grund'}`;
  return {
    json,
    text: drill.ok ? `${table(rows)}\n${summary}` : table(rows),
    ...(drill.ok ? {} : { failure: summary }),
  };
}
