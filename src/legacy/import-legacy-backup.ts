import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { CollectionSource } from '../archive/archive-writer.js';
import { writeArchive } from '../archive/archive-writer.js';
import { documentToLine } from '../archive/extended-json.js';
import { writeNewArchive } from '../backup/archive-sink.js';
import { withOperation } from '../backup/operation-lock.js';
import type { BackupContext } from '../backup/backup-context.js';
import type { StoredBackup } from '../backup/backup-store.js';
import { AppError } from '../shared/app-error.js';
import { convertDocument, newLegacyReader, syntaxError } from './legacy-backup.js';
import { SyntaxErrorLocator, type LegacyEvent } from './legacy-reader.js';

const LINES_PER_BATCH = 1000;

export interface LegacyImportResult {
  readonly backup: StoredBackup;
  readonly documents: number;
  /** Collections in the old file that this installation does not back up. */
  readonly skipped: readonly string[];
}

/**
 * Turns an old Python Scandy `scandy_backup_*.json` into an archive
 * (kind "upload") with ObjectIds and dates recovered; restore it like any
 * other. The file is read as a stream, one document at a time (each at most
 * 16 MiB of JSON), straight into the archive: memory does not grow with it.
 * With encryption on, the new archive is encrypted as every other.
 */
export async function importLegacyBackup(ctx: BackupContext, filePath: string, actor?: string): Promise<LegacyImportResult> {
  const info = await stat(filePath).catch(() => undefined);
  if (!info?.isFile()) throw new AppError('BACKUP_NOT_FOUND', `Datei nicht gefunden: ${filePath}`);

  return withOperation(ctx, 'import', undefined, async () => {
    const skipped: string[] = [];
    // Like every new archive: encrypted when BACKUP_ENCRYPTION_RECIPIENTS is set, with its sidecar.
    const { backup, manifest } = await writeNewArchive(ctx, 'upload', (tempPath, createdAt) =>
      writeArchive(tempPath, { kind: 'upload', createdAt, database: ctx.db.databaseName }, knownCollections(ctx, filePath, skipped), {
        compressionLevel: ctx.compressionLevel,
      }),
    );
    const documents = manifest.collections.reduce((sum, c) => sum + c.count, 0);
    ctx.emit({ type: 'backup.succeeded', kind: 'upload', name: backup.name, size: backup.size, documents, durationMs: 0, actor });
    ctx.offsite?.archived(backup, ctx.store.companionsOf(backup.name));
    return { backup, documents, skipped };
  });
}

/** The collections of the file that this installation backs up, each as its documents' lines, in file order. */
async function* knownCollections(ctx: BackupContext, filePath: string, skipped: string[]): AsyncGenerator<CollectionSource> {
  const events = legacyEvents(filePath)[Symbol.asyncIterator]();
  let known = 0;
  for (let next = await events.next(); !next.done; next = await events.next()) {
    if (next.value.type !== 'collection') continue;
    const { name } = next.value;
    if (!ctx.collections.includes(name)) {
      skipped.push(name);
      await skipCollection(events);
      continue;
    }
    known++;
    yield { name, indexes: [], lines: linesOf(events) };
  }
  if (known === 0) throw new AppError('ARCHIVE_INVALID', 'Die Datei enthält keine der gesicherten Collections');
}

async function* linesOf(events: AsyncIterator<LegacyEvent>): AsyncGenerator<string[]> {
  let batch: string[] = [];
  for (let next = await events.next(); !next.done && next.value.type !== 'end-collection'; next = await events.next()) {
    if (next.value.type !== 'document') continue;
    batch.push(documentToLine(convertDocument(next.value.document)));
    if (batch.length >= LINES_PER_BATCH) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

async function skipCollection(events: AsyncIterator<LegacyEvent>): Promise<void> {
  for (let next = await events.next(); !next.done && next.value.type !== 'end-collection'; next = await events.next());
}

/** The file's collections and documents as they are read; a syntax error says where (the file is read a second time for that). */
async function* legacyEvents(filePath: string): AsyncGenerator<LegacyEvent> {
  const reader = newLegacyReader();
  try {
    for await (const text of textOf(filePath)) yield* reader.push(text);
    yield* reader.end();
  } catch (error) {
    throw syntaxError(error, error instanceof AppError ? undefined : await locate(filePath));
  }
}

async function locate(filePath: string): Promise<string | undefined> {
  const locator = new SyntaxErrorLocator();
  for await (const text of textOf(filePath)) {
    const where = locator.push(text);
    if (where) return where;
  }
  return locator.end();
}

async function* textOf(filePath: string): AsyncGenerator<string> {
  let first = true;
  for await (const text of createReadStream(filePath, { encoding: 'utf8' })) {
    yield first ? (text as string).replace(/^\uFEFF/, '') : (text as string);
    first = false;
  }
}
