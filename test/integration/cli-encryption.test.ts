import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ObjectId } from 'mongodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPair } from '../../src/crypto/age-keys.js';
import { runAge } from '../helpers/age-cli.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { useTestDatabase } from '../helpers/database.js';
import { useTempDir } from '../helpers/temp-dir.js';

const t = useTestDatabase();
const dir = useTempDir();
const outputs: CliResult[] = [];
let env: Record<string, string> = {};
let keyFile = '';
let secretKey = '';

async function cli(args: readonly string[], extra: Record<string, string> = {}): Promise<CliResult> {
  const result = await runCli(args, { ...env, ...extra });
  outputs.push(result);
  return result;
}

beforeAll(async () => {
  const pair = await generateKeyPair();
  secretKey = /AGE-SECRET-KEY-1\S+/.exec(pair.secretKeyFile)?.[0] ?? '';
  keyFile = path.join(dir, 'key.txt');
  writeFileSync(keyFile, pair.secretKeyFile, { mode: 0o600 });
  env = {
    MONGODB_URI: t.uri,
    MONGODB_DB: t.dbName,
    BACKUP_DIR: path.join(dir, 'backups'),
    LOG_DIR: path.join(dir, 'logs'),
    BACKUP_COLLECTIONS: 'tools,workers',
    BACKUP_ENCRYPTION_RECIPIENTS: pair.publicKey,
  };
  await t.db.collection('tools').insertMany(Array.from({ length: 120 }, (_, i) => ({ _id: new ObjectId(), name: `Bohrer ${i}` })));
});

describe('scandy-backup with encryption', () => {
  let name = '';

  it('create writes …zip.age; list and verify work without the key; verify and restore with --identity or the server key file', async () => {
    const created = await cli(['create', '--json']);
    expect(created.code).toBe(0);
    name = (JSON.parse(created.stdout) as { name: string }).name;
    expect(name).toMatch(/-manual\.zip\.age$/);

    const list = JSON.parse((await cli(['list', '--json'])).stdout) as { name: string; documents: number; encrypted: boolean }[];
    expect(list.find((b) => b.name === name)).toMatchObject({ documents: 120, encrypted: true });

    const keyless = await cli(['verify', name]);
    expect(keyless.code).toBe(0);
    expect(keyless.stdout).toContain('die Prüfung des Inhalts braucht den geheimen Schlüssel');

    const preview = await cli(['restore', name, '--preview']);
    expect(preview.code).toBe(0);
    expect(preview.stdout).toContain('Wiederherstellen braucht --identity DATEI');
    const noKeyRestore = await cli(['restore', name, '--yes']);
    expect(noKeyRestore.code).not.toBe(0);
    expect(noKeyRestore.stderr).toContain('zum Lesen wird der geheime Schlüssel (AGE-SECRET-KEY-1…) gebraucht');
    expect(await t.db.collection('tools').countDocuments()).toBe(120);

    const withKey = await cli(['verify', name, '--identity', keyFile, '--json']);
    expect(withKey.code).toBe(0);
    expect(JSON.parse(withKey.stdout)).toMatchObject({ ok: true, contentChecked: true, documents: 120 });

    const serverKey = await cli(['verify', name, '--json'], { BACKUP_ENCRYPTION_IDENTITY_FILE: keyFile });
    expect(JSON.parse(serverKey.stdout)).toMatchObject({ contentChecked: true });

    await t.db.collection('tools').deleteMany({});
    const restored = await cli(['restore', name, '--yes', '--identity', keyFile]);
    expect(restored.stderr).toBe('');
    expect(restored.code).toBe(0);
    expect(await t.db.collection('tools').countDocuments()).toBe(120);
  });

  it('`age -d -i key.txt` gives a zip that verify accepts', async () => {
    const plain = path.join(dir, 'plain.zip');
    expect(runAge(['-d', '-i', keyFile, '-o', plain, path.join(env.BACKUP_DIR ?? '', name)]).code).toBe(0);
    const result = await cli(['verify', plain, '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: true, contentChecked: true, documents: 120 });
  });

  it('a wrong key is one German line; a bad key file too', async () => {
    const other = path.join(dir, 'other.txt');
    writeFileSync(other, (await generateKeyPair()).secretKeyFile, { mode: 0o600 });
    const wrong = await cli(['restore', name, '--yes', '--identity', other]);
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toContain('Der Schlüssel passt nicht zu diesem Backup');
    const bad = path.join(dir, 'bad.txt');
    writeFileSync(bad, 'kein Schlüssel\n');
    const refused = await cli(['verify', name, '--identity', bad]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('--identity');
  });

  it('drill reads an encrypted backup with --identity or the server key file; without a key it fails with the German reason', async () => {
    const env2 = { BACKUP_DRILL_DB: `${t.dbName}_drill` };
    const keyless = await cli(['drill', name, '--json'], env2);
    expect(keyless.code).toBe(1);
    expect(JSON.parse(keyless.stdout)).toMatchObject({ ok: false, backup: name });
    expect(keyless.stderr).toContain('zum Lesen wird der geheime Schlüssel (AGE-SECRET-KEY-1…) gebraucht');

    const withKey = await cli(['drill', name, '--identity', keyFile, '--json'], env2);
    expect(withKey.stderr).toBe('');
    expect(withKey.code).toBe(0);
    expect(JSON.parse(withKey.stdout)).toMatchObject({ ok: true, backup: name, documents: 120 });

    const serverKey = await cli(['drill', name, '--json'], { ...env2, BACKUP_ENCRYPTION_IDENTITY_FILE: keyFile });
    expect(serverKey.code).toBe(0);
    expect(JSON.parse(serverKey.stdout)).toMatchObject({ ok: true, documents: 120 });
  });

  it('no key material in any output or the log', () => {
    const log = readFileSync(path.join(env.LOG_DIR ?? '', 'auto_backup.log'), 'utf8');
    for (const text of [...outputs.flatMap((o) => [o.stdout, o.stderr]), log]) {
      expect(text).not.toContain(secretKey);
      expect(text).not.toMatch(/AGE-SECRET-KEY-1[A-Z0-9]{20}/);
    }
    expect(outputs.length).toBeGreaterThan(6);
  });
});
