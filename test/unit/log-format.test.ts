import { describe, expect, it } from 'vitest';
import type { BackupEvent } from '../../src/backup/backup-events.js';
import { describeBackupEvent } from '../../src/log/event-messages.js';
import { formatBytes, formatDuration } from '../../src/shared/human-units.js';
import { LOG_LINE_PATTERN, formatLogLine } from '../../src/log/log-line.js';
import { createRedactor, secretsFromConfig } from '../../src/log/redact.js';

describe('log line', () => {
  it.each([
    ['2026-01-15T05:00:00.000Z', 'Europe/Berlin', '[2026-01-15 06:00:00] x'],
    ['2026-07-15T04:00:00.000Z', 'Europe/Berlin', '[2026-07-15 06:00:00] x'],
    ['2026-03-29T00:59:59.999Z', 'Europe/Berlin', '[2026-03-29 01:59:59] x'],
    ['2026-03-29T01:00:00.000Z', 'Europe/Berlin', '[2026-03-29 03:00:00] x'],
    ['2025-12-31T23:00:00.000Z', 'Europe/Berlin', '[2026-01-01 00:00:00] x'],
    ['2026-01-01T00:00:00.000Z', 'UTC', '[2026-01-01 00:00:00] x'],
    ['2026-01-01T00:00:00.000Z', 'America/New_York', '[2025-12-31 19:00:00] x'],
  ])('%s in %s is %s', (iso, zone, line) => {
    expect(formatLogLine(new Date(iso), zone, 'x')).toBe(line);
    expect(line).toMatch(LOG_LINE_PATTERN);
  });

  it('keeps every event on one line', () => {
    const line = formatLogLine(new Date(0), 'UTC', 'Backup fehlgeschlagen:\n  at foo\r\n  at bar\n');
    expect(line).toBe('[1970-01-01 00:00:00] Backup fehlgeschlagen: at foo at bar');
    expect(formatLogLine(new Date(0), 'UTC', ' \n ')).toMatch(LOG_LINE_PATTERN);
  });
});

describe('engine events as German lines', () => {
  const cases: [BackupEvent, string][] = [
    [{ type: 'backup.started', kind: 'manual', actor: 'admin@example.org' }, 'Backup gestartet (manuell, von admin@example.org)'],
    [{ type: 'backup.started', kind: 'auto', actor: 'Zeitplan' }, 'Backup gestartet (automatisch, Zeitplan)'],
    [
      {
        type: 'backup.succeeded',
        kind: 'auto',
        name: 'scandy-backup-20260610T160000123Z-auto.zip',
        size: 2.3 * 1024 * 1024,
        documents: 12000,
        durationMs: 4100,
      },
      'Backup erfolgreich: scandy-backup-20260610T160000123Z-auto.zip (2,3 MiB, 12.000 Dokumente, 4,1 s)',
    ],
    [
      { type: 'backup.failed', kind: 'auto', actor: 'Zeitplan', reason: 'Festplatte voll' },
      'Backup fehlgeschlagen: Festplatte voll (automatisch, Zeitplan)',
    ],
    [{ type: 'backup.failed', kind: 'manual', reason: 'ENOSPC' }, 'Backup fehlgeschlagen: ENOSPC (manuell)'],
    [{ type: 'backup.pruned', removed: ['a.zip', 'b.zip'], tempFilesRemoved: [] }, 'Alte Backups gelöscht: a.zip, b.zip'],
    [{ type: 'backup.pruned', removed: [], tempFilesRemoved: ['c.zip.tmp'] }, 'Unfertige Dateien entfernt: c.zip.tmp'],
    [{ type: 'backup.prune-failed', reason: 'EACCES' }, 'Löschen alter Backups fehlgeschlagen: EACCES'],
    [{ type: 'backup.deleted', name: 'a.zip', actor: 'admin@example.org' }, 'Backup gelöscht: a.zip (von admin@example.org)'],
    [
      { type: 'restore.started', source: 'a.zip', collections: [], actor: 'admin@example.org' },
      'Wiederherstellung gestartet aus a.zip (alle Collections) (von admin@example.org)',
    ],
    [{ type: 'restore.started', source: 'a.zip', collections: ['tools', 'workers'] }, 'Wiederherstellung gestartet aus a.zip (tools, workers)'],
    [
      { type: 'restore.succeeded', source: 'a.zip', preRestoreBackup: 'p.zip', documents: 1, durationMs: 800 },
      'Wiederherstellung erfolgreich aus a.zip (1 Dokument, 800 ms; Sicherungs-Backup vorher: p.zip)',
    ],
    [
      { type: 'restore.succeeded', source: 'a.zip', safetyPending: 'ENOSPC', documents: 2, durationMs: 800 },
      'Wiederherstellung erfolgreich aus a.zip (2 Dokumente, 800 ms; das Sicherungs-Backup des ersetzten Stands steht noch aus)',
    ],
    [
      { type: 'restore.safety-pending', source: 'a.zip', reason: 'Backup fehlgeschlagen: ENOSPC', attempt: 2, keptIn: ['scandy_backup_aside_ab12_tools'] },
      'Sicherungs-Backup des ersetzten Stands (Wiederherstellung aus a.zip) steht noch aus, Versuch 2: Backup fehlgeschlagen: ENOSPC. ' +
        'Die ersetzten Daten bleiben bis dahin in der Datenbank (scandy_backup_aside_ab12_tools); ' +
        'es wird bei der nächsten Sicherung, beim nächsten Start und regelmäßig automatisch nachgeholt',
    ],
    [
      { type: 'restore.safety-written', source: 'a.zip', name: 'p.zip' },
      'Ausstehendes Sicherungs-Backup des ersetzten Stands (Wiederherstellung aus a.zip) nachgeholt und geprüft: p.zip',
    ],
    [
      { type: 'restore.writes-kept-apart', collection: 'tools', keptIn: 'scandy_backup_kept_ab12_tools', documents: 1 },
      'Während der Wiederherstellung in tools geschrieben und wegen eines eindeutigen Index nicht zusammenführbar: 1 Dokument, ' +
        'unverändert aufbewahrt in der Collection scandy_backup_kept_ab12_tools',
    ],
    [
      { type: 'restore.failed', source: 'a.zip', step: 'load', reason: 'Wiederherstellung fehlgeschlagen beim Laden: E11000. Die Datenbank ist unverändert.' },
      'Wiederherstellung fehlgeschlagen beim Laden: E11000. Die Datenbank ist unverändert. (a.zip)',
    ],
    [
      { type: 'restore.failed', source: 'a.zip', step: 'verify', reason: 'Prüfsumme stimmt nicht' },
      'Wiederherstellung fehlgeschlagen (a.zip): Prüfsumme stimmt nicht',
    ],
    [
      { type: 'restore.recovered', outcome: 'rolled-back', collections: ['tools'] },
      'Unterbrochene Wiederherstellung repariert: auf den alten Stand zurückgesetzt (tools)',
    ],
    [{ type: 'lock.taken-over', from: 'host-a:4711', purpose: 'backup:auto' }, 'Sperre von host-a:4711 übernommen (abgelaufen, Vorgang: backup:auto)'],
  ];
  it.each(cases)('%j', (event, line) => {
    expect(describeBackupEvent(event)).toBe(line);
  });
});

describe('units', () => {
  it.each([
    [0, '0 B'],
    [1023, '1.023 B'],
    [1536, '1,5 KiB'],
    [18 * 1024 * 1024, '18,0 MiB'],
    [3 * 1024 ** 3, '3,0 GiB'],
  ])('%d bytes is %s', (bytes, text) => expect(formatBytes(bytes)).toBe(text));
  it.each([
    [850, '850 ms'],
    [4100, '4,1 s'],
    [192_000, '3 min 12 s'],
  ])('%d ms is %s', (ms, text) => expect(formatDuration(ms)).toBe(text));
});

describe('redaction', () => {
  const config = {
    mongodbUri: 'mongodb://backup:s%40cret-Mongo@db.example.org:27017/scandy?authSource=admin',
    smtp: { url: 'smtps://mailer:Smtp-Url-Pass@mail.example.org:465' },
    adminPassword: 'Admin-Passwort-123',
    sessionSecret: 'session-secret-0123456789abcdef',
  };

  it('collects the literal secrets, the connection-string password raw and decoded', () => {
    expect(secretsFromConfig(config)).toEqual(
      expect.arrayContaining(['Admin-Passwort-123', 'session-secret-0123456789abcdef', 's%40cret-Mongo', 's@cret-Mongo', 'Smtp-Url-Pass', 'backup:s%40cret-Mongo']),
    );
    expect(secretsFromConfig({ mongodbUri: undefined, smtp: { host: 'h', pass: 'SmtpPass!' }, adminPassword: undefined, sessionSecret: undefined }, {})).toEqual([
      'SmtpPass!',
    ]);
  });

  it('also blanks the bucket keys the AWS SDK reads from the environment', () => {
    const env = { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'wJalr/Secret+Key', AWS_SESSION_TOKEN: 'Session-Token-1' };
    const redact = createRedactor(secretsFromConfig({ ...config, smtp: undefined }, env));
    expect(redact('key AKIDEXAMPLE signing with wJalr/Secret+Key and Session-Token-1')).toBe('key *** signing with *** and ***');
  });

  it('blanks URL credentials and every literal secret, wherever they appear', () => {
    const redact = createRedactor(secretsFromConfig({ ...config, smtp: { host: 'h', pass: 'SmtpPass!' } }));
    const text = [
      'connect failed: mongodb://backup:s%40cret-Mongo@db.example.org:27017/scandy',
      'password was s@cret-Mongo',
      'auth SmtpPass! rejected',
      'admin Admin-Passwort-123',
      'cookie session-secret-0123456789abcdef',
      'smtp://someone:other@mail.example.org',
    ].join(' | ');
    const clean = redact(text);
    for (const secret of ['s%40cret-Mongo', 's@cret-Mongo', 'SmtpPass!', 'Admin-Passwort-123', 'session-secret-0123456789abcdef', 'other@']) {
      expect(clean).not.toContain(secret);
    }
    expect(clean).toContain('mongodb://***@db.example.org:27017/scandy');
    expect(clean).toContain('smtp://***@mail.example.org');
  });

  it('blanks age secret keys of any kind and case, and leaves public keys and the "AGE-SECRET-KEY-1…" hint alone', () => {
    const x25519 = 'AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX';
    const postQuantum = 'AGE-SECRET-KEY-PQ-1XYZXYZ0QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L';
    const publicKey = 'age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj';
    const redact = createRedactor([]);
    const clean = redact(`key ${x25519}, lower ${x25519.toLowerCase()}; pq ${postQuantum} for ${publicKey}; erwartet: AGE-SECRET-KEY-1…`);
    expect(clean).toBe(`key ***, lower ***; pq *** for ${publicKey}; erwartet: AGE-SECRET-KEY-1…`);
  });
});
