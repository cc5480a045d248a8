import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createBackupContext } from '../../src/app/compose.js';
import { parseSidecar } from '../../src/archive/sidecar.js';
import { createBackup } from '../../src/backup/create-backup.js';
import { AgeIdentities } from '../../src/crypto/age-identities.js';
import { generateKeyPair } from '../../src/crypto/age-keys.js';
import { seedDatabase } from '../../src/seed/seed-database.js';
import { UPLOAD_NEEDS_KEY } from '../../src/web/use-cases/accept-uploaded-backup.js';
import { ADMIN, signIn, useWebApp, type SignedIn, type WebTestApp } from './helpers/web-app.js';

const pair = await generateKeyPair();
const other = await generateKeyPair();
const secretKey = /AGE-SECRET-KEY-1\S+/.exec(pair.secretKeyFile)![0];
const env = { BACKUP_ENCRYPTION_RECIPIENTS: pair.publicKey, BACKUP_COLLECTIONS: 'tools,workers' };
/** Holds only the public key: an upload needs the key of the request. */
const keyless = useWebApp({ env });
/** Holds its own identity (BACKUP_ENCRYPTION_IDENTITY_FILE). */
const reading = useWebApp({ env, identities: await AgeIdentities.fromSecretKeys([secretKey]) });
let encrypted: Buffer;
let admin: SignedIn;

function upload(as: SignedIn, bytes: Buffer, fileName: string, identity?: string) {
  const req = as.agent.post('/admin/api/backups/upload').set('x-csrf-token', as.csrf);
  if (identity !== undefined) void req.field('identity', identity);
  return req.attach('file', bytes, fileName);
}

beforeAll(async () => {
  await seedDatabase(keyless.t.db, { docs: 300 });
  const made = await keyless.manager.create({ kind: 'manual', actor: 'test' });
  encrypted = readFileSync(made.backup.path);
  admin = await signIn(keyless.app, ADMIN);
});

describe('uploading an encrypted backup (.zip.age)', () => {
  it('without a key: refused with one German message saying what to do, nothing kept', async () => {
    const before = readdirSync(keyless.backupDir).sort();
    const res = await upload(admin, encrypted, 'scandy-backup-20260101T000000000Z-auto.zip.age');
    expect(res.status).toBe(422);
    expect(res.body.error.message).toBe(UPLOAD_NEEDS_KEY);
    const wrong = await upload(admin, encrypted, 'x.zip.age', other.secretKeyFile);
    expect(wrong.status).toBe(422);
    expect(wrong.body.error.message).toMatch(/^Der Schlüssel passt nicht zu diesem Backup/);
    const tampered = Buffer.from(encrypted);
    tampered[Math.floor(tampered.length / 2)]! ^= 0x01;
    const damaged = await upload(admin, tampered, 'x.zip.age', pair.secretKeyFile);
    expect(damaged.status).toBe(422);
    expect(damaged.body.error.message).toMatch(/unvollständig oder wurde verändert/);
    expect(readdirSync(keyless.backupDir).sort()).toEqual(before);
  });

  it('with the key of the request: verified completely, kept encrypted as it came, with a sidecar; the key is not kept', async () => {
    const res = await upload(admin, encrypted, 'mein-backup.zip.age', pair.secretKeyFile);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ format: 'encrypted-archive', backup: { kind: 'upload', encrypted: true } });
    const name = res.body.backup.name as string;
    expect(name).toMatch(/-upload\.zip\.age$/);
    const storedPath = path.join(keyless.backupDir, name);
    expect(readFileSync(storedPath).equals(encrypted)).toBe(true);
    expect(statSync(storedPath).mode & 0o777).toBe(0o600);
    const sidecarPath = `${storedPath}.json`;
    const sidecar = parseSidecar(readFileSync(sidecarPath, 'utf8'), name);
    expect(sidecar).toMatchObject({ kind: 'manual', size: encrypted.length, encrypted: { scheme: 'age', recipients: [pair.publicKey] } });
    expect(statSync(sidecarPath).mode & 0o777).toBe(0o600);
    expect(res.body.backup.documents).toBe(sidecar!.collections.reduce((sum, c) => sum + c.count, 0));

    const list = (await admin.agent.get('/admin/api/backups').expect(200)).body as { backups: { name: string; documents: number | null }[] };
    expect(list.backups.find((b) => b.name === name)?.documents).toBe(res.body.backup.documents);
    expect(res.text).not.toContain(secretKey.slice(16));
    await keyless.automatic.settled();
    expect(readFileSync(path.join(keyless.config.logDir, 'auto_backup.log'), 'utf8')).not.toContain(secretKey.slice(16));
  });

  it('on a server with its own key: verified without a key from the admin', async () => {
    const as = await signIn(reading.app, ADMIN);
    const res = await upload(as, encrypted, 'backup.zip.age');
    expect(res.status).toBe(201);
    expect(res.body.backup.name).toMatch(/-upload\.zip\.age$/);
    const verified = await as.agent.post(`/admin/api/backups/${res.body.backup.name}/verify`).set('x-csrf-token', as.csrf).expect(200);
    expect(verified.body).toMatchObject({ ok: true, contentChecked: true });
  });

  it('a plain .zip upload on a server with encryption on is kept as it came, without sidecar, and previews as plain', async () => {
    const as = await signIn(reading.app, ADMIN);
    const decrypted = await reading.manager.verify({ name: (await reading.manager.list())[0]!.name });
    expect(decrypted.contentChecked).toBe(true);
    const plain = await plainZipOf(reading);
    const res = await upload(as, plain, 'alt.zip');
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ format: 'archive', backup: { encrypted: false } });
    expect(res.body.backup.name).toMatch(/-upload\.zip$/);
    const preview = await as.agent.get(`/admin/api/backups/${res.body.backup.name}/restore-preview`).expect(200);
    expect(preview.body).toMatchObject({ encrypted: false, needsKey: false });
  });
});

/** A plain zip made by the same engine with encryption off (an old backup from before encryption). */
async function plainZipOf(w: WebTestApp): Promise<Buffer> {
  const ctx = createBackupContext({ ...w.config, encryptionRecipients: [] }, w.t.db);
  const made = await createBackup(ctx, { kind: 'manual', actor: 'test' });
  return readFileSync(made.backup.path);
}
