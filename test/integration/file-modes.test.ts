import { chmodSync, mkdirSync, mkdtempSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createBackupContext } from '../../src/app/compose.js';
import { UPLOAD_DIR_PREFIX } from '../../src/backup/backup-store.js';
import { createBackup } from '../../src/backup/create-backup.js';
import { pruneBackups } from '../../src/backup/prune-backups.js';
import { importLegacyBackup } from '../../src/legacy/import-legacy-backup.js';
import { LEGACY_FIXTURE, fixturePath } from '../helpers/fixtures.js';
import { useTestDatabase } from '../helpers/database.js';
import { useTempDir } from '../helpers/temp-dir.js';

const t = useTestDatabase();
const root = useTempDir();

const modeOf = (file: string) => statSync(file).mode & 0o777;

describe('backup files are for the owner only', () => {
  it('an existing group- and world-readable backup folder becomes 0700; archives are 0600', async () => {
    const backupDir = path.join(root, 'backups');
    mkdirSync(backupDir);
    chmodSync(backupDir, 0o755); // like backups/ of a clone
    await t.db.collection('settings').insertOne({ key: 'admin_email', value: 'werkstatt@example.org' });
    const ctx = createBackupContext({ backupDir, backupCollections: ['settings'], backupKeep: 10 }, t.db);

    const made = await createBackup(ctx, { kind: 'manual' });
    expect(modeOf(backupDir)).toBe(0o700);
    expect(modeOf(made.backup.path)).toBe(0o600);

    const imported = await importLegacyBackup(ctx, fixturePath(LEGACY_FIXTURE), 'test');
    expect(modeOf(imported.backup.path)).toBe(0o600);
  });

  it('a new backup folder is created 0700', async () => {
    const backupDir = path.join(root, 'neu', 'backups');
    const ctx = createBackupContext({ backupDir, backupCollections: ['settings'], backupKeep: 10 }, t.db);
    const made = await createBackup(ctx, { kind: 'manual' });
    expect(modeOf(backupDir)).toBe(0o700);
    expect(modeOf(made.backup.path)).toBe(0o600);
  });

  it('prune removes upload folders that a dead process left for more than a day, and no fresh one', async () => {
    const backupDir = path.join(root, 'prune');
    const ctx = createBackupContext({ backupDir, backupCollections: ['settings'], backupKeep: 10 }, t.db);
    await ctx.store.ensureDir();
    const stale = mkdtempSync(path.join(backupDir, UPLOAD_DIR_PREFIX));
    writeFileSync(path.join(stale, 'upload'), 'halb hochgeladen');
    const dayAndMinuteAgo = new Date(Date.now() - 24 * 60 * 60 * 1000 - 60_000);
    utimesSync(stale, dayAndMinuteAgo, dayAndMinuteAgo);
    const fresh = mkdtempSync(path.join(backupDir, UPLOAD_DIR_PREFIX));

    const result = await pruneBackups(ctx);
    expect(result.tempFilesRemoved).toEqual([path.basename(stale)]);
    expect(() => statSync(stale)).toThrow();
    expect(statSync(fresh).isDirectory()).toBe(true);
  });
});
