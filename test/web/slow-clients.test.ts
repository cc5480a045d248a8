import { readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listenHttp, type HttpEndpoint } from '../../src/app/http-server.js';
import { seedDatabase } from '../../src/seed/seed-database.js';
import { ADMIN, useWebApp } from './helpers/web-app.js';

/** Short limits, so that the test is quick; the app's defaults are longer (src/app/http-server.ts). */
const LIMITS = { headersMs: 500, bodyMs: 500, uploadMs: 60_000, uploadIdleMs: 1500, keepAliveMs: 1000, maxConnections: 3 };
/** Far beyond every short limit above, far below the upload limit. */
const CLOSED_BEFORE_MS = 8000;

const w = useWebApp();
let server: HttpEndpoint;
let port: number;
let archive: Buffer;

beforeAll(async () => {
  server = await listenHttp({ host: '127.0.0.1', port: 0, limits: LIMITS });
  server.serve(w.app);
  port = Number(new URL(server.url).port);
  await seedDatabase(w.t.db, { docs: 50 });
  archive = readFileSync(path.join(w.backupDir, (await w.manager.create({ kind: 'manual', actor: 'test' })).backup.name));
});
afterAll(() => server.close());

/** What the server sent before it closed `socket`; fails when it is still open after CLOSED_BEFORE_MS. */
function answerUntilClosed(socket: net.Socket): Promise<string> {
  let answer = '';
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => (answer += chunk));
  socket.on('error', () => undefined);
  return new Promise((resolve, reject) => {
    const guard = setTimeout(() => {
      reject(new Error(`still open after ${CLOSED_BEFORE_MS} ms; answer so far: ${JSON.stringify(answer)}`));
      socket.destroy();
    }, CLOSED_BEFORE_MS);
    socket.on('close', () => {
      clearTimeout(guard);
      resolve(answer);
    });
  });
}

/** Sends `head` at once, then one more byte every 100 ms, until the server closes the connection. */
async function drip(head: string): Promise<string> {
  const socket = net.connect(port, '127.0.0.1');
  socket.write(head);
  const timer = setInterval(() => socket.write('a'), 100);
  try {
    return await answerUntilClosed(socket);
  } finally {
    clearInterval(timer);
  }
}

async function signInCookies(): Promise<{ cookie: string; csrf: string }> {
  const session = await fetch(`${server.url}/api/session`);
  let cookie = session.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const { csrfToken } = (await session.json()) as { csrfToken: string };
  const login = await fetch(`${server.url}/login`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/json', 'x-csrf-token': csrfToken },
    body: JSON.stringify(ADMIN),
  });
  expect(login.status).toBe(200);
  cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ') || cookie;
  return { cookie, csrf: ((await login.json()) as { csrfToken: string }).csrfToken };
}

function multipart(file: Buffer, boundary: string): Buffer {
  return Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="langsam.zip"\r\nContent-Type: application/zip\r\n\r\n`),
    file,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
}

describe('slow clients cannot hold the server', () => {
  // First, before other tests leave keep-alive connections behind.
  it('connections beyond the cap are refused', async () => {
    const open = await Promise.all(
      Array.from({ length: LIMITS.maxConnections }, () => new Promise<net.Socket>((resolve) => {
        const socket = net.connect(port, '127.0.0.1', () => resolve(socket));
      })),
    );
    // Let the server accept them before the next one knocks.
    await new Promise((r) => setTimeout(r, 200));
    const extra = net.connect(port, '127.0.0.1');
    extra.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n');
    const answer = await answerUntilClosed(extra);
    const accepted = open[0] as net.Socket;
    accepted.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
    const acceptedAnswer = await answerUntilClosed(accepted);
    for (const socket of open) socket.destroy();
    expect(answer).toBe('');
    expect(acceptedAnswer).toMatch(/^HTTP\/1\.1 200 /);
  });

  it('a drip-fed body to /login is answered 408 and the connection closed', async () => {
    const answer = await drip(
      `POST /login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\nemail=`,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('drip-fed headers are cut off', async () => {
    const answer = await drip('GET /login HTTP/1.1\r\nHost: localhost\r\nX-Slow: ');
    expect(answer).toMatch(/^(HTTP\/1\.1 408 |$)/);
  });

  it('an upload without a session gets no longer limit: answered 401, then cut off', async () => {
    const answer = await drip(
      `POST /admin/api/backups/upload HTTP/1.1\r\nHost: localhost\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: 100000\r\n\r\n`,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 401 /);
  });

  it('an admin upload may take longer than the short limit while bytes keep coming', async () => {
    const { cookie, csrf } = await signInCookies();
    const body = multipart(archive, 'grenze');
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(`${server.url}/admin/api/backups/upload`, {
        method: 'POST',
        headers: { cookie, 'x-csrf-token': csrf, 'content-type': 'multipart/form-data; boundary=grenze', 'content-length': body.length },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      // Ten pieces, 150 ms apart: three times the short limit in all.
      const pieces = 10;
      const size = Math.ceil(body.length / pieces);
      let sent = 0;
      const timer = setInterval(() => {
        req.write(body.subarray(sent * size, (sent + 1) * size));
        if (++sent === pieces) {
          clearInterval(timer);
          req.end();
        }
      }, 150);
    });
    expect(status).toBe(201);
  });

  it('an admin upload that stops sending is cut off after the idle limit', async () => {
    const { cookie, csrf } = await signInCookies();
    const socket = net.connect(port, '127.0.0.1');
    socket.write(
      `POST /admin/api/backups/upload HTTP/1.1\r\nHost: localhost\r\nCookie: ${cookie}\r\nX-CSRF-Token: ${csrf}\r\n` +
        `Content-Type: multipart/form-data; boundary=grenze\r\nContent-Length: 100000\r\n\r\n--grenze\r\n`,
    );
    expect(await answerUntilClosed(socket)).toMatch(/^(HTTP\/1\.1 408 |$)/);
  });

});
