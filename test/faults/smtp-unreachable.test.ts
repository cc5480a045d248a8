import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { composeBackupSystem } from '../../src/app/compose.js';
import { loadConfig } from '../../src/config/config.js';
import { freePort } from '../../src/db/local-ferretdb.js';
import { seedDatabase } from '../../src/seed/seed-database.js';
import { useTestDatabase } from '../helpers/database.js';
import { useTempDir } from '../helpers/temp-dir.js';

const t = useTestDatabase();
const root = useTempDir();

beforeAll(async () => {
  await seedDatabase(t.db, { docs: 500 });
});

describe('an SMTP server nobody answers at', () => {
  it('the scheduled backup succeeds and stays intact; the mail is logged as not sent, with the reason; nothing crashes', async () => {
    const port = await freePort();
    const config = loadConfig(
      { MONGODB_URI: t.uri, MONGODB_DB: t.dbName, BACKUP_DIR: 'backups', LOG_DIR: 'logs', SMTP_URL: `smtp://backup:Smtp-Geheim@127.0.0.1:${port}` },
      root,
    );
    let now = new Date('2026-06-10T16:00:05Z');
    const clock = { now: () => now };
    const automatic = composeBackupSystem({ config, db: t.db, clock, ticker: false });
    const { manager, scheduler } = automatic;

    const outcome = await scheduler.tick();
    expect(outcome.decision).toMatchObject({ kind: 'succeeded', mail: { sent: false } });
    const [stored] = await manager.list();
    expect((await manager.verify({ name: stored!.name })).documents).toBe(500);
    now = new Date('2026-06-10T16:01:05Z');
    expect((await scheduler.tick()).decision).toMatchObject({ kind: 'up-to-date' });
    await automatic.close();

    const log = readFileSync(path.join(root, 'logs', 'auto_backup.log'), 'utf8');
    expect(log).toMatch(/E-Mail nicht gesendet \(.*ECONNREFUSED.*\): Scandy-Backup erfolgreich: /);
    expect(log).not.toMatch(/ gesendet: Scandy/);
    expect(log).not.toContain('Smtp-Geheim');
  });
});
