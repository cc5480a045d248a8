import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Document } from 'mongodb';
import { writeArchive } from '../archive/archive-writer.js';
import { documentToLine } from '../archive/extended-json.js';
import { writeNewArchive } from '../backup/archive-sink.js';
import { withOperation } from '../backup/operation-lock.js';
import type { BackupContext } from '../backup/backup-context.js';
import type { StoredBackup } from '../backup/backup-store.js';
import { AppError } from '../shared/app-error.js';
import { parseLegacyBackup } from './legacy-backup.js';

/** The old format is one JSON object read whole; beyond this the import is refused rather than risking memory. */
const MAX_LEGACY_BYTES = 512 * 1024 * 1024;

export interface LegacyImportResult {
  readonly backup: StoredBackup;
  readonly documents: number;
  /** Collections in the old file that this installation does not back up. */
  readonly skipped: readonly string[];
}

/**
 * Turns an old Python Scandy `scandy_backup_*.json` into a format-1 archive
 * (kind "upload") with ObjectIds and dates recovered; restore it like any other.
 * With encryption on, the new archive is encrypted as every other.
 */
export async function importLegacyBackup(ctx: BackupContext, filePath: string, actor?: string): Promise<LegacyImportResult> {
  const info = await stat(filePath).catch(() => undefined);
  if (!info?.isFile()) throw new AppError('BACKUP_NOT_FOUND', `Datei nicht gefunden: ${filePath}`);
  if (info.size > MAX_LEGACY_BYTES) throw new AppError('ARCHIVE_INVALID', `${path.basename(filePath)} ist größer als 512 MiB`);
  const collections = parseLegacyBackup(await readFile(filePath, 'utf8'));
  const known = collections.filter((c) => ctx.collections.includes(c.name));
  const skipped = collections.filter((c) => !ctx.collections.includes(c.name)).map((c) => c.name);
  if (known.length === 0) throw new AppError('ARCHIVE_INVALID', 'Die Datei enthält keine der gesicherten Collections');

  return withOperation(ctx, 'import', undefined, async () => {
    // Like every new archive: encrypted when BACKUP_ENCRYPTION_RECIPIENTS is set, with its sidecar.
    const { backup, manifest } = await writeNewArchive(ctx, 'upload', (tempPath, createdAt) =>
      writeArchive(
        tempPath,
        { kind: 'upload', createdAt, database: ctx.db.databaseName },
        known.map((c) => ({ name: c.name, indexes: [], lines: inBatches(c.documents) })),
        { compressionLevel: ctx.compressionLevel },
      ),
    );
    const documents = manifest.collections.reduce((sum, c) => sum + c.count, 0);
    ctx.emit({ type: 'backup.succeeded', kind: 'upload', name: backup.name, size: backup.size, documents, durationMs: 0, actor });
    return { backup, documents, skipped };
  });
}

async function* inBatches(documents: readonly Document[], size = 1000): AsyncGenerator<string[]> {
  for (let i = 0; i < documents.length; i += size) yield documents.slice(i, i + size).map(documentToLine);
}
