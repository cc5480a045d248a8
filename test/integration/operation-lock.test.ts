import { describe, expect, it } from 'vitest';
import { MongoOperationLock } from '../../src/backup/operation-lock.js';
import { useTestDatabase } from '../helpers/database.js';

const t = useTestDatabase();

describe('the operation lock', () => {
  it('a lease whose renewals did not get through counts as lost once it has run out', async () => {
    let now = new Date('2026-11-27T06:00:00Z');
    const lock = new MongoOperationLock(t.db, { owner: 'host-a:1', leaseMs: 60_000, renewMs: 3_600_000, now: () => now });
    const lease = await lock.acquire('restore');
    expect(() => lease.assertHeld()).not.toThrow();
    now = new Date(now.getTime() + 61_000);
    expect(() => lease.assertHeld()).toThrow(/abgelaufen/);
    await lease.release();
  });
});
