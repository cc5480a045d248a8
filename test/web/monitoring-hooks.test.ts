import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { ObjectId } from 'mongodb';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeBackupSystem } from '../../src/app/compose.js';
import { documentToLine } from '../../src/archive/extended-json.js';
import type { DrillRecord } from '../../src/restore/drill/drill-records.js';
import type { DiskSpace } from '../../src/storage/disk-space.js';
import { seedDatabase } from '../../src/seed/seed-database.js';
import { createApp } from '../../src/web/create-app.js';
import { collectionFileText, writeHandmadeArchive } from '../helpers/handmade-archive.js';
import { ADMIN, logLine, signIn, useWebApp, waitForIdle } from './helpers/web-app.js';

const MB = 1024 * 1024;
const PING_TOKEN = 'a1b2c3d4-geheimer-ping-token';
const METRICS_TOKEN = 'metriken-token-0123456789';
const pings: string[] = [];
let pingServer: Server;
let space: DiskSpace = { free: 700 * MB, total: 1000 * MB };
const env: Record<string, string> = { TRUST_PROXY: '1' };

// Registered before useWebApp's own beforeAll, so the app starts with the ping server's URL.
beforeAll(async () => {
  pingServer = createServer((req, res) => {
    pings.push(req.url ?? '');
    res.end('OK');
  });
  await new Promise<void>((resolve) => pingServer.listen(0, '127.0.0.1', resolve));
  env.BACKUP_PING_URL = `http://127.0.0.1:${(pingServer.address() as AddressInfo).port}/ping/${PING_TOKEN}`;
});
const w = useWebApp({ env, readDiskSpace: async () => space });

beforeAll(async () => {
  await seedDatabase(w.t.db, { docs: 50 });
});
afterAll(async () => {
  await new Promise((resolve) => pingServer.close(resolve));
});

async function waitForPings(count: number): Promise<string[]> {
  const deadline = Date.now() + 5000;
  while (pings.length < count) {
    if (Date.now() > deadline) throw new Error(`only ${pings.length} pings: ${pings.join(', ')}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return pings;
}

/** An address of this machine that is not loopback, to call the app as another host would. */
function outsideAddress(): string | undefined {
  return Object.values(networkInterfaces())
    .flat()
    .find((a) => a && !a.internal && a.family === 'IPv4')?.address;
}

describe('BACKUP_PING_URL around each backup', () => {
  it('GETs URL/start and URL on success, URL/fail on failure, and never logs the token', async () => {
    const admin = await signIn(w.app, ADMIN);
    await admin.agent.post('/admin/api/backups').set('x-csrf-token', admin.csrf).send({}).expect(202);
    expect(await waitForIdle(w.tracker)).toMatchObject({ ok: true });
    expect(await waitForPings(2)).toEqual([`/ping/${PING_TOKEN}/start`, `/ping/${PING_TOKEN}`]);

    space = { free: 10 * MB, total: 1000 * MB };
    await admin.agent.post('/admin/api/backups').set('x-csrf-token', admin.csrf).send({}).expect(202);
    expect(await waitForIdle(w.tracker)).toMatchObject({ ok: false });
    expect((await waitForPings(4)).slice(2)).toEqual([`/ping/${PING_TOKEN}/start`, `/ping/${PING_TOKEN}/fail`]);
    space = { free: 700 * MB, total: 1000 * MB };

    await logLine(w, 'Überwachungs-Ping (Fehlschlag) an 127.0.0.1');
    const log = (await w.log.reader.tail(1000)).join('\n');
    expect(log).toContain('Überwachungs-Ping (Start) an 127.0.0.1');
    expect(log).not.toContain(PING_TOKEN);
  });
});

describe('GET /metrics', () => {
  it('answers loopback clients in the Prometheus text format, fed by the engine and the disk', async () => {
    const res = await request(w.app).get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.text).toMatch(/^scandy_backup_last_success_timestamp_seconds [1-9]\d+/m);
    expect(res.text).toMatch(/^scandy_backup_disk_free_bytes 734003200$/m);
    expect(res.text).toMatch(/scandy_backup_failures_total\{operation="backup"\} 1/);
  });

  it('shows the result and time of the last restore drill once one ran, from the drill button', async () => {
    expect((await request(w.app).get('/metrics').expect(200)).text).not.toMatch(/^scandy_backup_drill_last_success /m);
    const admin = await signIn(w.app, ADMIN);
    const { drill } = (await admin.agent.post('/admin/api/drill').set('x-csrf-token', admin.csrf).send({}).expect(200)).body as { drill: { ok: boolean; finishedAt: string } };
    expect(drill.ok).toBe(true);
    const res = await request(w.app).get('/metrics').expect(200);
    expect(res.text).toMatch(/^scandy_backup_drill_last_success 1$/m);
    const at = Number(/^scandy_backup_drill_last_timestamp_seconds (\S+)$/m.exec(res.text)?.[1]);
    expect(Math.abs(at * 1000 - new Date(drill.finishedAt).getTime())).toBeLessThan(5000);
  });

  it('and from the drill record, for a drill another process (the CLI) ran, at the next minute\'s tick', async () => {
    const other = composeBackupSystem({ config: w.config, db: w.t.db, ticker: false });
    let record: DrillRecord | undefined;
    try {
      // An archive whose entry no longer matches its manifest makes the other process's drill fail.
      const lines = [documentToLine({ _id: new ObjectId(), name: 'Feile' })];
      const bad = 'scandy-backup-20990101T000000000Z-manual.zip';
      writeHandmadeArchive(w.backupDir, bad, w.t.dbName, [{ name: 'tools', promised: collectionFileText(lines), held: collectionFileText(lines).replace('Feile', 'Feilx') }]);
      record = await other.manager.drill({ actor: 'CLI', source: { name: bad } });
    } finally {
      await other.close();
    }
    expect(record).toMatchObject({ ok: false, actor: 'CLI' });
    expect((await request(w.app).get('/metrics').expect(200)).text).toMatch(/^scandy_backup_drill_last_success 1$/m);
    await w.automatic.drills.tick(); // what the minute ticker does: reads the newest drill record
    const res = await request(w.app).get('/metrics').expect(200);
    expect(res.text).toMatch(/^scandy_backup_drill_last_success 0$/m);
    expect(res.text).toContain(`scandy_backup_drill_last_timestamp_seconds ${record!.finishedAt.getTime() / 1000}`);
  });

  it('refuses other hosts without METRICS_TOKEN, by the socket address even with X-Forwarded-For: 127.0.0.1', async () => {
    const address = outsideAddress();
    expect(address, 'this machine needs a non-loopback IPv4 address').toBeDefined();
    const server = createServer(w.app);
    await new Promise<void>((resolve) => server.listen(0, address, resolve));
    try {
      const url = `http://${address}:${(server.address() as AddressInfo).port}`;
      const res = await fetch(`${url}/metrics`, { headers: { 'x-forwarded-for': '127.0.0.1' } });
      expect(res.status).toBe(403);
      expect(((await res.json()) as { error: { message: string } }).error.message).toContain('METRICS_TOKEN');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('with METRICS_TOKEN answers only "Authorization: Bearer <token>", also on loopback', async () => {
    const app = createApp({ ...w.deps, config: { ...w.config, metricsToken: METRICS_TOKEN } });
    await request(app).get('/metrics').expect(401);
    await request(app).get('/metrics').set('authorization', 'Bearer falsch').expect(401);
    const res = await request(app).get('/metrics').set('authorization', `Bearer ${METRICS_TOKEN}`).expect(200);
    expect(res.text).toContain('scandy_backup_last_success_timestamp_seconds');
  });
});
