import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MongoOperationLock, type LockLease, type OperationLock } from '../../src/backup/operation-lock.js';
import { seedDatabase } from '../../src/seed/seed-database.js';
import { ADMIN, logLine, signIn, useWebApp, waitForIdle, type SignedIn } from './helpers/web-app.js';

/** The real lock, with a gate the test can close to keep an operation "starting". */
class GatedLock implements OperationLock {
  private gate: Promise<void> = Promise.resolve();
  private readonly inner: MongoOperationLock;
  constructor(db: Db) {
    this.inner = new MongoOperationLock(db);
  }
  hold(): () => void {
    let open: () => void = () => undefined;
    this.gate = new Promise((resolve) => (open = resolve));
    return () => {
      this.gate = Promise.resolve();
      open();
    };
  }
  async acquire(purpose: string): Promise<LockLease> {
    await this.gate;
    return this.inner.acquire(purpose);
  }
  current() {
    return this.inner.current();
  }
}

let gated: GatedLock;
/** While set, every read of a backup from the database fails, the safety archive's too. */
let failArchiveReads = false;
const w = useWebApp({
  lock: (db) => (gated = new GatedLock(db)),
  failpoints: {
    afterReadBatch: () => {
      if (failArchiveReads) throw new Error('Lesefehler (Test)');
    },
  },
});
let admin: SignedIn;
let server: http.Server;
let port = 0;
let cookie = '';

beforeAll(async () => {
  await seedDatabase(w.t.db, { docs: 6000 });
  await w.manager.create({ kind: 'manual', actor: 'test' });
  admin = await signIn(w.app, ADMIN);
  server = http.createServer(w.app).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  port = (server.address() as AddressInfo).port;
  const jar = (admin.agent as unknown as { jar: { getCookies(o: object): { name: string; value: string }[] } }).jar;
  cookie = jar.getCookies({ domain: '127.0.0.1', path: '/', secure: false, script: false }).map((c) => `${c.name}=${c.value}`).join('; ');
});

afterAll(() => {
  server.closeAllConnections();
  server.close();
});

const names = async () => (await w.manager.list()).map((b) => b.name);
const post = (url: string, body: object = {}) => admin.agent.post(url).set('x-csrf-token', admin.csrf).send(body);

interface OperationsState {
  running: { id: string; operation: string; progress?: { phase: string; collection?: string; documentsDone: number; documentsTotal: number } } | null;
  last: { id: string; ok: boolean; message: string } | null;
}

/** Collects server-sent events until `until` says stop. */
function collectEvents(until: (state: OperationsState) => boolean): { states: OperationsState[]; done: Promise<void>; stop: () => void } {
  const states: OperationsState[] = [];
  let req: http.ClientRequest | undefined;
  const done = new Promise<void>((resolve, reject) => {
    req = http.get({ host: '127.0.0.1', port, path: '/admin/api/operations/events', headers: { cookie } }, (res) => {
      let buffer = '';
      res.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = block.split('\n').find((l) => l.startsWith('data: '));
          if (!data) continue;
          const state = JSON.parse(data.slice(6)) as OperationsState;
          states.push(state);
          if (until(state)) {
            req?.destroy();
            resolve();
          }
        }
      });
    });
    req.on('error', (error) => ((error as NodeJS.ErrnoException).code === 'ECONNRESET' ? resolve() : reject(error)));
  });
  return { states, done, stop: () => req?.destroy() };
}

describe('long operations', () => {
  it('answers a second "Backup erstellen" while one runs with 409 "läuft bereits" and starts only one', async () => {
    const before = await names();
    const open = gated.hold();
    const first = post('/admin/api/backups').then((r) => r);
    try {
      while (!w.tracker.state().running) await new Promise((r) => setTimeout(r, 5));

      const second = await post('/admin/api/backups');
      expect(second.status).toBe(409);
      expect(second.body.error).toEqual({ code: 'OPERATION_RUNNING', message: 'Ein Backup läuft bereits' });
      const restore = await post(`/admin/api/backups/${before[0]}/restore`, { confirm: true });
      expect(restore.status).toBe(409);
      expect(restore.body.error.message).toContain('läuft bereits');

      const status = await admin.agent.get('/admin/api/status').expect(200);
      expect(status.body.operations.running).toMatchObject({ operation: 'backup', subject: 'manual', actor: ADMIN.email });
    } finally {
      open();
    }
    const answered = await first;
    expect(answered.status).toBe(202);
    expect(answered.body.operation).toMatchObject({ operation: 'backup', subject: 'manual', actor: ADMIN.email, id: expect.any(String) });
    expect((await waitForIdle(w.tracker))?.ok).toBe(true);
    expect((await names()).length).toBe(before.length + 1);
  });

  it('answers 409 when another process holds the operation lock, and names it', async () => {
    const other = new MongoOperationLock(w.t.db, { owner: 'anderer-server:4711' });
    const lease = await other.acquire('backup:auto');
    try {
      const res = await post('/admin/api/backups');
      expect(res.status).toBe(409);
      expect(res.body.error.message).toMatch(/Ein Backup läuft bereits .*anderer-server:4711/);
      expect(w.tracker.state().running).toBeUndefined();
      const status = await admin.agent.get('/admin/api/status').expect(200);
      expect(status.body.lock).toMatchObject({ purpose: 'backup:auto', owner: 'anderer-server:4711' });
    } finally {
      await lease.release();
    }
  });

  it('reports the progress of a backup live (collection, documents done of total) as server-sent events', async () => {
    const started: { id?: string } = {};
    const events = collectEvents((s) => s.running === null && s.last !== null && s.last.id === started.id);
    const collectionsSeen = new Set<string>();
    const unsubscribe = w.tracker.subscribe((s) => s.running?.progress?.collection && collectionsSeen.add(s.running.progress.collection));
    await new Promise((r) => setTimeout(r, 100));
    const res = await post('/admin/api/backups').expect(202);
    started.id = res.body.operation.id;
    await Promise.race([events.done, new Promise((_, reject) => setTimeout(() => reject(new Error('no end event')), 30_000))]);
    const progress = events.states.map((s) => s.running?.progress).filter((p) => p !== undefined);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)).toMatchObject({ operation: 'backup', phase: 'backup', documentsTotal: 6000 });
    expect(progress.every((p) => p.documentsDone <= p.documentsTotal)).toBe(true);
    // The event stream sends at most 4 states a second; the tracker behind it saw every collection.
    unsubscribe();
    expect(collectionsSeen.size).toBeGreaterThan(1);
    expect(events.states.at(-1)?.last).toMatchObject({ id: started.id, ok: true, message: 'erfolgreich' });
  });

  it('stays responsive while a backup runs', async () => {
    const latencies: number[] = [];
    await post('/admin/api/backups').expect(202);
    while (w.tracker.state().running) {
      const started = performance.now();
      await admin.agent.get('/admin/api/status').expect(200);
      latencies.push(performance.now() - started);
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(latencies.length).toBeGreaterThan(0);
    expect(Math.max(...latencies)).toBeLessThan(2000);
  });

  it('restores only after confirmation, only known collections, after a safety backup', async () => {
    await waitForIdle(w.tracker);
    const [source] = await names();
    const tools = w.t.db.collection('tools');
    const toolsInBackup = await tools.countDocuments();
    await tools.deleteMany({});

    for (const body of [{}, { confirm: false }, { confirm: 'ja' }, { collections: ['tools'] }]) {
      const res = await post(`/admin/api/backups/${source}/restore`, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('INVALID_INPUT');
    }
    for (const collections of [['users'], ['tools', 'scandy_backup_locks'], []]) {
      const res = await post(`/admin/api/backups/${source}/restore`, { confirm: true, collections });
      expect(res.status, collections.join()).toBe(400);
    }
    expect(await tools.countDocuments()).toBe(0);

    const before = await names();
    const res = await post(`/admin/api/backups/${source}/restore`, { confirm: true, collections: ['tools'] }).expect(202);
    expect(res.body.operation).toMatchObject({ operation: 'restore', subject: source, actor: ADMIN.email });
    const last = await waitForIdle(w.tracker);
    expect(last).toMatchObject({ ok: true, operation: 'restore' });
    expect(await tools.countDocuments()).toBe(toolsInBackup);

    const added = (await w.manager.list()).filter((b) => !before.includes(b.name));
    expect(added.map((b) => b.kind)).toEqual(['pre-restore']);
    await logLine(w, `Wiederherstellung gestartet aus ${source} (tools) (von ${ADMIN.email})`);
    await logLine(w, `Wiederherstellung erfolgreich aus ${source}`);
  });

  it('says on the pages, in the status and in the log when the safety archive of a restore is still pending, until it is written', async () => {
    await waitForIdle(w.tracker);
    const [source] = await names();
    failArchiveReads = true;

    await post(`/admin/api/backups/${source}/restore`, { confirm: true, collections: ['tools'] }).expect(202);
    const last = await waitForIdle(w.tracker);
    expect(last).toMatchObject({ ok: true, message: expect.stringMatching(/^erfolgreich; Das Sicherungs-Backup des ersetzten Stands steht noch aus/) });
    await logLine(w, 'das Sicherungs-Backup des ersetzten Stands steht noch aus');

    const status = await admin.agent.get('/admin/api/status').expect(200);
    expect(status.body.pendingSafetyArchive).toMatchObject({ source, attempts: 1, lastError: expect.stringContaining('Lesefehler (Test)') });
    expect(status.body.scheduler.watchdog).toMatchObject({ ok: false, message: expect.stringContaining('steht noch aus') });
    expect((await admin.agent.get('/admin').expect(200)).text).toContain('steht noch aus');
    const again = await post(`/admin/api/backups/${source}/restore`, { confirm: true, collections: ['tools'] });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'SAFETY_BACKUP_PENDING', message: expect.stringContaining('steht noch aus') });

    failArchiveReads = false;
    await post('/admin/api/backups').expect(202);
    expect((await waitForIdle(w.tracker))?.ok).toBe(true);
    await logLine(w, 'Ausstehendes Sicherungs-Backup des ersetzten Stands');
    expect((await admin.agent.get('/admin/api/status').expect(200)).body.pendingSafetyArchive).toBeNull();
  });

  it('verify answers 422 for a damaged stored backup and the list remembers it', async () => {
    const [name] = await names();
    const file = path.join(w.backupDir, name!);
    const bytes = readFileSync(file);
    const middle = Math.floor(bytes.length / 2);
    bytes[middle] = (bytes[middle] ?? 0) ^ 0xff;
    writeFileSync(file, bytes);

    const res = await post(`/admin/api/backups/${name}/verify`);
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('ARCHIVE_INVALID');
    const list = (await admin.agent.get('/admin/api/backups').expect(200)).body.backups as { name: string; verification: { ok: boolean; checkedBy: string } }[];
    expect(list.find((b) => b.name === name)?.verification).toMatchObject({ ok: false, checkedBy: ADMIN.email });
    const page = await admin.agent.get('/admin/backups').expect(200);
    expect(page.text).toContain('fehlerhaft');

    const restore = await post(`/admin/api/backups/${name}/restore`, { confirm: true });
    expect(restore.status).toBe(202);
    expect(await waitForIdle(w.tracker)).toMatchObject({ ok: false });
  });

  it('deletes a backup (logged with the admin) and answers 404 for it afterwards', async () => {
    const [name] = await names();
    const res = await admin.agent.delete(`/admin/api/backups/${name}`).set('x-csrf-token', admin.csrf).expect(200);
    expect(res.body).toEqual({ deleted: name });
    expect(await names()).not.toContain(name);
    await logLine(w, `Backup gelöscht: ${name} (von ${ADMIN.email})`);
    await admin.agent.delete(`/admin/api/backups/${name}`).set('x-csrf-token', admin.csrf).expect(404);
    await admin.agent.post(`/admin/api/backups/${name}/verify`).set('x-csrf-token', admin.csrf).expect(404);
  });

  it('refuses a mail request when mail is not set up, before starting anything', async () => {
    const res = await post('/admin/api/backups', { mail: true });
    expect(res.status).toBe(400);
    expect(w.tracker.state().running).toBeUndefined();
    const bad = await post('/admin/api/backups', { mail: 'ja' });
    expect(bad.status).toBe(400);
  });
});
