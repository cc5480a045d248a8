import { existsSync, rmSync } from 'node:fs';
import { ObjectId } from 'mongodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { createBackupContext } from '../../src/app/compose.js';
import { AgeIdentities } from '../../src/crypto/age-identities.js';
import { generateKeyPair } from '../../src/crypto/age-keys.js';
import { createBackupManager } from '../../src/manager/backup-manager.js';
import { useTestDatabase } from '../helpers/database.js';
import { useTempDir } from '../helpers/temp-dir.js';

const t = useTestDatabase();
const backupDir = useTempDir('scandy-no-sidecar-');
const pair = await generateKeyPair();
const identities = await AgeIdentities.fromSecretKeys([/AGE-SECRET-KEY-1\S+/.exec(pair.secretKeyFile)![0]]);

/** Encryption on, the server without key: as recommended. A plain archive from before sidecars must still work everywhere. */
const manager = () =>
  createBackupManager(createBackupContext({ backupDir, backupCollections: ['tools'], backupKeep: 50, encryptionRecipients: [pair.publicKey] }, t.db));
const plainManager = () => createBackupManager(createBackupContext({ backupDir, backupCollections: ['tools'], backupKeep: 50 }, t.db));

beforeAll(async () => {
  await t.db.collection('tools').insertMany(Array.from({ length: 120 }, (_, i) => ({ _id: new ObjectId(), name: `Zange ${i}` })));
});

describe('archives without a sidecar (made before sidecars, or by hand)', () => {
  it('a plain one is listed, verified, previewed and restored from its manifest, with encryption on', async () => {
    const made = await plainManager().create({ kind: 'manual' });
    const sidecar = `${made.backup.path}.json`;
    expect(existsSync(sidecar)).toBe(true);
    rmSync(sidecar);

    const backups = manager();
    const listed = (await backups.list()).find((b) => b.name === made.backup.name);
    expect(listed).toMatchObject({ documents: 120, encrypted: false, problem: undefined });
    await expect(backups.verify({ name: made.backup.name })).resolves.toMatchObject({ documents: 120, contentChecked: true });
    await expect(backups.previewRestore({ name: made.backup.name })).resolves.toMatchObject({ encrypted: false, needsKey: false });

    await t.db.collection('tools').deleteMany({});
    const restored = await backups.restore({ source: { name: made.backup.name } });
    expect(restored.documents).toBe(120);
    expect(await t.db.collection('tools').countDocuments()).toBe(120);
    // The safety archive of this restore is written like every new one: encrypted, with its sidecar.
    expect(restored.preRestoreBackup).toMatch(/-pre-restore\.zip\.age$/);
  });

  it('an encrypted one without sidecar: the list says why it has no counts; with the key it verifies, previews and restores', async () => {
    const made = await manager().create({ kind: 'manual' });
    rmSync(`${made.backup.path}.json`);
    const backups = manager();
    const listed = (await backups.list()).find((b) => b.name === made.backup.name);
    expect(listed?.documents).toBeUndefined();
    expect(listed?.problem).toMatch(/ohne Beschreibung/);
    await expect(backups.verify({ name: made.backup.name })).rejects.toThrow(/fehlt die Beschreibung/);
    await expect(backups.previewRestore({ name: made.backup.name })).rejects.toThrow(/geheime Schlüssel/);

    await expect(backups.verify({ name: made.backup.name }, undefined, identities)).resolves.toMatchObject({ documents: 120, contentChecked: true });
    await expect(backups.previewRestore({ name: made.backup.name }, identities)).resolves.toMatchObject({ encrypted: true, needsKey: false });
    const restored = await backups.restore({ source: { name: made.backup.name }, identities });
    expect(restored.documents).toBe(120);
  });
});
