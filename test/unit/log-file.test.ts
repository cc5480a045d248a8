import { appendFileSync, mkdirSync, readFileSync, readdirSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEventLog } from '../../src/log/event-log.js';
import { createLogReader, readLastLines } from '../../src/log/log-file-reader.js';
import { LOG_LINE_PATTERN } from '../../src/log/log-line.js';
import { useTempDir } from '../helpers/temp-dir.js';

const root = useTempDir('scandy-log-');
let n = 0;
const freshDir = () => {
  const dir = path.join(root, `case-${++n}`);
  mkdirSync(dir, { recursive: true });
  return dir;
};

describe('readLastLines', () => {
  it('returns the last lines, oldest first, whatever the chunk size', async () => {
    const file = path.join(freshDir(), 'a.log');
    const lines = Array.from({ length: 500 }, (_, i) => `[2026-01-01 00:00:00] Zeile ${i} – Größe ß 😀`);
    writeFileSync(file, lines.join('\n') + '\n');
    for (const chunk of [1, 7, 64, 4096, 1 << 20]) {
      expect(await readLastLines(file, 3, chunk)).toEqual(lines.slice(-3));
      expect(await readLastLines(file, 1000, chunk)).toEqual(lines);
    }
  });

  it('copes with a missing file, no trailing newline, CRLF and blank lines', async () => {
    const dir = freshDir();
    expect(await readLastLines(path.join(dir, 'missing.log'), 5)).toEqual([]);
    const file = path.join(dir, 'b.log');
    writeFileSync(file, 'eins\r\nzwei\n\n\ndrei');
    expect(await readLastLines(file, 2, 2)).toEqual(['zwei', 'drei']);
    expect(await readLastLines(file, 0)).toEqual([]);
  });

  it('reads only the end of a large file', async () => {
    // A sparse 3 GiB file: reading it whole would not even fit into one Buffer.
    const file = path.join(freshDir(), 'big.log');
    writeFileSync(file, '');
    truncateSync(file, 3 * 1024 ** 3);
    appendFileSync(file, '\nvorletzte Zeile\nletzte Zeile\n');
    expect(await readLastLines(file, 2)).toEqual(['vorletzte Zeile', 'letzte Zeile']);
  });

  it('continues into the rotated files, newest first', async () => {
    const dir = freshDir();
    writeFileSync(path.join(dir, 'auto_backup2.log'), 'älter 1\nälter 2\n');
    writeFileSync(path.join(dir, 'auto_backup1.log'), 'alt 1\n');
    writeFileSync(path.join(dir, 'auto_backup.log'), 'neu 1\n');
    const reader = createLogReader(path.join(dir, 'auto_backup.log'));
    expect(await reader.tail(2)).toEqual(['alt 1', 'neu 1']);
    expect(await reader.tail(3)).toEqual(['älter 2', 'alt 1', 'neu 1']);
    expect(await reader.tail(10)).toEqual(['älter 1', 'älter 2', 'alt 1', 'neu 1']);
  });
});

describe('event log file', () => {
  it('writes one formatted line per event, in the configured zone, and flushes on close', async () => {
    const dir = freshDir();
    let now = new Date('2026-03-29T00:59:59Z');
    const log = createEventLog({ logDir: dir, timeZone: 'Europe/Berlin', secrets: [], clock: { now: () => now } });
    log.write('vor der Umstellung');
    now = new Date('2026-03-29T01:00:00Z');
    log.sink({ type: 'backup.started', kind: 'auto', actor: 'Zeitplan' });
    log.write('mehrzeilig\nzweite Zeile');
    await log.close();
    log.write('nach dem Schließen');
    const lines = readFileSync(path.join(dir, 'auto_backup.log'), 'utf8').split('\n').filter(Boolean);
    expect(lines).toEqual([
      '[2026-03-29 01:59:59] vor der Umstellung',
      '[2026-03-29 03:00:00] Backup gestartet (automatisch, Zeitplan)',
      '[2026-03-29 03:00:00] mehrzeilig zweite Zeile',
    ]);
    for (const line of lines) expect(line).toMatch(LOG_LINE_PATTERN);
    expect(await log.reader.tail(2)).toEqual(lines.slice(-2));
  });

  it('never writes the secrets it was given, nor URL credentials', async () => {
    const dir = freshDir();
    const secrets = ['SmtpPass!', 'Admin-Passwort-123', 'session-secret-0123456789abcdef', 'db-pass'];
    const log = createEventLog({ logDir: dir, timeZone: 'UTC', secrets });
    log.write('Verbindung mongodb://backup:db-pass@db:27017 fehlgeschlagen');
    log.write('SMTP-Anmeldung mit SmtpPass! abgelehnt; Admin-Passwort-123; session-secret-0123456789abcdef');
    log.sink({ type: 'backup.failed', kind: 'auto', reason: 'Backup fehlgeschlagen: smtp://u:p@host nicht erreichbar' });
    await log.close();
    const text = readFileSync(log.path, 'utf8');
    for (const secret of [...secrets, 'u:p@']) expect(text).not.toContain(secret);
    expect(text).toContain('mongodb://***@db:27017');
    for (const line of text.split('\n').filter(Boolean)) expect(line).toMatch(LOG_LINE_PATTERN);
  });

  it('rotates by size and keeps at most maxFiles files', async () => {
    const dir = freshDir();
    const log = createEventLog({ logDir: dir, timeZone: 'UTC', secrets: [], maxBytes: 2000, maxFiles: 3 });
    for (let i = 0; i < 150; i++) log.write(`Zeile ${String(i).padStart(3, '0')} ${'x'.repeat(40)}`);
    await log.close();
    const files = readdirSync(dir).sort();
    expect(files).toEqual(['auto_backup.log', 'auto_backup1.log', 'auto_backup2.log']);
    for (const file of files) expect(readFileSync(path.join(dir, file)).length).toBeLessThanOrEqual(2000 + 100);
    const tail = await log.reader.tail(5);
    expect(tail.at(-1)).toMatch(/Zeile 149 x+$/);
    expect(tail).toHaveLength(5);
    // Across the rotated files, the newest lines are all there, in order.
    const kept = (await log.reader.tail(1000)).map((line) => Number(/Zeile (\d+)/.exec(line)?.[1]));
    expect(kept.length).toBeGreaterThan(60);
    expect(kept).toEqual(Array.from({ length: kept.length }, (_, i) => 150 - kept.length + i));
  });

  it('creates the folder only for its owner (0700) and the files readable only by it (0600)', async () => {
    const dir = path.join(freshDir(), 'neu', 'logs');
    const log = createEventLog({ logDir: dir, timeZone: 'UTC', secrets: [], maxBytes: 200, maxFiles: 3 });
    for (let i = 0; i < 10; i++) log.write(`Zeile ${i} ${'x'.repeat(40)}`);
    await log.close();
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const files = readdirSync(dir).sort();
    expect(files).toEqual(['auto_backup.log', 'auto_backup1.log', 'auto_backup2.log']);
    for (const file of files) expect(statSync(path.join(dir, file)).mode & 0o777).toBe(0o600);
  });
});
