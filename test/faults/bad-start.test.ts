import { describe, expect, it } from 'vitest';
import { freePort } from '../../src/db/local-ferretdb.js';
import { runApp } from '../helpers/app-process.js';
import { useTempDir } from '../helpers/temp-dir.js';

const dir = useTempDir();

const startApp = (env: Record<string, string>) => runApp(dir, env);

describe('the app refuses to start on bad input, with one clear line', () => {
  it.each([
    ['BACKUP_TIMES', '06:00,25:00'],
    ['BACKUP_TIMEZONE', 'Europe/Bärlin'],
    ['BACKUP_KEEP', '0'],
    ['SMTP_URL', 'mail.example.org'],
    ['HOST', 'zwei wörter'],
    ['BACKUP_ENCRYPTION_RECIPIENTS', 'age1kein-schluessel'],
    ['BACKUP_ENCRYPTION_IDENTITY_FILE', 'fehlt/key.txt'],
  ])('%s=%s', async (variable, value) => {
    const result = await startApp({ [variable]: value, MONGODB_URI: 'mongodb://127.0.0.1:1/' });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringContaining(variable)]);
    expect(result.stderr).toMatch(/^scandy-backup: Ungültige Konfiguration: /);
  });

  it('an unreachable database', async () => {
    const port = await freePort();
    const result = await startApp({ PORT: '0', MONGODB_URI: `mongodb://backup:geheim@127.0.0.1:${port}/?serverSelectionTimeoutMS=500` });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^scandy-backup: Datenbank nicht erreichbar: /);
    expect(result.stderr).not.toContain('geheim');
  });
});
