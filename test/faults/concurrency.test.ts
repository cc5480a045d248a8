import { readdirSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createBackupContext } from '../../src/app/compose.js';
import { createBackup } from '../../src/backup/create-backup.js';
import { MongoOperationLock } from '../../src/backup/operation-lock.js';
import { seedDatabase } from '../../src/seed/seed-database.js';
import { useTestDatabase } from '../helpers/database.js';
import { useTempDir } from '../helpers/temp-dir.js';

const t = useTestDatabase();
const backupDirs = [useTempDir(), useTempDir()];

beforeAll(async () => {
  await seedDatabase(t.db, { docs: 2000 });
});

describe('20 concurrent "create backup" requests', () => {
  it.each([
    ['in one process', 0, (_i: number) => undefined],
    ['from 20 processes sharing the database', 1, (i: number) => `host-${i}:${1000 + i}`],
  ])('%s: exactly one backup, the rest answered "läuft bereits"', async (_where, dirIndex, owner) => {
    const backupDir = backupDirs[dirIndex]!;
    const config = { backupDir, backupCollections: ['tools', 'workers', 'lendings'], backupKeep: 50 };
    const shared = createBackupContext(config, t.db);
    const requests = Array.from({ length: 20 }, (_, i) => {
      const name = owner(i);
      const ctx = name ? createBackupContext(config, t.db, { lock: new MongoOperationLock(t.db, { owner: name }) }) : shared;
      return createBackup(ctx, { kind: 'manual' });
    });
    const results = await Promise.allSettled(requests);
    const done = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(done).toHaveLength(1);
    expect(refused).toHaveLength(19);
    for (const r of refused) expect(r.reason).toMatchObject({ code: 'OPERATION_RUNNING', message: expect.stringContaining('läuft bereits') });
    expect(readdirSync(backupDir).filter((f) => f.endsWith('.zip'))).toHaveLength(1);
  });
});
