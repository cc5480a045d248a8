import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPair } from '../../src/crypto/age-keys.js';
import { seedDatabase } from '../../src/seed/seed-database.js';
import { SESSIONS_COLLECTION } from '../../src/web/middleware/session.js';
import { ADMIN, signIn, useWebApp, waitForIdle, type SignedIn } from './helpers/web-app.js';

// The server holds only the public key; the admin brings the secret key per request.
const pair = await generateKeyPair();
const other = await generateKeyPair();
const secretKey = /AGE-SECRET-KEY-1\S+/.exec(pair.secretKeyFile)![0];
const otherSecretKey = /AGE-SECRET-KEY-1\S+/.exec(other.secretKeyFile)![0];
const w = useWebApp({ env: { BACKUP_ENCRYPTION_RECIPIENTS: pair.publicKey, BACKUP_COLLECTIONS: 'tools,workers' } });
let name = '';
let admin: SignedIn;
const answers: string[] = [];

/** Every answer is kept: none may carry the secret key back. */
function post(url: string, body: object) {
  return admin.agent
    .post(url)
    .set('x-csrf-token', admin.csrf)
    .send(body)
    .then((res) => {
      answers.push(res.text);
      return res;
    });
}

const toolCount = () => w.t.db.collection('tools').countDocuments();

beforeAll(async () => {
  await seedDatabase(w.t.db, { docs: 200 });
  name = (await w.manager.create({ kind: 'manual', actor: 'test' })).backup.name;
  admin = await signIn(w.app, ADMIN);
});

describe('an encrypted backup on a server without its secret key', () => {
  it('the restore page renders from the description and asks for the key', async () => {
    expect(name).toMatch(/\.zip\.age$/);
    const page = await admin.agent.get(`/admin/backups/${name}/restore`).expect(200);
    expect(page.text).toContain('data-role="key-entry"');
    expect(page.text).toContain('data-required="true"');
    expect(page.text).toContain('Schlüsseldatei wählen');
    const preview = await admin.agent.get(`/admin/api/backups/${name}/restore-preview`).expect(200);
    expect(preview.body).toMatchObject({ encrypted: true, needsKey: true });
    expect((preview.body as { collections: { name: string; backup: number }[] }).collections.find((c) => c.name === 'tools')?.backup).toBe(await toolCount());
  });

  it('refuses a restore without key, with a wrong key and with text that is no key: one German message each, nothing touched', async () => {
    await w.t.db.collection('tools').insertOne({ name: 'nach dem Backup' });
    const before = await toolCount();
    const backupsBefore = readdirSync(w.backupDir).sort();

    const noKey = await post(`/admin/api/backups/${name}/restore`, { confirm: true }).then((r) => r.body as { error: { message: string } });
    expect(noKey.error.message).toMatch(/verschlüsselt: zum Lesen wird der geheime Schlüssel \(AGE-SECRET-KEY-1…\) gebraucht/);

    const wrong = await post(`/admin/api/backups/${name}/restore`, { confirm: true, identity: other.secretKeyFile });
    expect(wrong.status).toBe(422);
    expect((wrong.body as { error: { message: string } }).error.message).toBe(
      'Der Schlüssel passt nicht zu diesem Backup: die Datei wurde für andere Schlüssel verschlüsselt',
    );

    const garbage = await post(`/admin/api/backups/${name}/restore`, { confirm: true, identity: 'AGE-SECRET-KEY-1KAPUTT' });
    expect(garbage.status).toBe(400);
    expect((garbage.body as { error: { message: string } }).error.message).toMatch(/^Schlüssel: Zeile 1 /);
    expect(garbage.text).not.toContain('KAPUTT');

    // No operation was started at all.
    expect(w.tracker.state().running ?? null).toBeNull();
    expect(w.tracker.state().last ?? null).toBeNull();
    expect(await toolCount()).toBe(before);
    expect(readdirSync(w.backupDir).sort()).toEqual(backupsBefore);
  });

  it('verifies with a pasted key completely; a wrong key is not remembered as a damaged backup', async () => {
    const keyless = await post(`/admin/api/backups/${name}/verify`, {});
    expect(keyless.body).toMatchObject({ ok: true, contentChecked: false });

    const wrong = await post(`/admin/api/backups/${name}/verify`, { identity: otherSecretKey });
    expect(wrong.status).toBe(422);
    const rows = (await admin.agent.get('/admin/api/backups').expect(200)).body as { backups: { name: string; verification?: { ok: boolean } | null }[] };
    expect(rows.backups.find((b) => b.name === name)?.verification?.ok).not.toBe(false);

    const withKey = await post(`/admin/api/backups/${name}/verify`, { identity: pair.secretKeyFile });
    expect(withKey.status).toBe(200);
    expect(withKey.body).toMatchObject({ ok: true, contentChecked: true });

    const preview = await post(`/admin/api/backups/${name}/restore-preview`, { identity: secretKey });
    expect(preview.body).toMatchObject({ encrypted: true, needsKey: false });
  });

  it('restores with the key of the request, which then is nowhere: not in the log, the sessions or any answer', async () => {
    const started = await post(`/admin/api/backups/${name}/restore`, { confirm: true, identity: pair.secretKeyFile });
    expect(started.status).toBe(202);
    const last = await waitForIdle(w.tracker);
    expect(last).toMatchObject({ ok: true });
    const restored = await w.t.db.collection('tools').findOne({ name: 'nach dem Backup' });
    expect(restored).toBeNull();

    await w.automatic.settled();
    const logText = readFileSync(path.join(w.config.logDir, 'auto_backup.log'), 'utf8');
    expect(logText).toContain(`Wiederherstellung`);
    const sessions = JSON.stringify(await w.t.db.collection(SESSIONS_COLLECTION).find().toArray());
    const status = (await admin.agent.get('/admin/api/status').expect(200)).text;
    for (const secret of [secretKey, otherSecretKey]) {
      const body = secret.slice('AGE-SECRET-KEY-1'.length);
      expect(logText).not.toContain(body);
      expect(sessions).not.toContain(body);
      expect(status).not.toContain(body);
      for (const answer of answers) expect(answer).not.toContain(body);
    }
    expect(answers.length).toBeGreaterThanOrEqual(7);
  });
});

describe('an encrypted backup that adds a unique index', () => {
  it('the page without key offers the index confirmation; the restore with the key names the index, refuses without confirmIndexes and creates it with', async () => {
    // (FerretDB has no TTL indexes; a unique one needs the same confirmation.)
    await w.t.db.collection('tools').createIndex({ name: 1, _id: 1 }, { name: 'name_id_unique', unique: true });
    const withIndex = (await w.manager.create({ kind: 'manual', actor: 'test' })).backup.name;
    await w.t.db.collection('tools').dropIndex('name_id_unique');

    const keyless = await admin.agent.get(`/admin/api/backups/${withIndex}/restore-preview`).expect(200);
    expect(keyless.body).toMatchObject({ needsKey: true, indexesToConfirm: [] });
    const page = await admin.agent.get(`/admin/backups/${withIndex}/restore`).expect(200);
    expect(page.text).toContain('id="unseen-indexes"');
    expect(page.text).toContain('id="confirm-indexes"');

    const withKey = await post(`/admin/api/backups/${withIndex}/restore-preview`, { identity: secretKey });
    expect(withKey.body).toMatchObject({
      needsKey: false,
      indexesToConfirm: [{ collection: 'tools', name: 'name_id_unique', key: { name: 1, _id: 1 }, unique: true }],
    });

    const refused = await post(`/admin/api/backups/${withIndex}/restore`, { confirm: true, identity: secretKey });
    expect(refused.status).toBe(400);
    expect((refused.body as { error: { message: string } }).error.message).toContain('tools.name_id_unique (eindeutig: name, _id');
    expect((await w.t.db.collection('tools').indexes()).map((index) => index.name)).not.toContain('name_id_unique');

    const started = await post(`/admin/api/backups/${withIndex}/restore`, { confirm: true, confirmIndexes: true, identity: secretKey });
    expect(started.status).toBe(202);
    expect(await waitForIdle(w.tracker)).toMatchObject({ ok: true });
    expect((await w.t.db.collection('tools').indexes()).map((index) => index.name)).toContain('name_id_unique');
  });
});
