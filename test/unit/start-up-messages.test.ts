import { describe, expect, it } from 'vitest';
import { listenProblem } from '../../src/app/http-server.js';
import { loadConfig } from '../../src/config/config.js';

const errno = (code: string) => Object.assign(new Error(code), { code });

describe('a port that cannot be bound is one line naming what to change', () => {
  it.each([
    ['EADDRINUSE', undefined, 3000, 'Port 3000 ist belegt – läuft die App schon? Anderen Port mit PORT=3001 wählen.'],
    ['EACCES', undefined, 80, 'Port 80 ist nicht erlaubt (keine Berechtigung) – einen Port ab 1024 mit PORT=3000 wählen.'],
    ['EADDRNOTAVAIL', '10.9.8.7', 3000, 'HOST=10.9.8.7 ist keine Adresse dieses Rechners – HOST leer lassen (alle Netzwerkschnittstellen) oder z. B. HOST=127.0.0.1 wählen.'],
    ['ENOTFOUND', 'backup.invalid', 3000, 'HOST=backup.invalid ist keine Adresse dieses Rechners – HOST leer lassen (alle Netzwerkschnittstellen) oder z. B. HOST=127.0.0.1 wählen.'],
    ['EMFILE', undefined, 3000, 'Webserver kann nicht auf Port 3000 starten (EMFILE) – anderen Port mit PORT=3001 wählen.'],
  ] as const)('%s (HOST=%s, PORT=%s)', (code, host, port, message) => {
    expect(listenProblem(errno(code), { host, port })).toBe(message);
  });
});

describe('HOST', () => {
  it.each([
    [undefined, undefined],
    ['', undefined],
    ['127.0.0.1', '127.0.0.1'],
    ['::1', '::1'],
    ['0.0.0.0', '0.0.0.0'],
    ['localhost', 'localhost'],
    ['backup.werkstatt.local', 'backup.werkstatt.local'],
  ])('%j is accepted as %j', (value, host) => {
    expect(loadConfig(value === undefined ? {} : { HOST: value }).host).toBe(host);
  });

  it.each(['zwei wörter', 'http://127.0.0.1', '127.0.0.1:3000', '-start'])('%j stops the start naming HOST', (value) => {
    expect(() => loadConfig({ HOST: value })).toThrow(/^Ungültige Konfiguration: HOST /);
  });
});
