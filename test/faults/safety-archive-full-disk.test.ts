import { closeSync, openSync, readdirSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyArchive } from '../../src/archive/verify-archive.js';
import type { BackupContext } from '../../src/backup/backup-context.js';
import { createBackupContext } from '../../src/app/compose.js';
import type { BackupEvent } from '../../src/backup/backup-events.js';
import { createBackup } from '../../src/backup/create-backup.js';
import { SCANDY_COLLECTIONS } from '../../src/config/collections.js';
import { describeBackupEvent } from '../../src/log/event-messages.js';
import { pendingSafetyArchive } from '../../src/restore/pending-safety-archive.js';
import { repairIfInterrupted } from '../../src/restore/repair-interrupted-restore.js';
import { readJournal } from '../../src/restore/restore-journal.js';
import { restoreBackup, safetyArchiveNote } from '../../src/restore/restore-backup.js';
import { seedDatabase } from '../../src/seed/seed-database.js';
import { archivedDocuments } from '../helpers/app-writer.js';
import { useTestDatabase } from '../helpers/database.js';
import { readOnlyDirectory, smallFilesystem, type MountedDir } from '../helpers/small-filesystem.js';
import { scandyBackupLeftovers, snapshot, snapshotDifferences } from '../helpers/snapshot.js';
import { useTempDir } from '../helpers/temp-dir.js';

const t = useTestDatabase();
const root = useTempDir();
const collections = [...SCANDY_COLLECTIONS];
const events: BackupEvent[] = [];
let full: { readonly dir: string; readonly how: string; free(): void; release(): void };

function context(backupDir: string): BackupContext {
  return createBackupContext({ backupDir, backupCollections: collections, backupKeep: 10 }, t.db, { emit: (e) => events.push(e) });
}

/** A backup folder with no room left: a small tmpfs filled up (as root), else one nobody may write to. */
function fullBackupFolder(dir: string): typeof full {
  const small: MountedDir | undefined = smallFilesystem(dir, 4 * 1024 * 1024);
  if (!small) {
    const readOnly = readOnlyDirectory(dir);
    return { dir, how: readOnly.how, free: () => readOnly.release(), release: () => readOnly.release() };
  }
  const filler = path.join(dir, 'platzhalter.bin');
  const fd = openSync(filler, 'w');
  try {
    const chunk = Buffer.alloc(64 * 1024, 1);
    for (;;) writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    closeSync(fd);
  }
  return { dir, how: `${small.how}, filled up`, free: () => unlinkSync(filler), release: () => small.release() };
}

beforeAll(async () => {
  await seedDatabase(t.db, { docs: 3_000 });
  full = fullBackupFolder(path.join(root, 'full'));
});

afterAll(() => full?.release());

describe('the safety archive cannot be written (disk full)', () => {
  it('the restore succeeds and says so; the replaced data stays aside until the next operation can write it', async () => {
    const source = (await createBackup(context(path.join(root, 'elsewhere')), { kind: 'manual' })).backup;
    const restored = await snapshot(t.db, collections);
    await t.db.collection('tools').insertOne({ name: 'nach dem Backup angelegt', barcode: 'T-NACH-BACKUP' });
    await t.db.collection('workers').deleteMany({});
    const replaced = await snapshot(t.db, collections);
    const ctx = context(full.dir);

    const result = await restoreBackup(ctx, { source: { file: source.path } });
    expect(result.preRestoreBackup, full.how).toBeNull();
    expect(result.safetyPending).toMatch(/ENOSPC|EACCES|EROFS/);
    expect(safetyArchiveNote(result)).toContain('steht noch aus');
    expect(snapshotDifferences(restored, await snapshot(t.db, collections))).toEqual([]);
    expect((await scandyBackupLeftovers(t.db)).filter((n) => n.startsWith('scandy_backup_aside_'))).toHaveLength(collections.length);
    expect(await readJournal(t.db)).toMatchObject({ state: 'committed', safety: { attempts: 1, lastError: expect.stringMatching(/ENOSPC|EACCES|EROFS/) } });
    const pending = events.find((e) => e.type === 'restore.safety-pending');
    expect(pending).toMatchObject({ attempt: 1 });
    expect(describeBackupEvent(pending!)).toMatch(/^Sicherungs-Backup des ersetzten Stands .* steht noch aus, Versuch 1: /);
    expect(describeBackupEvent(events.find((e) => e.type === 'restore.succeeded')!)).toContain('das Sicherungs-Backup des ersetzten Stands steht noch aus');
    expect((await pendingSafetyArchive(t.db))?.message).toContain('steht noch aus');
    expect(readdirSync(full.dir).filter((f) => f.endsWith('.zip') || f.endsWith('.tmp'))).toEqual([]);

    // Nothing may replace the data again before it is archived; the periodic repair waits before trying again.
    await expect(restoreBackup(ctx, { source: { file: source.path } })).rejects.toMatchObject({ code: 'SAFETY_BACKUP_PENDING' });
    const attempts = events.filter((e) => e.type === 'restore.safety-pending').length;
    expect(await repairIfInterrupted(ctx)).toBe(false);
    expect(events.filter((e) => e.type === 'restore.safety-pending').length).toBe(attempts);

    full.free();
    const next = await createBackup(ctx, { kind: 'manual' });
    expect(await readJournal(t.db)).toBeNull();
    expect(await scandyBackupLeftovers(t.db)).toEqual([]);
    const written = events.find((e) => e.type === 'restore.safety-written') as { name: string } | undefined;
    expect(written?.name).toMatch(/-pre-restore\.zip$/);
    expect(describeBackupEvent(written as BackupEvent)).toContain('nachgeholt und geprüft');
    const file = path.join(full.dir, written!.name);
    await verifyArchive(file);
    const tools = await archivedDocuments(file, 'tools');
    expect(tools.size).toBe(replaced.get('tools')!.documents.size);
    expect([...tools.values()].some((d) => d.barcode === 'T-NACH-BACKUP')).toBe(true);
    expect((await archivedDocuments(file, 'workers')).size).toBe(0);
    expect(next.documents).toBe(3_000);
  });
});
