import { chmodSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { cacheDir, freePort } from '../../src/db/local-ferretdb.js';
import { runApp, spawnApp } from '../helpers/app-process.js';
import { useTempDir } from '../helpers/temp-dir.js';

const tmp = useTempDir('scandy-start-up-');
let folders = 0;
/** A fresh working folder, as a new clone would be. */
function freshFolder(): string {
  const dir = path.join(tmp, `run-${++folders}`);
  mkdirSync(dir);
  return dir;
}

const ADMIN_ENV = { ADMIN_EMAIL: 'admin@example.org', ADMIN_PASSWORD: 'Admin-Passwort-1', SCANDY_CACHE_DIR: cacheDir() };

/** FerretDB servers the apps under test started; killed at the end should a test fail half-way. */
const ferretDbPids: number[] = [];
afterAll(() => {
  for (const pid of ferretDbPids) if (runs(pid)) process.kill(pid, 'SIGKILL');
});

/** Whether `pid` is a live process (a zombie has no command line). */
function runs(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').length > 0;
  } catch {
    return false;
  }
}

function readPidFile(folder: string): { pid: number; port: number; ferretdbPid: number } {
  const content = JSON.parse(readFileSync(path.join(folder, '.data', 'ferretdb.json'), 'utf8')) as { pid: number; port: number; ferretdbPid: number };
  ferretDbPids.push(content.ferretdbPid);
  return content;
}

async function answersPing(port: number): Promise<boolean> {
  const client = new MongoClient(`mongodb://127.0.0.1:${port}/`, { serverSelectionTimeoutMS: 1000 });
  try {
    await client.db('admin').command({ ping: 1 });
    return true;
  } catch {
    return false;
  } finally {
    await client.close();
  }
}

/** A folder for PATH with only `tools` from the real PATH (so without Go), plus `extra` scripts. */
function pathWith(tools: readonly string[], extra: Record<string, string> = {}): string {
  const bin = freshFolder();
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  for (const tool of tools) {
    const found = dirs.map((d) => path.join(d, tool)).find((file) => existsSync(file));
    if (!found) throw new Error(`${tool} not on PATH`);
    symlinkSync(found, path.join(bin, tool));
  }
  for (const [name, script] of Object.entries(extra)) {
    writeFileSync(path.join(bin, name), script);
    chmodSync(path.join(bin, name), 0o755);
  }
  return bin;
}

const portMessage = (port: number) => `scandy-backup: Port ${port} ist belegt – läuft die App schon? Anderen Port mit PORT=${port + 1} wählen.`;

describe('a port that cannot be bound stops the start', () => {
  it('another program on the port: exit 1, one line naming PORT, nothing started', async () => {
    const other = net.createServer();
    await new Promise<void>((resolve) => other.listen(0, resolve));
    const port = (other.address() as net.AddressInfo).port;
    const folder = freshFolder();
    try {
      const result = await runApp(folder, { MONGODB_URI: inject('mongoUri'), MONGODB_DB: 'start_up_port', PORT: String(port) });
      expect(result.code).toBe(1);
      expect(result.stderr.trim().split('\n')).toEqual([portMessage(port)]);
      expect(result.stdout).toBe('');
      // No log, no backup folder, no local database: nothing ran.
      expect(['logs', 'backups', '.data'].filter((f) => existsSync(path.join(folder, f)))).toEqual([]);
    } finally {
      other.close();
    }
  });

  it('a second start while the first runs: the first and its local database go on untouched', async () => {
    const folder = freshFolder();
    const port = await freePort();
    const env = { ...ADMIN_ENV, HOST: '127.0.0.1', PORT: String(port) };
    const first = spawnApp(folder, env);
    try {
      const line = await first.waitForLine('läuft auf');
      expect(line).toBe(`Scandy Backup läuft auf http://127.0.0.1:${port} — Anmeldung: http://127.0.0.1:${port}/login`);
      const database = readPidFile(folder);

      const second = await runApp(folder, env);
      expect(second.code).toBe(1);
      expect(second.stderr.trim().split('\n')).toEqual([portMessage(port)]);
      expect(second.stdout).toBe('');

      expect(readPidFile(folder)).toEqual(database);
      expect(await answersPing(database.port)).toBe(true);
      expect((await fetch(`http://127.0.0.1:${port}/login`)).status).toBe(200);
    } finally {
      first.child.kill('SIGTERM');
    }
    const { ferretdbPid } = readPidFile(folder);
    expect((await first.exited).code).toBe(0);
    expect(existsSync(path.join(folder, '.data', 'ferretdb.json'))).toBe(false);
    expect(runs(ferretdbPid)).toBe(false);
  });
});

describe('the local database of a killed app', () => {
  it('is stopped before the next start runs its own on the same files', async () => {
    const folder = freshFolder();
    const env = { ...ADMIN_ENV, PORT: '0' };
    const killed = spawnApp(folder, env);
    await killed.waitForLine('läuft auf');
    const orphan = readPidFile(folder);
    killed.child.kill('SIGKILL');
    await killed.exited;
    expect(runs(orphan.ferretdbPid)).toBe(true);

    const next = spawnApp(folder, env);
    try {
      await next.waitForLine('läuft auf');
      expect(runs(orphan.ferretdbPid)).toBe(false);
      const own = readPidFile(folder);
      expect(own.pid).toBe(next.child.pid);
      expect(runs(own.ferretdbPid)).toBe(true);
      expect(await answersPing(own.port)).toBe(true);
    } finally {
      next.child.kill('SIGTERM');
    }
    expect((await next.exited).code).toBe(0);
  });
});

describe('the first build of the local database', () => {
  const tools = ['bash', 'mkdir', 'mktemp', 'chmod', 'rm', 'date', 'sed', 'cp', 'mv', 'tee'];

  it('without Go: one line naming both ways out, nothing started', async () => {
    const folder = freshFolder();
    const cache = freshFolder();
    const result = await runApp(folder, { PATH: pathWith(tools), SCANDY_CACHE_DIR: cache, PORT: '0' });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      'scandy-backup: Für die lokale Datenbank fehlt Go 1.22+ (nicht gefunden) – Go installieren (https://go.dev/dl/) oder MONGODB_URI auf eine vorhandene MongoDB setzen.',
    ]);
    expect(result.stdout).toBe('');
    expect(existsSync(path.join(folder, '.data'))).toBe(false);
  });

  it('says once that it builds, keeps Go’s output in the build log and names that log when it fails', async () => {
    const folder = freshFolder();
    const cache = freshFolder();
    const fakeGo = [
      '#!/bin/sh',
      'if [ "$1" = env ]; then echo go1.22.0; exit 0; fi',
      'echo "go: downloading github.com/FerretDB/FerretDB v1.24.2" >&2',
      'echo "go: github.com/FerretDB/FerretDB@v1.24.2: keine Verbindung zum Modul-Proxy" >&2',
      'exit 1',
    ].join('\n');
    const result = await runApp(folder, { PATH: pathWith(tools, { go: fakeGo }), SCANDY_CACHE_DIR: cache, PORT: '0' });
    const log = path.join(cache, 'ferretdb-build.log');
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('Lokale Datenbank wird einmalig gebaut (FerretDB, etwa 2 Minuten) …\n');
    expect(result.stderr.trim().split('\n')).toEqual([
      `scandy-backup: Lokale Datenbank (FerretDB v1.24.2) konnte nicht gebaut werden – Einzelheiten in ${log}; oder MONGODB_URI auf eine vorhandene MongoDB setzen.`,
    ]);
    expect(readFileSync(log, 'utf8')).toContain('keine Verbindung zum Modul-Proxy');
    expect(existsSync(path.join(folder, '.data'))).toBe(false);
  });
});
