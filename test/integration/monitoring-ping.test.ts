import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPinger, parsePingUrl, pingOutcomeText, pingUrlFor, type PingOutcome } from '../../src/monitoring/ping.js';

const TOKEN = 'c0ffee-5ecret-token';

/** A real HTTP server that records each request and answers as the test says. */
let server: Server;
let port = 0;
const received: string[] = [];
let answer: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end('OK');

beforeAll(async () => {
  server = createServer((req, res) => {
    received.push(`${req.method} ${req.url}`);
    answer(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  received.length = 0;
  answer = (_req, res) => res.end('OK');
});

const base = () => parsePingUrl(`http://127.0.0.1:${port}/ping/${TOKEN}`);

describe('monitoring ping (BACKUP_PING_URL)', () => {
  it('sends GET URL/start, URL and URL/fail, in the order asked, and reports each outcome', async () => {
    const outcomes: PingOutcome[] = [];
    const pinger = createPinger({ url: base(), report: (o) => outcomes.push(o) });
    // The start ping is slow to answer; the success ping still arrives after it.
    answer = (req, res) => {
      if (!req.url?.endsWith('/start')) return void res.end('OK');
      setTimeout(() => {
        received.push('start answered');
        res.end('OK');
      }, 300);
    };
    const pending = [pinger.ping('start'), pinger.ping('success'), pinger.ping('fail')];
    expect(received).toEqual([]);
    await Promise.all(pending);

    expect(received).toEqual([`GET /ping/${TOKEN}/start`, 'start answered', `GET /ping/${TOKEN}`, `GET /ping/${TOKEN}/fail`]);
    expect(outcomes.map((o) => [o.signal, o.ok, o.status])).toEqual([
      ['start', true, 200],
      ['success', true, 200],
      ['fail', true, 200],
    ]);
    expect(outcomes[0]!.durationMs).toBeGreaterThanOrEqual(250);
  });

  it('keeps a query string and copes with a trailing slash', () => {
    const withQuery = new URL('https://kuma.example.org/api/push/abc?status=up&msg=OK');
    expect(pingUrlFor(withQuery, 'start').href).toBe('https://kuma.example.org/api/push/abc/start?status=up&msg=OK');
    expect(pingUrlFor(new URL('https://hc-ping.com/uuid/'), 'fail').href).toBe('https://hc-ping.com/uuid/fail');
    expect(pingUrlFor(new URL('https://hc-ping.com/uuid'), 'success').href).toBe('https://hc-ping.com/uuid');
  });

  it('gives up after its timeout without throwing, and says so without the URL', async () => {
    answer = () => undefined; // never answers
    const outcomes: PingOutcome[] = [];
    const pinger = createPinger({ url: base(), timeoutMs: 200, report: (o) => outcomes.push(o) });
    const outcome = await pinger.ping('start');
    expect(outcome).toMatchObject({ ok: false, reason: 'keine Antwort nach 200 ms', host: `127.0.0.1:${port}` });
    expect(outcomes).toEqual([outcome]);
    expect(pingOutcomeText(outcome)).toBe(`Überwachungs-Ping (Start) an 127.0.0.1:${port} nicht gesendet: keine Antwort nach 200 ms`);
  });

  it('reports an HTTP error and a refused connection; neither rejects, none names the token', async () => {
    answer = (_req, res) => {
      res.statusCode = 404;
      res.end('not found');
    };
    const pinger = createPinger({ url: base() });
    const notFound = await pinger.ping('success');
    expect(notFound).toMatchObject({ ok: false, status: 404, reason: 'HTTP 404' });

    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const refused = await createPinger({ url: parsePingUrl(`http://user:pw@127.0.0.1:${closedPort}/${TOKEN}`) }).ping('fail');
    expect(refused).toMatchObject({ ok: false, reason: 'Verbindung abgelehnt', host: `127.0.0.1:${closedPort}` });

    for (const outcome of [notFound, refused]) {
      const shown = `${JSON.stringify(outcome)} ${pingOutcomeText(outcome)}`;
      expect(shown).not.toContain(TOKEN);
      expect(shown).not.toContain('pw');
    }
    expect(pingOutcomeText(notFound)).toBe(`Überwachungs-Ping (Erfolg) an 127.0.0.1:${port} nicht gesendet: HTTP 404`);
  });

  it('sends user and password of the URL as Basic authorization, not in the request line', async () => {
    let authorization: string | undefined;
    answer = (req, res) => {
      authorization = req.headers.authorization;
      res.end('OK');
    };
    const outcome = await createPinger({ url: parsePingUrl(`http://kuma:p%40ss@127.0.0.1:${port}/api/push/${TOKEN}`) }).ping('start');
    expect(outcome.ok).toBe(true);
    expect(received).toEqual([`GET /api/push/${TOKEN}/start`]);
    expect(authorization).toBe(`Basic ${Buffer.from('kuma:p@ss').toString('base64')}`);
  });

  it('a report callback that throws does not make the ping fail', async () => {
    const pinger = createPinger({
      url: base(),
      report: () => {
        throw new Error('log voll');
      },
    });
    await expect(pinger.ping('success')).resolves.toMatchObject({ ok: true });
  });

  it.each([
    ['ftp://example.org/x', 'BACKUP_PING_URL muss mit http:// oder https:// beginnen'],
    [`hc-ping.com/${TOKEN}`, 'BACKUP_PING_URL ist keine gültige URL'],
  ])('refuses %s in one line without repeating it', (raw, message) => {
    expect(() => parsePingUrl(raw)).toThrow(`Ungültige Konfiguration: ${message}`);
    try {
      parsePingUrl(raw);
    } catch (error) {
      expect((error as Error).message).not.toContain(TOKEN);
    }
  });
});
