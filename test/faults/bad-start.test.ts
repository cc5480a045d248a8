import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/shared/project.js';
import { freePort } from '../../src/db/local-ferretdb.js';
import { useTempDir } from '../helpers/temp-dir.js';

const dir = useTempDir();

function startApp(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [path.join(projectRoot, 'dist/src/main.js')], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    }),
  );
}

describe('the app refuses to start on bad input, with one clear line', () => {
  it.each([
    ['BACKUP_TIMES', '06:00,25:00'],
    ['BACKUP_TIMEZONE', 'Europe/Bärlin'],
    ['BACKUP_KEEP', '0'],
    ['SMTP_URL', 'mail.example.org'],
  ])('%s=%s', async (variable, value) => {
    const result = await startApp({ [variable]: value, MONGODB_URI: 'mongodb://127.0.0.1:1/' });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringContaining(variable)]);
    expect(result.stderr).toMatch(/^scandy-backup: Ungültige Konfiguration: /);
  });

  it('an unreachable database', async () => {
    const port = await freePort();
    const result = await startApp({ MONGODB_URI: `mongodb://backup:geheim@127.0.0.1:${port}/?serverSelectionTimeoutMS=500` });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^scandy-backup: Datenbank nicht erreichbar: /);
    expect(result.stderr).not.toContain('geheim');
  });
});
