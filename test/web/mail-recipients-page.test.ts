import { describe, expect, it } from 'vitest';
import { usersCollection } from '../../src/auth/user-accounts.js';
import { ADMIN, signIn, useWebApp } from './helpers/web-app.js';

const w = useWebApp();

/** The recipients line of the auto-backup page, tags removed. */
async function recipientsLine(agent: Awaited<ReturnType<typeof signIn>>['agent']): Promise<string> {
  const page = await agent.get('/admin/auto-backup').expect(200);
  const cell = /<dd data-role="recipients">([\s\S]*?)<\/dd>/.exec(page.text)?.[1] ?? '';
  return cell.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();
}

describe('the auto-backup page names the mail recipients and where they come from', () => {
  it('the admin accounts, even when a restored settings collection holds another admin_email', async () => {
    const admin = await signIn(w.app, ADMIN);
    await w.t.db.collection('settings').insertOne({ key: 'admin_email', value: 'umgeleitet@example.org' });
    const line = await recipientsLine(admin.agent);
    expect(line).toContain(ADMIN.email);
    expect(line).toContain('Quelle: Konten mit Rolle „admin“ (users)');
    expect(line).not.toContain('umgeleitet@example.org');
  });

  it('the admin_email setting, marked as such, when no admin account has an address', async () => {
    const admin = await signIn(w.app, ADMIN);
    await usersCollection(w.t.db).updateOne({ email: ADMIN.email }, { $set: { email: 'kein-mail' } });
    try {
      const line = await recipientsLine(admin.agent);
      expect(line).toContain('umgeleitet@example.org');
      expect(line).toContain('Quelle: Einstellung admin_email in settings');
      expect(line).toContain('ein Restore von settings ändert diese Empfänger');
    } finally {
      await usersCollection(w.t.db).updateOne({ email: 'kein-mail' }, { $set: { email: ADMIN.email } });
    }
  });

  it('nobody, said plainly', async () => {
    const admin = await signIn(w.app, ADMIN);
    await w.t.db.collection('settings').deleteMany({ key: 'admin_email' });
    await usersCollection(w.t.db).updateOne({ email: ADMIN.email }, { $set: { email: 'kein-mail' } });
    try {
      expect(await recipientsLine(admin.agent)).toBe('niemand weder ein Admin-Konto mit Adresse noch admin_email in settings');
    } finally {
      await usersCollection(w.t.db).updateOne({ email: 'kein-mail' }, { $set: { email: ADMIN.email } });
    }
  });
});
