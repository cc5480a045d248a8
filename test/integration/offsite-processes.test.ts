import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { useTestDatabase } from '../helpers/database.js';
import { awsEnvironment } from '../helpers/offsite.js';
import { TestS3Server } from '../helpers/s3-server.js';
import { useTempDir } from '../helpers/temp-dir.js';

const t = useTestDatabase();
const root = useTempDir('scandy-offsite-processes-');
let server: TestS3Server;

/** The environment of one host: its own BACKUP_DIR, the shared database and bucket, the keys through the AWS SDK's variables. */
function host(name: string): Record<string, string> {
  return { MONGODB_URI: t.uri, MONGODB_DB: t.dbName, BACKUP_DIR: path.join(root, name), LOG_DIR: path.join(root, `logs-${name}`), ...awsEnvironment(server) };
}

interface Listed {
  name: string;
  locations: string[];
  documents: number | null;
}

async function list(env: Record<string, string>): Promise<Listed[]> {
  const result = await runCli(['list', '--json'], env);
  expect(result.stderr).toBe('');
  return JSON.parse(result.stdout) as Listed[];
}

async function create(env: Record<string, string>): Promise<string> {
  const result = await runCli(['create', '--json'], env);
  expect(result.code, result.stderr).toBe(0);
  return (JSON.parse(result.stdout) as { name: string }).name;
}

beforeAll(async () => {
  server = await TestS3Server.start();
  await t.db.collection('tools').insertMany(Array.from({ length: 25 }, (_, i) => ({ _id: new ObjectId(), name: `Zange ${i}` })));
});
afterAll(() => server.stop());

describe('two hosts (separate processes and BACKUP_DIRs) sharing one database and one bucket', () => {
  it('see equal lists, and each restores the backup the other made', async () => {
    const [a, b] = [host('a'), host('b')];
    const fromA = await create(a);
    const fromB = await create(b);
    const [listA, listB] = await Promise.all([list(a), list(b)]);
    expect(listA.map((x) => x.name)).toEqual([fromB, fromA]);
    expect(listB.map((x) => x.name)).toEqual(listA.map((x) => x.name));
    expect(listA.map((x) => x.locations)).toEqual([['s3'], ['local', 's3']]);
    expect(listB.map((x) => x.locations)).toEqual([['local', 's3'], ['s3']]);
    expect(listA[0]!.documents).toBe(25);

    await t.db.collection('tools').deleteMany({});
    const restoredByB = await runCli(['restore', fromA, '--yes', '--json'], b);
    expect(restoredByB.code, restoredByB.stderr).toBe(0);
    expect(await t.db.collection('tools').countDocuments()).toBe(25);
    await t.db.collection('tools').deleteMany({});
    const restoredByA = await runCli(['restore', fromB, '--yes'], a);
    expect(restoredByA.code, restoredByA.stderr).toBe(0);
    expect(await t.db.collection('tools').countDocuments()).toBe(25);

    const verified = await runCli(['verify', fromB, '--json'], a);
    expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true, documents: 25 });
    for (const name of ['a', 'b']) expect(readFileSync(path.join(root, `logs-${name}`, 'auto_backup.log'), 'utf8')).not.toContain(server.secretAccessKey);
  });

  it('a bad BACKUP_S3_URL stops the command with one German line naming it', async () => {
    const result = await runCli(['list'], { ...host('a'), BACKUP_S3_URL: 'https://bucket' });
    expect(result.code).not.toBe(0);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('BACKUP_S3_URL muss die Form s3://BUCKET');
  });
});
