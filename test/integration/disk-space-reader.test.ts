import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatBackupName } from '../../src/archive/backup-name.js';
import { BackupStore } from '../../src/backup/backup-store.js';
import { assessDiskSpace, readDiskSpace } from '../../src/storage/disk-space.js';
import { smallFilesystem, type MountedDir } from '../helpers/small-filesystem.js';
import { useTempDir } from '../helpers/temp-dir.js';

const MiB = 1024 * 1024;
const root = useTempDir('scandy-disk-space-');
const mounted: MountedDir[] = [];
afterAll(() => mounted.forEach((m) => m.release()));

describe('readDiskSpace', () => {
  it('reads free and total bytes of a small filesystem, sees a backup take its space, and the check refuses the next one', async () => {
    const dir = path.join(root, 'small');
    const small = smallFilesystem(dir, 8 * MiB);
    if (!small) {
      // Not allowed to mount (not root): compare with df for the temp folder's volume instead.
      const [avail, size] = execFileSync('df', ['-B1', '--output=avail,size', root], { encoding: 'utf8' }).trim().split('\n')[1]!.trim().split(/\s+/).map(Number);
      const space = await readDiskSpace(root);
      expect(space.total).toBe(size);
      expect(Math.abs(space.free - avail!)).toBeLessThan(64 * MiB);
      return;
    }
    mounted.push(small);

    const empty = await readDiskSpace(dir);
    expect(empty).toEqual({ free: 8 * MiB, total: 8 * MiB });
    expect(await readDiskSpace(path.join(dir, 'backups', 'not-yet'))).toEqual(empty);

    const name = formatBackupName(new Date(Date.now() - 3_600_000), 'auto');
    writeFileSync(path.join(dir, name), Buffer.alloc(3 * MiB, 1));
    const space = await readDiskSpace(dir);
    expect(space).toEqual({ free: 5 * MiB, total: 8 * MiB });

    const backups = await new BackupStore(dir).list();
    const assessment = assessDiskSpace(space, backups, { minFreeMb: 1, now: new Date() });
    expect(assessment).toMatchObject({ backupsBytes: 3 * MiB, requiredFree: 6 * MiB, canStartBackup: false, lowSpaceWarning: undefined });
    expect(assessment.refusal).toContain('frei sind 5,0 MiB, nötig sind mindestens 6,0 MiB (das Doppelte des neuesten Backups von 3,0 MiB)');
  });

  it('walks up only past folders that do not exist yet; any other error is the caller’s to see', async () => {
    const file = path.join(root, 'a-file');
    writeFileSync(file, 'x');
    await expect(readDiskSpace(path.join(file, 'backups'))).rejects.toMatchObject({ code: 'ENOTDIR' });
  });
});
