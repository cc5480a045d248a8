import { describe, expect, it } from 'vitest';
import { resolveRecipients } from '../../src/mail/recipients.js';
import { useTestDatabase } from '../helpers/database.js';

const t = useTestDatabase();

describe('who gets the backup mail', () => {
  it('nobody when there is neither an admin with an address nor the admin_email setting', async () => {
    expect(await resolveRecipients(t.db)).toEqual([]);
  });

  it('the settings key admin_email when no admin user has an address', async () => {
    await t.db.collection('users').insertMany([
      { username: 'admin', role: 'admin' },
      { username: 'leer', role: 'admin', email: '   ' },
      { username: 'ma', role: 'mitarbeiter', email: 'ma@example.org' },
    ]);
    await t.db.collection('settings').insertOne({ key: 'admin_email', value: 'werkstatt@example.org, lager@example.org' });
    expect(await resolveRecipients(t.db)).toEqual(['werkstatt@example.org', 'lager@example.org']);
    await t.db.collection('settings').updateOne({ key: 'admin_email' }, { $set: { value: ['liste@example.org', 'kein-mail'] } });
    expect(await resolveRecipients(t.db)).toEqual(['liste@example.org']);
  });

  it('every admin user with an address, once each, before the setting', async () => {
    await t.db.collection('users').insertMany([
      { username: 'a', role: 'admin', email: 'Admin@Example.org' },
      { username: 'b', role: 'admin', email: 'admin@example.org' },
      { username: 'c', role: 'admin', email: 'chef@example.org' },
    ]);
    expect(await resolveRecipients(t.db)).toEqual(['Admin@Example.org', 'chef@example.org']);
  });
});
