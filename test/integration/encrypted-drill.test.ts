import { readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ObjectId } from 'mongodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { createBackupContext } from '../../src/app/compose.js';
import { AgeIdentities } from '../../src/crypto/age-identities.js';
import { generateKeyPair } from '../../src/crypto/age-keys.js';
import { createBackupManager, type BackupManager } from '../../src/manager/backup-manager.js';
import { useTestDatabase } from '../helpers/database.js';
import { useTempDir } from '../helpers/temp-dir.js';

const t = useTestDatabase();
const dir = useTempDir();
const backupDir = path.join(dir, 'backups');
const collections = ['tools', 'workers'];
const scratchName = () => `${t.dbName}_drill_enc`;
let identities: AgeIdentities;
let recipient = '';
let backupName = '';

function manager(serverIdentities?: AgeIdentities): BackupManager {
  const ctx = createBackupContext({ backupDir, backupCollections: collections, backupKeep: 50, encryptionRecipients: [recipient] }, t.db, {
    identities: serverIdentities,
  });
  return createBackupManager(ctx, { drillDatabase: scratchName() });
}

async function databaseNames(): Promise<string[]> {
  const { databases } = await t.client.db('admin').admin().listDatabases({ nameOnly: true });
  return databases.map((d) => d.name);
}

/** Decrypted archives of this process left in the system's temp folder. */
const decryptedLeft = () => readdirSync(os.tmpdir()).filter((name) => name.startsWith(`scandy-decrypted-${process.pid}-`));

beforeAll(async () => {
  const pair = await generateKeyPair();
  recipient = pair.publicKey;
  identities = await AgeIdentities.fromSecretKeys([/AGE-SECRET-KEY-1\S+/.exec(pair.secretKeyFile)?.[0] ?? '']);
  await t.db.collection('tools').insertMany(Array.from({ length: 250 }, (_, i) => ({ _id: new ObjectId(), name: `Zange ${i}` })));
  await t.db.collection('workers').insertOne({ _id: new ObjectId(), firstname: 'Gülten' });
  backupName = (await manager().create({ kind: 'manual', actor: 'test' })).backup.name;
});

describe('restore drill of an encrypted backup', () => {
  it('decrypts with the server key to a private temp zip, finds it identical and removes the temp zip and the scratch database', async () => {
    expect(backupName).toMatch(/\.zip\.age$/);
    const result = await manager(identities).drill({ actor: 'test' });
    expect(result).toMatchObject({ ok: true, reason: null, backup: backupName, documents: 251 });
    expect(decryptedLeft()).toEqual([]);
    expect(await databaseNames()).not.toContain(scratchName());
  });

  it('uses the key given for this drill when the server has none', async () => {
    const result = await manager().drill({ actor: 'test', identities });
    expect(result).toMatchObject({ ok: true, documents: 251 });
  });

  it('without a key, or with a wrong one, the drill fails with a German reason and is recorded so', async () => {
    const keyless = await manager().drill({ actor: 'test' });
    expect(keyless).toMatchObject({ ok: false, backup: backupName, documents: 0 });
    expect(keyless?.reason).toContain('geheime Schlüssel');
    const other = await AgeIdentities.fromSecretKeys([/AGE-SECRET-KEY-1\S+/.exec((await generateKeyPair()).secretKeyFile)?.[0] ?? '']);
    const wrong = await manager().drill({ actor: 'test', identities: other });
    expect(wrong).toMatchObject({ ok: false });
    expect(wrong?.reason).toContain('Der Schlüssel passt nicht');
    expect(await manager().lastDrill()).toMatchObject({ ok: false, backup: backupName });
    expect(decryptedLeft()).toEqual([]);
    expect(await databaseNames()).not.toContain(scratchName());
  });
});
