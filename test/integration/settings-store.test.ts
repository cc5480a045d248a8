import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { settingsDefaultsFrom } from '../../src/settings/settings-schema.js';
import { MongoSettingsStore, SETTINGS_COLLECTION, SETTINGS_VERSIONS_KEPT } from '../../src/settings/settings-store.js';
import { useTestDatabase } from '../helpers/database.js';

const t = useTestDatabase();
const defaults = settingsDefaultsFrom(loadConfig({ BACKUP_KEEP: '10', BACKUP_TIMES: '06:00,18:00' }));
let now = new Date('2026-06-10T08:00:00Z');
const clock = { now: () => now };
/** A second connection, as a second app process would have. */
const other = new MongoClient(t.uri);

beforeAll(async () => {
  await other.connect();
});
afterAll(async () => {
  await other.close();
});
beforeEach(async () => {
  await t.db.collection(SETTINGS_COLLECTION).deleteMany({});
});

const storeA = () => new MongoSettingsStore(t.db, clock);
const storeB = () => new MongoSettingsStore(other.db(t.dbName), clock);

async function rejection(promise: Promise<unknown>): Promise<{ code: string; message: string; httpStatus: number }> {
  try {
    await promise;
  } catch (error) {
    return error as { code: string; message: string; httpStatus: number };
  }
  throw new Error('resolved');
}

describe('settings store (scandy_backup_settings)', () => {
  it('without saved settings, everything comes from the environment', async () => {
    const effective = await storeA().effective(defaults);
    expect(effective.values).toEqual(defaults);
    expect(new Set(Object.values(effective.sources))).toEqual(new Set(['environment']));
    expect(effective).toMatchObject({ version: 0, changedBy: undefined, changedAt: undefined, ignored: {} });
  });

  it('saves a change over the defaults, says per field where it comes from, and who changed it when', async () => {
    const saved = await storeA().save({ keep: '14', backupTimes: '07:00, 19:30' }, 0, 'anna@example.org');
    expect(saved).toMatchObject({ version: 1, changedBy: 'anna@example.org', changedAt: now, values: { keep: 14, backupTimes: ['07:00', '19:30'] } });

    now = new Date('2026-06-10T09:00:00Z');
    await storeB().save({ drill: 'off' }, 1, 'ben@example.org');

    const effective = await storeA().effective(defaults);
    expect(effective.values).toEqual({ ...defaults, keep: 14, backupTimes: ['07:00', '19:30'], drill: 'off' });
    expect(effective.sources).toMatchObject({ keep: 'settings', backupTimes: 'settings', drill: 'settings', timeZone: 'environment', keepManual: 'environment' });
    expect(effective).toMatchObject({ version: 2, changedBy: 'ben@example.org', changedAt: now, defaults });
  });

  it('refuses a change made on an older version with 409 and keeps what is stored', async () => {
    await storeA().save({ keep: 12 }, 0, 'anna@example.org');
    await storeA().save({ keep: 13 }, 1, 'anna@example.org');
    const refused = await rejection(storeB().save({ keep: 3 }, 1, 'ben@example.org'));
    expect(refused).toMatchObject({ code: 'SETTINGS_CONFLICT', httpStatus: 409 });
    expect(refused.message).toBe(
      'Die Einstellungen wurden inzwischen von anna@example.org geändert (jetzt Version 2). Bitte neu laden und die Änderung erneut vornehmen.',
    );
    expect((await storeA().read()).values).toEqual({ keep: 13 });
    expect((await rejection(storeB().save({ keep: 3 }, 0, 'ben@example.org'))).code).toBe('SETTINGS_CONFLICT');
    expect((await rejection(storeB().save({ keep: 3 }, 7, 'ben@example.org'))).code).toBe('SETTINGS_CONFLICT');
  });

  it('refuses an invalid value with 400 naming the field and saves nothing, not even the valid fields', async () => {
    await storeA().save({ keep: 12 }, 0, 'anna@example.org');
    const refused = await rejection(storeA().save({ keepManual: 4, keepDaily: -2 }, 1, 'anna@example.org'));
    expect(refused).toMatchObject({ code: 'INVALID_INPUT', httpStatus: 400 });
    expect(refused.message).toContain('(keepDaily): muss mindestens 0 sein');
    expect(await storeA().read()).toMatchObject({ version: 1, values: { keep: 12 } });
    expect((await rejection(storeA().save({ keep: 4 }, -1, 'anna@example.org'))).code).toBe('INVALID_INPUT');
  });

  it('returns a field to its default, and refuses a field that does not exist', async () => {
    await storeA().save({ keep: 12, timeZone: 'UTC' }, 0, 'anna@example.org');
    const reset = await storeB().reset(['keep'], 1, 'ben@example.org');
    expect(reset).toMatchObject({ version: 2, changedBy: 'ben@example.org', values: { timeZone: 'UTC' } });
    const effective = await storeA().effective(defaults);
    expect(effective.values.keep).toBe(10);
    expect(effective.sources).toMatchObject({ keep: 'environment', timeZone: 'settings' });
    expect((await rejection(storeA().reset(['keep', 'geheim'], 2, 'anna@example.org'))).message).toBe('Unbekannte Einstellung: geheim');
    expect((await rejection(storeA().reset(['timeZone'], 1, 'anna@example.org'))).code).toBe('SETTINGS_CONFLICT');
  });

  it('two admins saving on the same version at once: exactly one wins, and nothing is mixed', async () => {
    for (let round = 0; round < 8; round++) {
      const version = (await storeA().read()).version;
      const anna = { keep: 20 + round, keepManual: 7, backupTimes: ['05:00'] };
      const ben = { keep: 40 + round, keepDaily: 3, drill: 'daily' };
      const results = await Promise.allSettled([
        storeA().save(anna, version, 'anna@example.org'),
        storeB().save(ben, version, 'ben@example.org'),
      ]);
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect([round, won.length]).toEqual([round, 1]);
      expect(lost.map((r) => (r.reason as { code: string }).code)).toEqual(['SETTINGS_CONFLICT']);

      const stored = await storeA().read();
      expect(stored.version).toBe(version + 1);
      const [winner, loser] = stored.changedBy === 'anna@example.org' ? [anna, ben] : [ben, anna];
      expect(stored.values).toMatchObject(winner);
      // Nothing of the losing change got in (fields it alone sets are absent or from an earlier round's winner).
      expect(stored.values.keep).not.toBe(loser.keep);
    }
    expect((await storeA().history()).map((v) => v.version)).toEqual([8, 7, 6, 5, 4, 3, 2, 1]);
  });

  it('keeps the last versions as the audit trail: who changed what when', async () => {
    const store = storeA();
    for (let version = 0; version < SETTINGS_VERSIONS_KEPT + 2; version++) {
      await store.save({ keep: (version % 50) + 1 }, version, version % 2 ? 'ben@example.org' : 'anna@example.org');
    }
    const history = await store.history();
    expect(history).toHaveLength(SETTINGS_VERSIONS_KEPT);
    expect(history[0]).toMatchObject({ version: SETTINGS_VERSIONS_KEPT + 2, changedBy: 'ben@example.org', values: { keep: ((SETTINGS_VERSIONS_KEPT + 1) % 50) + 1 } });
    expect(history.at(-1)?.version).toBe(3);
    expect((await store.read()).version).toBe(SETTINGS_VERSIONS_KEPT + 2);
  });

  it('ignores a stored value the rules no longer accept, and says so', async () => {
    await t.db.collection<{ _id: number; values: unknown; changedBy: string; changedAt: Date }>(SETTINGS_COLLECTION).insertOne({
      _id: 3,
      values: { keep: -5, timeZone: 'Europe/Vienna', unbekannt: 1 },
      changedBy: 'hand@example.org',
      changedAt: now,
    });
    const effective = await storeA().effective(defaults);
    expect(effective.values).toEqual({ ...defaults, timeZone: 'Europe/Vienna' });
    expect(effective.sources).toMatchObject({ keep: 'environment', timeZone: 'settings' });
    expect(effective.ignored).toEqual({ keep: 'muss mindestens 1 sein' });
    expect(effective.version).toBe(3);
  });
});
