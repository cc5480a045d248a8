import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackupContext } from '../../src/app/compose.js';
import { createBackup } from '../../src/backup/create-backup.js';
import { SCANDY_COLLECTIONS } from '../../src/config/collections.js';
import { seedDatabase } from '../../src/seed/seed-database.js';
import { runCli, runCliWithFileSizeLimit } from '../helpers/cli.js';
import { useTestDatabase } from '../helpers/database.js';
import { readOnlyDirectory, smallFilesystem, type MountedDir } from '../helpers/small-filesystem.js';
import { useTempDir } from '../helpers/temp-dir.js';

const t = useTestDatabase();
const root = useTempDir();
const mounted: MountedDir[] = [];

beforeAll(async () => {
  await seedDatabase(t.db, { docs: 20_000 });
});

afterAll(() => {
  for (const m of mounted) m.release();
});

describe('storage faults', () => {
  it('a full disk while writing: a clear error, the temporary file gone, older backups untouched', async () => {
    const dir = path.join(root, 'full');
    const small = smallFilesystem(dir, 256 * 1024);
    // Released in afterAll even when an expectation below fails (else removing the temp folder fails with EBUSY).
    if (small) mounted.push(small);
    // The pre-backup check (BACKUP_MIN_FREE_MB) is off here: this is about a disk that fills up while writing.
    const env = { MONGODB_URI: t.uri, MONGODB_DB: t.dbName, BACKUP_DIR: dir, LOG_DIR: path.join(root, 'logs'), BACKUP_MIN_FREE_MB: '0' };
    const older = await runCli(['create', '--json'], { ...env, BACKUP_COLLECTIONS: 'settings' });
    expect(older.code, older.stderr).toBe(0);
    const olderName = (JSON.parse(older.stdout) as { name: string }).name;
    const olderBytes = readFileSync(path.join(dir, olderName));

    if (small) {
      const result = await runCli(['create'], env);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^scandy-backup: Backup fehlgeschlagen: .*ENOSPC.*\n$/);
    } else {
      // Without permission to mount, a per-process file size limit stands in for the full disk.
      const result = await runCliWithFileSizeLimit(['create'], env, 256);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^scandy-backup: Backup fehlgeschlagen: .*EFBIG.*\n$/);
    }
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(readdirSync(dir).filter((f) => f.endsWith('.zip'))).toEqual([olderName]);
    expect(readFileSync(path.join(dir, olderName)).equals(olderBytes)).toBe(true);
  });

  it('a read-only backup folder: a clear error and no crash', async () => {
    const readOnly = readOnlyDirectory(path.join(root, 'readonly'));
    mounted.push(readOnly);
    const ctx = createBackupContext({ backupDir: readOnly.dir, backupCollections: [...SCANDY_COLLECTIONS], backupKeep: 10 }, t.db);
    await expect(createBackup(ctx, { kind: 'manual' })).rejects.toMatchObject({
      code: 'BACKUP_FAILED',
      message: expect.stringMatching(/Backup fehlgeschlagen: .*(EROFS|EACCES)/),
    });
    // The process is still fine: the next backup elsewhere works.
    const elsewhere = createBackupContext({ backupDir: path.join(root, 'ok'), backupCollections: ['settings'], backupKeep: 10 }, t.db);
    await expect(createBackup(elsewhere, { kind: 'manual' })).resolves.toMatchObject({ documents: 10 });
  });
});
