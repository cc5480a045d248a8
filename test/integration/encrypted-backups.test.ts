import { copyFileSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ObjectId } from 'mongodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { verifyArchive } from '../../src/archive/verify-archive.js';
import { parseSidecar } from '../../src/archive/sidecar.js';
import { createBackupContext } from '../../src/app/compose.js';
import type { BackupContext } from '../../src/backup/backup-context.js';
import { createBackup } from '../../src/backup/create-backup.js';
import { listBackups } from '../../src/backup/list-backups.js';
import { CONTENT_NEEDS_KEY, verifyBackup } from '../../src/backup/verify-backup.js';
import { DecryptionError } from '../../src/crypto/decryption-error.js';
import { previewRestore } from '../../src/restore/preview-restore.js';
import { restoreBackup } from '../../src/restore/restore-backup.js';
import { checkAgainstSidecar } from '../../src/backup/sidecar-check.js';
import { AgeIdentities } from '../../src/crypto/age-identities.js';
import { startsWithAgeMagic } from '../../src/crypto/age-header.js';
import { generateKeyPair } from '../../src/crypto/age-keys.js';
import { runAge } from '../helpers/age-cli.js';
import { useTestDatabase } from '../helpers/database.js';
import { useTempDir } from '../helpers/temp-dir.js';

const t = useTestDatabase();
const dir = useTempDir();
const backupDir = path.join(dir, 'backups');
const collections = ['tools', 'workers'];
let secretKey = '';
let keyFile = '';
let recipient = '';

function context(options: { recipients?: readonly string[]; identities?: AgeIdentities } = {}): BackupContext {
  return createBackupContext({ backupDir, backupCollections: collections, backupKeep: 50, encryptionRecipients: options.recipients ?? [] }, t.db, {
    identities: options.identities,
  });
}

beforeAll(async () => {
  const pair = await generateKeyPair();
  recipient = pair.publicKey;
  secretKey = /AGE-SECRET-KEY-1\S+/.exec(pair.secretKeyFile)?.[0] ?? '';
  keyFile = path.join(dir, 'key.txt');
  writeFileSync(keyFile, pair.secretKeyFile, { mode: 0o600 });
  await t.db.collection('tools').insertMany(Array.from({ length: 300 }, (_, i) => ({ _id: new ObjectId(), name: `Säge ${i}` })));
  await t.db.collection('workers').insertOne({ _id: new ObjectId(), firstname: 'Jürgen' });
});

describe('encrypted backups', () => {
  it('writes …-KIND.zip.age (age v1, 0600) and a sidecar with counts, size and SHA-256, but no key and no document', async () => {
    const { backup, documents } = await createBackup(context({ recipients: [recipient] }), { kind: 'manual' });
    expect(backup.name).toMatch(/^scandy-backup-\d{8}T\d{9}Z-manual\.zip\.age$/);
    expect(backup.encrypted).toBe(true);
    expect(documents).toBe(301);
    const bytes = readFileSync(backup.path);
    expect(startsWithAgeMagic(bytes)).toBe(true);
    expect(statSync(backup.path).mode & 0o777).toBe(0o600);

    const ctx = context();
    const text = readFileSync(ctx.store.sidecarPath(backup.name), 'utf8');
    expect(parseSidecar(text, backup.name)).toMatchObject({
      format: 'scandy-backup-meta',
      version: 1,
      kind: 'manual',
      size: bytes.length,
      encrypted: { scheme: 'age', recipients: [recipient] },
      collections: [
        { name: 'tools', count: 300 },
        { name: 'workers', count: 1 },
      ],
    });
    expect(text).not.toContain('AGE-SECRET-KEY');
    expect(text).not.toContain('Säge');
    expect(text).not.toContain('Jürgen');
    expect((await checkAgainstSidecar(ctx.store, backup)).sidecar.name).toBe(backup.name);
    expect((await ctx.store.tempFiles())).toEqual([]);
  });

  it('gives a zip that verify accepts after `age -d -i key.txt`', async () => {
    const { backup } = await createBackup(context({ recipients: [recipient] }), { kind: 'auto' });
    const plainPath = path.join(dir, 'decrypted.zip');
    const run = runAge(['-d', '-i', keyFile, '-o', plainPath, backup.path]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const report = await verifyArchive(plainPath);
    expect(report.documents).toBe(301);
    expect(report.manifest.kind).toBe('auto');
  });

  it('decrypts its new archive once more when the server holds the identity', async () => {
    const identities = await AgeIdentities.fromSecretKeys([secretKey]);
    const { backup } = await createBackup(context({ recipients: [recipient], identities }), { kind: 'manual' });
    expect(backup.encrypted).toBe(true);
  });

  it('fails, leaving nothing, when the server identity cannot read what was written (it belongs to other recipients)', async () => {
    const other = await generateKeyPair();
    const ctx = context({ recipients: [other.publicKey], identities: await AgeIdentities.fromSecretKeys([secretKey]) });
    const before = await ctx.store.list();
    await expect(createBackup(ctx, { kind: 'manual' })).rejects.toThrow(/Der Schlüssel passt nicht zu diesem Backup/);
    expect(await ctx.store.list()).toEqual(before);
    expect(await ctx.store.tempFiles()).toEqual([]);
  });

  it('fails the check without key when the stored file was changed or cut, and keeps plain archives working beside it', async () => {
    const { backup } = await createBackup(context({ recipients: [recipient] }), { kind: 'manual' });
    const ctx = context();
    const original = readFileSync(backup.path);
    const changed = Buffer.from(original);
    changed[changed.length - 10] = (changed[changed.length - 10] ?? 0) ^ 1;
    copyFileSync(backup.path, path.join(dir, 'keep.age'));
    writeFileSync(backup.path, changed);
    await expect(checkAgainstSidecar(ctx.store, backup)).rejects.toThrow(/verändert oder ist unvollständig \(SHA-256-Prüfsumme weicht ab\)/);
    writeFileSync(backup.path, original.subarray(0, original.length - 1));
    await expect(checkAgainstSidecar(ctx.store, backup)).rejects.toThrow(/verändert oder ist unvollständig/);
    copyFileSync(path.join(dir, 'keep.age'), backup.path);

    const plain = await createBackup(ctx, { kind: 'manual' });
    expect(plain.backup.name).toMatch(/\.zip$/);
    await verifyArchive(plain.backup.path);
    const names = (await ctx.store.list()).map((b) => b.name);
    expect(names).toContain(plain.backup.name);
    expect(names).toContain(backup.name);
    expect(names.every((n) => !n.endsWith('.json'))).toBe(true);
  });

  it('lists, verifies, previews and restores an encrypted backup: counts without key, content with the key of the request or the server', async () => {
    const identities = await AgeIdentities.fromSecretKeys([secretKey]);
    const { backup } = await createBackup(context({ recipients: [recipient] }), { kind: 'manual' });
    const keyless = context();
    const row = (await listBackups(keyless)).find((b) => b.name === backup.name);
    expect(row).toMatchObject({ encrypted: true, documents: 301, problem: undefined });

    const shallow = await verifyBackup(keyless, { name: backup.name });
    expect(shallow).toMatchObject({ contentChecked: false, documents: 301, manifest: undefined });
    expect(CONTENT_NEEDS_KEY).toContain('braucht den geheimen Schlüssel');
    expect(await verifyBackup(keyless, { name: backup.name }, undefined, identities)).toMatchObject({ contentChecked: true, documents: 301 });
    expect(await verifyBackup(context({ identities }), { name: backup.name })).toMatchObject({ contentChecked: true, documents: 301 });

    // Without a key the preview comes from the sidecar and says the key is needed; so too when the server's own key does not open it.
    expect(await previewRestore(keyless, { name: backup.name })).toMatchObject({ encrypted: true, needsKey: true });
    const otherPair = await generateKeyPair();
    const otherServer = context({ identities: await AgeIdentities.fromSecretKeys([/AGE-SECRET-KEY-1\S+/.exec(otherPair.secretKeyFile)![0]]) });
    expect(await previewRestore(otherServer, { name: backup.name })).toMatchObject({ encrypted: true, needsKey: true });
    expect(await previewRestore(context({ identities }), { name: backup.name })).toMatchObject({ encrypted: true, needsKey: false });
    await expect(previewRestore(otherServer, { name: backup.name }, await AgeIdentities.fromSecretKeys([/AGE-SECRET-KEY-1\S+/.exec(otherPair.secretKeyFile)![0]]))).rejects.toThrow(DecryptionError);
    const withKey = await previewRestore(keyless, { name: backup.name }, identities);
    expect(withKey).toMatchObject({ encrypted: true, needsKey: false });
    expect(withKey.collections.find((c) => c.name === 'tools')?.backup).toBe(300);

    await t.db.collection('tools').deleteMany({});
    const result = await restoreBackup(keyless, { source: { name: backup.name }, identities });
    expect(result.documents).toBe(301);
    expect(await t.db.collection('tools').countDocuments()).toBe(300);
    expect(readdirSync(os.tmpdir()).filter((n) => n.startsWith('scandy-decrypted-'))).toEqual([]);
  });

  it('refuses a wrong key, a truncated and a tampered file in German and leaves the database as it was', async () => {
    const { backup } = await createBackup(context({ recipients: [recipient] }), { kind: 'manual' });
    const keyless = context();
    const wrong = await AgeIdentities.fromSecretKeys([/AGE-SECRET-KEY-1\S+/.exec((await generateKeyPair()).secretKeyFile)?.[0] ?? '']);
    const right = await AgeIdentities.fromSecretKeys([secretKey]);
    await t.db.collection('tools').insertOne({ name: 'nach dem Backup' });
    const before = await t.db.collection('tools').countDocuments();
    await expect(restoreBackup(keyless, { source: { name: backup.name }, identities: wrong })).rejects.toThrow(/Der Schlüssel passt nicht zu diesem Backup/);
    await expect(restoreBackup(keyless, { source: { name: backup.name } })).rejects.toThrow(/zum Lesen wird der geheime Schlüssel/);

    const original = readFileSync(backup.path);
    const cut = path.join(dir, 'cut.zip.age');
    writeFileSync(cut, original.subarray(0, original.length - 100));
    await expect(restoreBackup(keyless, { source: { file: cut }, identities: right })).rejects.toThrow(/unvollständig oder wurde verändert/);
    const tampered = Buffer.from(original);
    tampered[tampered.length - 200] = (tampered[tampered.length - 200] ?? 0) ^ 1;
    const changed = path.join(dir, 'changed.zip.age');
    writeFileSync(changed, tampered);
    await expect(verifyBackup(keyless, { file: changed }, undefined, right)).rejects.toThrow(/unvollständig oder wurde verändert/);
    expect(await t.db.collection('tools').countDocuments()).toBe(before);
    expect(readdirSync(os.tmpdir()).filter((n) => n.startsWith('scandy-decrypted-'))).toEqual([]);
  });

  it('restores an archive that the age CLI encrypted to our recipient', async () => {
    const plain = await createBackup(context(), { kind: 'manual' });
    const sealed = path.join(dir, 'by-age-cli.zip.age');
    const run = runAge(['-r', recipient, '-o', sealed, plain.backup.path]);
    expect(run.code).toBe(0);
    await t.db.collection('workers').deleteMany({});
    const result = await restoreBackup(context(), { source: { file: sealed }, identities: await AgeIdentities.fromSecretKeys([secretKey]) });
    expect(result.documents).toBe(plain.documents);
    expect(await t.db.collection('workers').countDocuments()).toBe(1);
  });
});
