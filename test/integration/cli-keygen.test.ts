import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readIdentityFile } from '../../src/config/encryption-config.js';
import { ageCli, runAge } from '../helpers/age-cli.js';
import { runCli } from '../helpers/cli.js';
import { useTempDir } from '../helpers/temp-dir.js';

const dir = useTempDir('scandy-keygen-');
/** No MONGODB_URI: a command that wanted the database would start FerretDB under this folder. */
const env = { DATA_DIR: path.join(dir, 'data'), BACKUP_DIR: path.join(dir, 'backups'), LOG_DIR: path.join(dir, 'logs') };

describe('scandy-backup keygen', () => {
  beforeAll(() => {
    ageCli();
  });

  it('prints the key file on stdout, the public key and the warning on stderr, without touching a database', async () => {
    const result = await runCli(['keygen'], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^# created: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\n# public key: age1[a-z0-9]{58}\nAGE-SECRET-KEY-1[A-Z0-9]{58}\n$/);
    const publicKey = /^# public key: (age1\S+)$/m.exec(result.stdout)![1]!;
    expect(result.stderr).toContain(`Öffentlicher Schlüssel (für BACKUP_ENCRYPTION_RECIPIENTS): ${publicKey}`);
    expect(result.stderr).toContain('Geht er verloren, sind diese Backups verloren');
    expect(result.stderr).not.toMatch(/AGE-SECRET-KEY-1[A-Z0-9]/);
    for (const folder of ['data', 'backups', 'logs']) expect(existsSync(path.join(dir, folder))).toBe(false);

    // `keygen > key.txt` is a key file for age and for us.
    const keyPath = path.join(dir, 'key.txt');
    writeFileSync(keyPath, result.stdout, { mode: 0o600 });
    expect((await readIdentityFile(keyPath)).publicKeys).toEqual([publicKey]);
    const plain = path.join(dir, 'plain.bin');
    writeFileSync(plain, 'Inhalt');
    expect(runAge(['-r', publicKey, '-o', `${plain}.age`, plain]).code).toBe(0);
    expect(runAge(['-d', '-i', keyPath, '-o', `${plain}.back`, `${plain}.age`]).code).toBe(0);
  });

  it('--json gives the public key and the key file', async () => {
    const result = await runCli(['keygen', '--json'], env);
    expect(result.code).toBe(0);
    const output = JSON.parse(result.stdout) as { publicKey: string; secretKeyFile: string };
    expect(output.secretKeyFile).toContain(`# public key: ${output.publicKey}\n`);
  });

  it('refuses arguments as a usage error', async () => {
    const result = await runCli(['keygen', 'extra'], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('scandy-backup: keygen erwartet keine Argumente\n');
    expect(result.stdout).toBe('');
  });
});
