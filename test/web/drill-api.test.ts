import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { MongoOperationLock } from '../../src/backup/operation-lock.js';
import { SCANDY_COLLECTIONS } from '../../src/config/collections.js';
import { seedDatabase } from '../../src/seed/seed-database.js';
import { snapshot, snapshotDifferences } from '../helpers/snapshot.js';
import { ADMIN, logLine, signIn, useWebApp, type SignedIn } from './helpers/web-app.js';

const w = useWebApp();
let admin: SignedIn;
let backupName = '';

beforeAll(async () => {
  await seedDatabase(w.t.db, { docs: 500 });
  backupName = (await w.manager.create({ kind: 'manual', actor: 'test' })).backup.name;
  admin = await signIn(w.app, ADMIN);
});

const post = (body: object = {}) => admin.agent.post('/admin/api/drill').set('x-csrf-token', admin.csrf).send(body);

describe('POST /admin/api/drill', () => {
  it('runs the drill on the newest backup and answers with its result; the real collections stay byte for byte', async () => {
    const before = await snapshot(w.t.db, [...SCANDY_COLLECTIONS]);
    const response = await post().expect(200);
    expect(response.body.drill).toMatchObject({ ok: true, backup: backupName, documents: 500, reason: null, actor: ADMIN.email, ago: 'heute' });
    expect(response.body.drill.summary).toBe('erfolgreich, heute');
    expect(response.body.drill).not.toHaveProperty('scratchDatabase');
    expect(snapshotDifferences(before, await snapshot(w.t.db, [...SCANDY_COLLECTIONS]))).toEqual([]);
    expect(await logLine(w, `Wiederherstellungstest gestartet mit ${backupName} (${ADMIN.email})`)).toBeTruthy();
  });

  it('GET shows the last drill and the schedule', async () => {
    const response = await admin.agent.get('/admin/api/drill').expect(200);
    expect(response.body).toMatchObject({ schedule: 'weekly', scheduleText: 'wöchentlich, sonntags um 04:00 Uhr', last: { ok: true, backup: backupName } });
    expect(new Date(response.body.nextRun as string).getTime()).toBeGreaterThan(Date.now());
  });

  it('answers 409 with a German message while a backup holds the lock', async () => {
    const lease = await new MongoOperationLock(w.t.db, { owner: 'other-host:1:x' }).acquire('backup');
    try {
      const response = await post().expect(409);
      expect(response.body.error).toMatchObject({ code: 'OPERATION_RUNNING', message: expect.stringMatching(/^Ein Backup läuft bereits/) });
    } finally {
      await lease.release();
    }
  });

  it('drills a named backup, refuses a bad name with 400 and an unknown one with 404', async () => {
    expect((await post({ name: backupName }).expect(200)).body.drill.backup).toBe(backupName);
    expect((await post({ name: '../etc/passwd' }).expect(400)).body.error.code).toBe('INVALID_INPUT');
    expect((await post({ name: 'scandy-backup-20200101T000000000Z-manual.zip' }).expect(404)).body.error.code).toBe('BACKUP_NOT_FOUND');
  });

  it('needs the CSRF token and an admin', async () => {
    expect((await admin.agent.post('/admin/api/drill').send({}).expect(403)).body.error.code).toBe('CSRF_INVALID');
    expect((await request(w.app).post('/admin/api/drill').send({}).expect(401)).body.error.code).toBe('UNAUTHENTICATED');
  });
});
