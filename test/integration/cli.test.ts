import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ObjectId } from 'mongodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { MongoOperationLock } from '../../src/backup/operation-lock.js';
import { SCANDY_COLLECTIONS } from '../../src/config/collections.js';
import { seedDatabase } from '../../src/seed/seed-database.js';
import { runCli, startCli } from '../helpers/cli.js';
import { useTestDatabase } from '../helpers/database.js';
import { LEGACY_FIXTURE, fixturePath } from '../helpers/fixtures.js';
import { snapshot, snapshotDifferences } from '../helpers/snapshot.js';
import { useTempDir } from '../helpers/temp-dir.js';

const t = useTestDatabase();
const backupDir = useTempDir();
const logDir = useTempDir();
const collections = [...SCANDY_COLLECTIONS];
let env: Record<string, string> = {};

beforeAll(async () => {
  env = { MONGODB_URI: t.uri, MONGODB_DB: t.dbName, BACKUP_DIR: backupDir, LOG_DIR: logDir };
  await seedDatabase(t.db, { docs: 3000 });
});

describe('npx scandy-backup', () => {
  let name = '';

  it('create makes a backup and prints its name', async () => {
    const result = await runCli(['create', '--json'], env);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const output = JSON.parse(result.stdout) as { name: string; documents: number };
    name = output.name;
    expect(output.documents).toBe(3000);
    expect(existsSync(path.join(backupDir, name))).toBe(true);
  });

  it('list shows it with the counts from its manifest', async () => {
    const result = await runCli(['list', '--json'], env);
    expect(result.code).toBe(0);
    const list = JSON.parse(result.stdout) as { name: string; documents: number; kind: string }[];
    expect(list).toEqual([expect.objectContaining({ name, documents: 3000, kind: 'manual', consistency: 'per-collection' })]);
  });

  it('verify checks it', async () => {
    const result = await runCli(['verify', name], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^OK: .*3000 Dokumente in 9 Collections/);
  });

  it('restore without --yes refuses and touches nothing', async () => {
    const result = await runCli(['restore', name], env);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('--yes');
    expect(result.stderr).toContain('Änderungen, die während der Wiederherstellung in Scandy gemacht werden, landen im Sicherungs-Backup');
  });

  it('restore --yes puts the backup back exactly, after a safety backup', async () => {
    const before = await snapshot(t.db, collections);
    await t.db.collection('tools').deleteMany({ deleted: false });
    await t.db.collection('lendings').insertOne({ tool_barcode: 'T99999', worker_barcode: 'W59999', lent_at: new Date() });

    const result = await runCli(['restore', name, '--yes', '--json'], env);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const output = JSON.parse(result.stdout) as { preRestoreBackup: string; safetyPending: string | null; documents: number; liveAfterMs: number };
    expect(output.documents).toBe(3000);
    expect(output.safetyPending).toBeNull();
    expect(output.liveAfterMs).toBeGreaterThan(0);
    expect(existsSync(path.join(backupDir, output.preRestoreBackup))).toBe(true);
    expect(snapshotDifferences(before, await snapshot(t.db, collections))).toEqual([]);
  });

  it('restore of a backup with a unique index the collection lacks now names it in --preview and needs --accept-indexes', async () => {
    const tools = t.db.collection('tools');
    const unique = (await tools.listIndexes().toArray()).find((index) => index.unique === true && index.key.barcode === 1);
    expect(unique).toBeDefined();
    await tools.dropIndex(unique!.name as string);

    const preview = await runCli(['restore', name, '--preview'], env);
    expect(preview.code).toBe(0);
    expect(preview.stdout).toContain(`tools.${unique!.name} (eindeutig: barcode, lehnt doppelte Werte ab)`);
    expect(preview.stdout).toContain('--accept-indexes');

    const refused = await runCli(['restore', name, '--yes'], env);
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toContain(`tools.${unique!.name} (eindeutig: barcode`);
    expect(refused.stderr).toContain('mit --accept-indexes');
    expect((await tools.listIndexes().toArray()).some((index) => index.name === unique!.name)).toBe(false);

    const accepted = await runCli(['restore', name, '--yes', '--accept-indexes', '--collections', 'tools'], env);
    expect(accepted.stderr).toBe('');
    expect(accepted.code).toBe(0);
    expect((await tools.listIndexes().toArray()).some((index) => index.name === unique!.name && index.unique === true)).toBe(true);
  });

  it('verify of a damaged file fails with one clear line', async () => {
    const damaged = path.join(backupDir, 'kaputt.zip');
    writeFileSync(damaged, 'PK\u0003\u0004 kein zip');
    const result = await runCli(['verify', damaged], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^scandy-backup: Ungültiges Backup-Archiv: .*\n$/);
  });

  it('import-legacy turns an old Python backup into an archive that restores with real types', async () => {
    const imported = await runCli(['import-legacy', fixturePath(LEGACY_FIXTURE), '--json'], env);
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);
    const { name: legacyName } = JSON.parse(imported.stdout) as { name: string };
    expect(legacyName).toMatch(/-upload\.zip$/);

    const restored = await runCli(['restore', legacyName, '--yes'], env);
    expect(restored.stderr).toBe('');
    expect(restored.code).toBe(0);
    const tool = await t.db.collection('tools').findOne({ barcode: 'WZ-0101' });
    expect(tool?._id).toBeInstanceOf(ObjectId);
    expect(tool?._id.toHexString()).toBe('6650a1b2c3d4e5f6a7b80101');
    expect(tool?.created_at).toEqual(new Date('2025-02-14T07:42:09.318Z'));
    const message = await t.db.collection('ticket_messages').findOne({});
    expect(message?.ticket_id).toBeInstanceOf(ObjectId);
    expect(await t.db.collection('tickets').countDocuments({ _id: message?.ticket_id })).toBe(1);
    // The unique barcode index of the current database survives a restore of an archive that lists no indexes.
    const indexes = await t.db.collection('tools').listIndexes().toArray();
    expect(indexes.some((i) => i.unique && i.key.barcode === 1)).toBe(true);
  });

  it('import-legacy of a file that breaks off after some documents says where and keeps no archive', async () => {
    const before = readdirSync(backupDir);
    const file = path.join(backupDir, 'scandy_backup_20250712_060000.json');
    writeFileSync(file, `{"tools": [${'{"name": "Hammer"},\n'.repeat(2000)}{"name": "Säge",}]}`);
    const result = await runCli(['import-legacy', file], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/kein gültiges JSON \(Zeile 2001, Spalte 17\)/);
    expect(readdirSync(backupDir).filter((f) => f !== path.basename(file))).toEqual(before);
  });

  it('a bad configuration value stops with one line naming it', async () => {
    const result = await runCli(['list'], { ...env, BACKUP_KEEP: 'zehn' });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('BACKUP_KEEP');
  });

  it('an unknown command is a usage error', async () => {
    const result = await runCli(['backup-all'], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unbekannter Befehl');
  });

  it('a backup killed half-way leaves no archive in the list, and the next one works', async () => {
    await seedDatabase(t.db, { docs: 60_000, seed: 2, batchSize: 5000 }).catch(() => undefined);
    const listedBefore = JSON.parse((await runCli(['list', '--json'], env)).stdout) as unknown[];

    const child = startCli(['create'], env);
    const deadline = Date.now() + 30_000;
    while (!readdirSync(backupDir).some((f) => f.endsWith('.zip.tmp')) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 5));
    }
    child.kill('SIGKILL');
    await new Promise((r) => child.on('close', r));
    expect(readdirSync(backupDir).some((f) => f.endsWith('.zip.tmp'))).toBe(true);

    const listedAfter = JSON.parse((await runCli(['list', '--json'], env)).stdout) as unknown[];
    expect(listedAfter).toHaveLength(listedBefore.length);

    const next = await runCli(['create', '--json'], env);
    expect(next.stderr).toBe('');
    expect(next.code).toBe(0);
    expect(readdirSync(backupDir).some((f) => f.endsWith('.tmp'))).toBe(false);
  });
});

describe('small things on the command line', () => {
  it('names the start of a running backup in BACKUP_TIMEZONE, German style, not as UTC ISO', async () => {
    const startedAt = new Date('2026-07-01T12:00:00.000Z');
    const holder = new MongoOperationLock(t.db, { owner: 'anderer-server:4711', now: () => startedAt, leaseMs: 1000 * 24 * 60 * 60 * 1000 });
    const lease = await holder.acquire('backup:auto');
    try {
      const newYork = await runCli(['create'], { ...env, BACKUP_TIMEZONE: 'America/New_York' });
      expect(newYork.code).toBe(1);
      expect(newYork.stderr).toBe('scandy-backup: Ein Backup läuft bereits (seit 01.07.2026, 08:00:00 Uhr, anderer-server:4711)\n');
      const berlin = await runCli(['create'], env);
      expect(berlin.stderr).toContain('(seit 01.07.2026, 14:00:00 Uhr, anderer-server:4711)');
      expect(berlin.stderr).not.toContain('2026-07-01T12:00');
    } finally {
      await lease.release();
    }
  });

  it.each([[['--help']], [['list']], [['list', '--json']]])('%j piped into a reader that closes early ends quietly', async (args) => {
    const child = startCli(args, env);
    child.stdout?.destroy(); // like `| head -0`: the reading end is gone before anything is written
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});
