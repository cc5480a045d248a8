import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createBackupContext } from '../../src/app/compose.js';
import { UPLOAD_DIR_PREFIX } from '../../src/backup/backup-store.js';
import { createBackup } from '../../src/backup/create-backup.js';
import { removeLeftoverDecryptions } from '../../src/backup/plain-archive.js';
import { AgeIdentities } from '../../src/crypto/age-identities.js';
import { generateKeyPair } from '../../src/crypto/age-keys.js';
import { restoreBackup } from '../../src/restore/restore-backup.js';
import { runCli } from '../helpers/cli.js';
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

  it('encrypted archives and their sidecars are 0600; a restore decrypts into a 0700 folder, a 0600 file, gone afterwards', async () => {
    const backupDir = path.join(root, 'encrypted');
    const pair = await generateKeyPair();
    const identities = await AgeIdentities.fromSecretKeys([/AGE-SECRET-KEY-1\S+/.exec(pair.secretKeyFile)![0]]);
    const seen: { dir: number; file: number }[] = [];
    const decryptedDirs = () => readdirSync(os.tmpdir()).filter((n) => n.startsWith('scandy-decrypted-'));
    const before = new Set(decryptedDirs());
    const ctx = createBackupContext({ backupDir, backupCollections: ['settings'], backupKeep: 10, encryptionRecipients: [pair.publicKey] }, t.db, {
      failpoints: {
        afterLoadBatch: () => {
          for (const name of decryptedDirs().filter((n) => !before.has(n))) {
            const dir = path.join(os.tmpdir(), name);
            seen.push({ dir: modeOf(dir), file: modeOf(path.join(dir, 'archive.zip')) });
          }
        },
      },
    });
    const made = await createBackup(ctx, { kind: 'manual' });
    expect(made.backup.name).toMatch(/\.zip\.age$/);
    expect(modeOf(backupDir)).toBe(0o700);
    expect(modeOf(made.backup.path)).toBe(0o600);
    expect(modeOf(`${made.backup.path}.json`)).toBe(0o600);

    const restored = await restoreBackup(ctx, { source: { name: made.backup.name }, identities });
    expect(seen.length).toBeGreaterThan(0);
    for (const modes of seen) expect(modes).toEqual({ dir: 0o700, file: 0o600 });
    expect(decryptedDirs().filter((n) => !before.has(n))).toEqual([]);
    expect(modeOf(path.join(backupDir, restored.preRestoreBackup!))).toBe(0o600);
    expect(modeOf(path.join(backupDir, `${restored.preRestoreBackup!}.json`))).toBe(0o600);
  });

  it('keygen -o writes the key file 0600 and never over an existing file', async () => {
    const keyPath = path.join(root, 'schluessel.txt');
    const env = { DATA_DIR: path.join(root, 'keygen-data'), BACKUP_DIR: path.join(root, 'keygen-backups'), LOG_DIR: path.join(root, 'keygen-logs') };
    const made = await runCli(['keygen', '-o', keyPath], env);
    expect(made.code).toBe(0);
    expect(made.stdout).toBe('');
    expect(modeOf(keyPath)).toBe(0o600);
    const again = await runCli(['keygen', '-o', keyPath], env);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain('gibt es schon; ein Schlüssel wird nie überschrieben');
  });

  it('a decrypted archive that a killed process left in the temp folder is removed at the next start, that of a running one is kept', async () => {
    const tempDir = path.join(root, 'system-temp');
    const deadPid = spawnSync(process.execPath, ['-e', '']).pid;
    for (const name of [`scandy-decrypted-${deadPid}-aaaaaa`, `scandy-decrypted-${process.pid}-bbbbbb`, 'scandy-decrypted-cccccc', 'etwas-anderes']) {
      mkdirSync(path.join(tempDir, name), { recursive: true, mode: 0o700 });
      writeFileSync(path.join(tempDir, name, 'archive.zip'), 'Klartext', { mode: 0o600 });
    }
    expect(await removeLeftoverDecryptions(tempDir)).toEqual([`scandy-decrypted-${deadPid}-aaaaaa`]);
    expect(readdirSync(tempDir).sort()).toEqual(['etwas-anderes', `scandy-decrypted-${process.pid}-bbbbbb`, 'scandy-decrypted-cccccc'].sort());
  });
});
