import { describe, expect, it } from 'vitest';
import { authenticate } from '../../src/auth/authenticate.js';
import { ensureFirstAdmin } from '../../src/auth/ensure-first-admin.js';
import { hashPassword, verifyPassword } from '../../src/auth/password-hash.js';
import { setAdminAccount } from '../../src/auth/set-admin-account.js';
import { usersCollection } from '../../src/auth/user-accounts.js';
import { runCli } from '../helpers/cli.js';
import { useTestDatabase } from '../helpers/database.js';
import { useTempDir } from '../helpers/temp-dir.js';

const t = useTestDatabase();
const backupDir = useTempDir();

describe('password hashes', () => {
  it('are slow, salted scrypt with the parameters in the hash (Werkzeug format)', async () => {
    const hash = await hashPassword('geheim123');
    expect(hash).toMatch(/^scrypt:32768:8:1\$[A-Za-z0-9]{16}\$[0-9a-f]{128}$/);
    expect(await hashPassword('geheim123')).not.toBe(hash);
    expect(await verifyPassword('geheim123', hash)).toBe(true);
    expect(await verifyPassword('geheim124', hash)).toBe(false);
  });

  it('check hashes that Werkzeug (Scandy) wrote, scrypt and pbkdf2', async () => {
    // hashlib.scrypt(b'geheim123', salt=b'abcdefghijklmnop', n=2**15, r=8, p=1) and pbkdf2_hmac('sha256', …, 1000)
    const scrypt =
      'scrypt:32768:8:1$abcdefghijklmnop$f605ecaf1374d0abf25b60feb85ced69d20cf84de2a6f1e9dfec531aed516ed23d0837da6eec1cbaa4071ecfc14de98d3cb05e106f6b526380ee76dd4b34f3bd';
    const pbkdf2 = 'pbkdf2:sha256:1000$abcdefghijklmnop$9b1e181e93f4d2fd0cfe64d6f9fabc67b632d88fc6258a8ccfabd463592608f9';
    expect(await verifyPassword('geheim123', scrypt)).toBe(true);
    expect(await verifyPassword('geheim123', pbkdf2)).toBe(true);
    expect(await verifyPassword('Geheim123', pbkdf2)).toBe(false);
  });

  it('refuse unreadable or absurd hashes quickly', async () => {
    const started = Date.now();
    for (const stored of ['', 'klartext', 'md5$x$abc', 'scrypt:1073741824:8:1$salt$' + '0'.repeat(128), 'pbkdf2:sha256:999999999$s$' + '0'.repeat(64), 'scrypt:32768:8:1$salt$zz']) {
      expect(await verifyPassword('x', stored), stored).toBe(false);
    }
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('admin accounts', () => {
  it('ensureFirstAdmin creates one admin with a generated password once, then changes nothing', async () => {
    const db = t.client.db(`${t.dbName}_first`);
    try {
      const first = await ensureFirstAdmin(db, { adminEmail: undefined, adminPassword: undefined });
      expect(first).toMatchObject({ created: true, email: 'admin@localhost', generatedPassword: expect.stringMatching(/^[\w]{5}(-[\w]{5}){3}$/) });
      if (!first.created) throw new Error('not created');
      const stored = await usersCollection(db).findOne({ email: 'admin@localhost' });
      expect(stored).toMatchObject({ role: 'admin', name: 'admin', created_at: expect.any(Date), updated_at: expect.any(Date) });
      expect(stored?.password_hash).not.toContain(first.generatedPassword!);
      expect(await authenticate(db, 'admin@localhost', first.generatedPassword!)).toMatchObject({ email: 'admin@localhost', role: 'admin' });

      expect(await ensureFirstAdmin(db, { adminEmail: 'other@example.org', adminPassword: 'irgendwas-langes' })).toEqual({ created: false });
      expect(await usersCollection(db).countDocuments()).toBe(1);
    } finally {
      await db.dropDatabase();
    }
  });

  it('ensureFirstAdmin takes ADMIN_EMAIL and ADMIN_PASSWORD when set', async () => {
    const db = t.client.db(`${t.dbName}_env`);
    try {
      const outcome = await ensureFirstAdmin(db, { adminEmail: 'Chefin@Example.org', adminPassword: 'sehr-geheim-1' });
      expect(outcome).toEqual({ created: true, email: 'chefin@example.org', generatedPassword: undefined });
      expect(await authenticate(db, 'chefin@example.org', 'sehr-geheim-1')).toBeDefined();
    } finally {
      await db.dropDatabase();
    }
  });

  it('setAdminAccount adds an admin or resets a password and role, and checks its input', async () => {
    const created = await setAdminAccount(t.db, { email: 'neu@example.org', password: 'erstes-passwort' });
    expect(created).toEqual({ email: 'neu@example.org', created: true, generatedPassword: undefined });
    await usersCollection(t.db).updateOne({ email: 'neu@example.org' }, { $set: { role: 'mitarbeiter' } });
    const reset = await setAdminAccount(t.db, { email: 'NEU@example.org' });
    expect(reset).toMatchObject({ email: 'neu@example.org', created: false, generatedPassword: expect.any(String) });
    expect(await authenticate(t.db, 'neu@example.org', 'erstes-passwort')).toBeUndefined();
    expect(await authenticate(t.db, 'neu@example.org', reset.generatedPassword!)).toMatchObject({ role: 'admin' });
    expect(await usersCollection(t.db).countDocuments({ email: 'neu@example.org' })).toBe(1);

    await expect(setAdminAccount(t.db, { email: 'kein-mail', password: 'lang-genug' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(setAdminAccount(t.db, { email: 'a@b.de', password: 'kurz' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('`scandy-backup admin EMAIL` prints a generated password once; --password sets a given one', async () => {
    const env = { MONGODB_URI: t.uri, MONGODB_DB: t.dbName, BACKUP_DIR: backupDir };
    const generated = await runCli(['admin', 'cli@example.org', '--json'], env);
    expect(generated.stderr).toBe('');
    expect(generated.code).toBe(0);
    const output = JSON.parse(generated.stdout) as { email: string; created: boolean; password: string };
    expect(output).toMatchObject({ email: 'cli@example.org', created: true });
    expect(await authenticate(t.db, 'cli@example.org', output.password)).toBeDefined();

    const given = await runCli(['admin', 'cli@example.org', '--password', 'vom-admin-gewählt'], env);
    expect(given.code).toBe(0);
    expect(given.stdout).toContain('Passwort neu gesetzt, Rolle admin: cli@example.org');
    expect(given.stdout).not.toContain('vom-admin-gewählt');
    expect(await authenticate(t.db, 'cli@example.org', 'vom-admin-gewählt')).toBeDefined();

    const refused = await runCli(['admin'], env);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('admin erwartet genau eine E-Mail-Adresse');
  });
});
