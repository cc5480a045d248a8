import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatBackupName, type BackupKind } from '../../src/archive/backup-name.js';
import { createBackupContext } from '../../src/app/compose.js';
import { pruneBackups } from '../../src/backup/prune-backups.js';
import { loadConfig } from '../../src/config/config.js';
import { MongoPinStore, PINS_COLLECTION } from '../../src/retention/pin-store.js';
import { useTestDatabase } from '../helpers/database.js';
import { useTempDir } from '../helpers/temp-dir.js';

const t = useTestDatabase();
const root = useTempDir('scandy-pins-');
const HOUR = 3_600_000;

/** Backup files with real names; prune only lists and removes, so their content does not matter. */
function backupFiles(dir: string, kind: BackupKind, count: number, firstAt: string, everyHours: number): string[] {
  return Array.from({ length: count }, (_, i) => {
    const name = formatBackupName(new Date(Date.parse(firstAt) + i * everyHours * HOUR), kind);
    writeFileSync(path.join(dir, name), 'x');
    return name;
  });
}

describe('pins (scandy_backup_pins)', () => {
  const at = new Date('2026-06-10T08:00:00Z');
  const name = formatBackupName(new Date('2026-06-01T04:00:00Z'), 'auto');

  it('pins, lists and unpins a backup; pinning again keeps the first pin', async () => {
    const pins = new MongoPinStore(t.db);
    expect(await pins.pin(name, 'anna@example.org', at)).toEqual({ name, pinnedBy: 'anna@example.org', pinnedAt: at });
    expect(await pins.pin(name, 'ben@example.org', new Date(at.getTime() + HOUR))).toEqual({ name, pinnedBy: 'anna@example.org', pinnedAt: at });
    expect(await pins.list()).toEqual([{ name, pinnedBy: 'anna@example.org', pinnedAt: at }]);
    expect(await pins.pinnedNames()).toEqual(new Set([name]));
    expect(await pins.unpin(name)).toBe(true);
    expect(await pins.unpin(name)).toBe(false);
    expect(await pins.list()).toEqual([]);
  });

  it('refuses a name that is no backup name and stores nothing', async () => {
    const pins = new MongoPinStore(t.db);
    await expect(pins.pin('../etc/passwd', 'anna@example.org', at)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect(await t.db.collection(PINS_COLLECTION).countDocuments()).toBe(0);
  });

  it('two admins pinning the same backup at once leave one pin', async () => {
    const results = await Promise.all(
      ['anna@example.org', 'ben@example.org', 'carla@example.org'].map((actor) => new MongoPinStore(t.db).pin(name, actor, at)),
    );
    expect(new Set(results.map((r) => r.pinnedBy)).size).toBe(1);
    expect(await t.db.collection(PINS_COLLECTION).countDocuments()).toBe(1);
    await new MongoPinStore(t.db).unpin(name);
  });
});

describe('prune with the default policy', () => {
  it('keeps 10 automatic, 5 manual or uploaded, 3 pre-restore backups, every pinned one, and nothing else', async () => {
    const dir = path.join(root, 'default');
    const config = loadConfig({ BACKUP_DIR: dir }, root);
    const ctx = createBackupContext(config, t.db);
    await ctx.store.ensureDir();
    const autos = backupFiles(dir, 'auto', 14, '2026-06-01T04:00:00Z', 12);
    const manuals = backupFiles(dir, 'manual', 6, '2026-06-07T09:00:00Z', 0.01);
    const uploads = backupFiles(dir, 'upload', 2, '2026-06-02T09:00:00Z', 1);
    const preRestores = backupFiles(dir, 'pre-restore', 5, '2026-06-03T09:00:00Z', 1);
    writeFileSync(path.join(dir, 'notizen.txt'), 'bleibt');
    const pins = new MongoPinStore(t.db);
    await pins.pin(autos[0]!, 'anna@example.org', new Date());
    await pins.pin(uploads[0]!, 'anna@example.org', new Date());

    const { removed, kept } = await pruneBackups(ctx);

    const expectedKept = [...autos.slice(-10), autos[0]!, ...manuals.slice(-5), uploads[0]!, ...preRestores.slice(-3)];
    expect(readdirSync(dir).filter((f) => f !== 'notizen.txt').sort()).toEqual(expectedKept.sort());
    expect(kept).toBe(expectedKept.length);
    expect(removed.sort()).toEqual([...autos.slice(1, 4), manuals[0]!, uploads[1]!, ...preRestores.slice(0, 2)].sort());
    expect(readdirSync(dir)).toContain('notizen.txt');
    await pins.unpin(autos[0]!);
    await pins.unpin(uploads[0]!);
  });

  it('applies BACKUP_KEEP_DAILY in BACKUP_TIMEZONE', async () => {
    const dir = path.join(root, 'daily');
    const config = loadConfig({ BACKUP_DIR: dir, BACKUP_KEEP: '2', BACKUP_KEEP_DAILY: '4', BACKUP_TIMEZONE: 'Europe/Berlin' }, root);
    const ctx = createBackupContext(config, t.db);
    await ctx.store.ensureDir();
    // 06:00 and 18:00 in Berlin (CEST) for six days.
    const autos = backupFiles(dir, 'auto', 12, '2026-06-01T04:00:00Z', 12);

    await pruneBackups(ctx);

    const newestOfDay = (i: number) => autos[2 * i + 1]!;
    const expected = [autos[11]!, autos[10]!, newestOfDay(4), newestOfDay(3), newestOfDay(2)];
    expect(readdirSync(dir).sort()).toEqual(expected.sort());
  });
});
