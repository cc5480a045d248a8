import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ObjectId, type Collection, type Db } from 'mongodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { composeBackupSystem } from '../../src/app/compose.js';
import { MongoOperationLock } from '../../src/backup/operation-lock.js';
import { loadConfig } from '../../src/config/config.js';
import { SCHEDULER_STATE_COLLECTION } from '../../src/scheduler/scheduler-state-store.js';
import { useTestDatabase } from '../helpers/database.js';
import { useTempDir } from '../helpers/temp-dir.js';

const t = useTestDatabase();
const root = useTempDir('scandy-run-records-');
let now = new Date();
const clock = { now: () => now };
let processes = 0;

interface StateWrites {
  /** Each write to the scheduler state: which fields it sets ($set) or raises ($max). */
  readonly seen: string[];
  failing: boolean;
}

/**
 * The real database, but the writes to the scheduler state are counted and can be made to fail
 * (as they would with a lost write concern): everything else (claims, lock, backup) works.
 */
function watchedStateWrites(db: Db): { db: Db; writes: StateWrites } {
  const writes: StateWrites = { seen: [], failing: false };
  const watch = (collection: Collection) =>
    new Proxy(collection, {
      get(target, property) {
        if (property !== 'updateOne') return Reflect.get(target, property, target) as unknown;
        return async (...args: Parameters<Collection['updateOne']>) => {
          const update = args[1] as Record<string, Record<string, unknown>>;
          writes.seen.push(Object.entries(update).map(([operator, fields]) => `${operator} ${Object.keys(fields).join(',')}`).join('; '));
          if (writes.failing) throw new Error('Schreiben abgelehnt (Test)');
          return target.updateOne(...args);
        };
      },
    });
  const proxied = new Proxy(db, {
    get(target, property) {
      if (property !== 'collection') return Reflect.get(target, property, target) as unknown;
      return (name: string) => (name === SCHEDULER_STATE_COLLECTION ? watch(target.collection(name)) : target.collection(name));
    },
  });
  return { db: proxied, writes };
}

function appProcess() {
  const name = `host-records:${++processes}`;
  const logDir = path.join(root, `logs-${processes}`);
  const config = loadConfig({ BACKUP_DIR: path.join(root, `backups-${processes}`), LOG_DIR: logDir }, root);
  const { db, writes } = watchedStateWrites(t.db);
  const automatic = composeBackupSystem({ config, db, clock, owner: name, lock: new MongoOperationLock(t.db, { owner: name }), ticker: false });
  const { manager, scheduler } = automatic;
  const logLines = () => readFileSync(path.join(logDir, 'auto_backup.log'), 'utf8').split('\n').filter(Boolean);
  return { config, automatic, manager, scheduler, writes, logLines };
}

beforeAll(async () => {
  await t.db.collection('tools').insertMany(Array.from({ length: 20 }, (_, i) => ({ _id: new ObjectId(), name: `Zange ${i}` })));
});

describe('run records: one owner writes each record once', () => {
  it('an automatic success records its time once, and the run as running, then as finished', async () => {
    const app = appProcess();
    now = new Date('2026-06-10T16:00:00Z');
    expect((await app.scheduler.tick()).decision).toMatchObject({ kind: 'succeeded', trigger: 'Zeitplan' });
    await app.automatic.close();
    expect(app.writes.seen).toEqual(['$set lastRun', '$max lastSuccessAt', '$set lastRun']);
    expect((await app.scheduler.status()).lastRun).toMatchObject({ ok: true, trigger: 'Zeitplan', message: 'erfolgreich' });
  });

  it('a manual backup records the same way', async () => {
    const app = appProcess();
    now = new Date('2026-06-10T17:00:00Z');
    const result = await app.manager.create({ kind: 'manual', actor: 'admin@example.org' });
    await app.automatic.close();
    expect(app.writes.seen).toEqual(['$set lastRun', '$max lastSuccessAt', '$set lastRun']);
    expect((await app.scheduler.status()).lastRun).toMatchObject({ ok: true, trigger: 'admin@example.org', backupName: result.backup.name });
  });

  it('a failed automatic backup records the plain reason as its last run, the log line adds the headline once', async () => {
    const app = appProcess();
    writeFileSync(app.config.backupDir, 'keine Mappe');
    now = new Date('2026-06-11T04:00:00Z');
    expect((await app.scheduler.tick()).decision).toMatchObject({ kind: 'failed', reason: expect.stringMatching(/^(?!Backup fehlgeschlagen).*(EEXIST|ENOTDIR)/) as string });
    await app.automatic.close();
    const lastRun = (await app.scheduler.status()).lastRun;
    expect(lastRun).toMatchObject({ ok: false, trigger: 'Zeitplan', message: expect.stringMatching(/(EEXIST|ENOTDIR)/) as string });
    expect(lastRun?.message).not.toContain('fehlgeschlagen');
    expect(app.logLines().filter((line) => line.includes('Backup fehlgeschlagen'))).toEqual([
      expect.stringMatching(/^\[2026-06-11 06:00:00\] Backup fehlgeschlagen: [^(]*(EEXIST|ENOTDIR).* \(automatisch, Zeitplan\)$/),
    ]);
  });

  it('a store that refuses writes is said once, not per write, and the backup still succeeds', async () => {
    const app = appProcess();
    const notSaved = () => app.logLines().filter((line) => line.includes('Zustand des Zeitplans nicht gespeichert'));
    app.writes.failing = true;
    now = new Date('2026-06-11T16:00:00Z');
    expect((await app.scheduler.tick()).decision).toMatchObject({ kind: 'succeeded' });
    // Once a write succeeded again, the next refusal is news and said again.
    app.writes.failing = false;
    now = new Date('2026-06-12T04:00:00Z');
    expect((await app.scheduler.tick()).decision).toMatchObject({ kind: 'succeeded' });
    app.writes.failing = true;
    now = new Date('2026-06-12T16:00:00Z');
    expect((await app.scheduler.tick()).decision).toMatchObject({ kind: 'succeeded' });
    await app.automatic.close();
    expect(app.writes.seen).toHaveLength(9);
    expect(notSaved()).toEqual([
      '[2026-06-11 18:00:00] Zustand des Zeitplans nicht gespeichert: Schreiben abgelehnt (Test)',
      '[2026-06-12 18:00:00] Zustand des Zeitplans nicht gespeichert: Schreiben abgelehnt (Test)',
    ]);
  });
});
