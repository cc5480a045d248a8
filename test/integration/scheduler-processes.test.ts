import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { MongoClient, ObjectId, type Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeBackupSystem } from '../../src/app/compose.js';
import { MongoOperationLock } from '../../src/backup/operation-lock.js';
import { loadConfig, type Config } from '../../src/config/config.js';
import { LOG_LINE_PATTERN } from '../../src/log/log-line.js';
import { SLOT_COLLECTION } from '../../src/scheduler/slot-claims.js';
import { useTestDatabase } from '../helpers/database.js';
import { useTempDir } from '../helpers/temp-dir.js';

const t = useTestDatabase();
const root = useTempDir('scandy-processes-');
const logDir = path.join(root, 'logs');
let now = new Date();
const clock = { now: () => now };
const clients: MongoClient[] = [];

/** Each process has its own MongoClient, backup folder, tracker, lock owner and scheduler, as separate app processes would. */
async function appProcess(name: string, overrides: Record<string, string> = {}) {
  const client = new MongoClient(t.uri);
  await client.connect();
  clients.push(client);
  const db: Db = client.db(t.dbName);
  const config: Config = loadConfig({ BACKUP_DIR: path.join(root, `backups-${name}`), LOG_DIR: logDir, ...overrides }, root);
  const automatic = composeBackupSystem({ config, db, clock, owner: name, lock: new MongoOperationLock(db, { owner: name }), ticker: false });
  return { name, config, db, automatic, tracker: automatic.tracker, scheduler: automatic.scheduler };
}

const backupFiles = () =>
  readdirSync(root)
    .filter((d) => d.startsWith('backups-'))
    .flatMap((d) => readdirSync(path.join(root, d)).filter((f) => f.endsWith('.zip')));

beforeAll(async () => {
  await t.db.collection('tools').insertMany(Array.from({ length: 50 }, (_, i) => ({ _id: new ObjectId(), name: `Säge ${i}` })));
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
});

describe('several app processes on one database', () => {
  it('two scheduler instances ticking at the same slot make exactly one backup', async () => {
    const a = await appProcess('host-a:101');
    const b = await appProcess('host-b:202');
    now = new Date('2026-06-10T16:00:00.250Z');
    const [ra, rb] = await Promise.all([a.scheduler.tick(), b.scheduler.tick()]);
    const kinds = [ra.decision.kind, rb.decision.kind].sort();
    expect(kinds).toEqual(['succeeded', 'taken']);
    for (let minute = 1; minute <= 5; minute++) {
      now = new Date(Date.parse('2026-06-10T16:00:00Z') + minute * 60_000);
      const [la, lb] = await Promise.all([a.scheduler.tick(), b.scheduler.tick()]);
      expect([la.decision.kind, lb.decision.kind]).toEqual(['up-to-date', 'up-to-date']);
    }
    expect(backupFiles()).toHaveLength(1);
    const claims = await t.db.collection(SLOT_COLLECTION).find({ _id: '2026-06-10T18:00@Europe/Berlin' as never }).toArray();
    expect(claims).toEqual([expect.objectContaining({ status: 'done', backupName: backupFiles()[0] })]);
    // Both processes report the same last run.
    const [sa, sb] = await Promise.all([a.scheduler.status(), b.scheduler.status()]);
    expect(sa.lastRun).toEqual(sb.lastRun);
    expect(sa.lastRun).toMatchObject({ ok: true, trigger: 'Zeitplan', backupName: backupFiles()[0] });
    await Promise.all([a.automatic.close(), b.automatic.close()]);
  });

  it('a stopped scheduler stays stopped in a new instance (an app restart) and in every other process', async () => {
    const a = await appProcess('host-a:102');
    await a.scheduler.stop('admin@example.org');
    await a.automatic.close();

    const restarted = await appProcess('host-a:103');
    const other = await appProcess('host-b:203');
    now = new Date('2026-06-11T04:00:00Z');
    expect((await restarted.scheduler.tick()).decision.kind).toBe('stopped');
    expect((await other.scheduler.tick()).decision.kind).toBe('stopped');
    const status = await other.scheduler.status();
    expect(status).toMatchObject({ enabled: false, changedBy: 'admin@example.org', nextRuns: [] });
    expect(backupFiles()).toHaveLength(1);

    // Started again by an admin: the missed 06:00 slot is caught up at the next tick, by one process.
    await other.scheduler.start('chef@example.org');
    now = new Date('2026-06-11T04:30:00Z');
    const decisions = await Promise.all([restarted.scheduler.tick(), other.scheduler.tick()]);
    expect(decisions.map((d) => d.decision.kind).sort()).toEqual(['succeeded', 'taken']);
    expect(decisions.find((d) => d.decision.kind === 'succeeded')?.decision).toMatchObject({ trigger: 'Nachholen' });
    expect(backupFiles()).toHaveLength(2);
    expect((await restarted.scheduler.status()).nextRuns.map((d) => d.toISOString())).toEqual([
      '2026-06-11T16:00:00.000Z',
      '2026-06-12T04:00:00.000Z',
    ]);
    await Promise.all([restarted.automatic.close(), other.automatic.close()]);
  });

  it('catches up at start a slot missed while the app was down', async () => {
    // The app was down from 2026-06-11 06:30 to 2026-06-12 09:30: 18:00 and 06:00 were missed.
    now = new Date('2026-06-12T07:30:00Z');
    const app = await appProcess('host-a:104');
    await app.automatic.startTicking();
    await app.scheduler.whenIdle();
    const status = await app.scheduler.status();
    expect(status.lastRun).toMatchObject({ ok: true, trigger: 'Nachholen' });
    expect(backupFiles()).toHaveLength(3);
    expect((await app.scheduler.tick(new Date('2026-06-12T07:31:00Z'))).decision.kind).toBe('up-to-date');
    await app.automatic.close();
  });

  it('a manual backup or restore holding the lock makes the scheduled one wait, not run beside it', async () => {
    const app = await appProcess('host-a:105');
    const manual = await new MongoOperationLock(app.db, { owner: 'host-c:303' }).acquire('backup:manual');
    now = new Date('2026-06-12T16:00:00Z');
    const waiting = await app.scheduler.tick();
    expect(waiting.decision).toMatchObject({ kind: 'deferred', reason: expect.stringMatching(/^Ein Backup läuft bereits .*host-c:303/) as string });
    expect(backupFiles()).toHaveLength(3);
    await manual.release();
    now = new Date('2026-06-12T16:01:00Z');
    expect((await app.scheduler.tick()).decision).toMatchObject({ kind: 'succeeded', trigger: 'Zeitplan' });
    expect(backupFiles()).toHaveLength(4);
    await app.automatic.close();
  });

  it('takes over the slot of a process that crashed while running it, once its lease has expired', async () => {
    now = new Date('2026-06-13T04:00:00Z');
    await t.db.collection(SLOT_COLLECTION).insertOne({
      _id: '2026-06-13T06:00@Europe/Berlin' as never,
      status: 'running',
      owner: 'host-x:999',
      token: 'abc',
      claimedAt: new Date('2026-06-13T04:00:00Z'),
      expiresAt: new Date('2026-06-13T04:02:00Z'),
    });
    const app = await appProcess('host-a:106');
    now = new Date('2026-06-13T04:01:00Z');
    expect((await app.scheduler.tick()).decision.kind).toBe('taken');
    now = new Date('2026-06-13T04:03:00Z');
    expect((await app.scheduler.tick()).decision).toMatchObject({ kind: 'succeeded', trigger: 'Zeitplan' });
    await app.automatic.close();
    expect(readFileSync(path.join(logDir, 'auto_backup.log'), 'utf8')).toContain(
      '[2026-06-13 06:03:00] Geplantes Backup 2026-06-13 06:00 von host-x:999 übernommen (dessen Lauf war abgebrochen)',
    );
  });

  it('logged every event as one well-formed line', () => {
    const lines = readFileSync(path.join(logDir, 'auto_backup.log'), 'utf8').split('\n').filter(Boolean);
    for (const line of lines) expect(line).toMatch(LOG_LINE_PATTERN);
    expect(lines.filter((l) => l.includes('Backup erfolgreich'))).toHaveLength(5);
    expect(lines).toContain('[2026-06-10 18:05:00] Automatisches Backup gestoppt von admin@example.org');
    expect(lines).toContain('[2026-06-11 06:00:00] Automatisches Backup gestartet von chef@example.org');
    if (process.env.SHOW_LOG) console.log(lines.join('\n'));
  });
});
