import { existsSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BackupStore } from '../../src/backup/backup-store.js';
import { useTempDir } from '../helpers/temp-dir.js';

const root = useTempDir();

describe('BackupStore with encrypted archives and sidecars', () => {
  it('lists plain and encrypted archives, never sidecars, and removes an archive with its sidecar', async () => {
    const store = new BackupStore(path.join(root, 'a'));
    const plain = await store.writeNew('auto', new Date('2026-12-01T05:00:00Z'), (tempPath) => writeFile(tempPath, 'plain'));
    const sealed = await store.writeNew('manual', new Date('2026-12-01T06:00:00Z'), (tempPath) => writeFile(tempPath, 'sealed'), { encrypted: true });
    expect(sealed.backup.name).toBe('scandy-backup-20261201T060000000Z-manual.zip.age');
    await store.writeSidecar(sealed.backup.name, '{"format":"scandy-backup-meta"}');
    expect(statSync(store.sidecarPath(sealed.backup.name)).mode & 0o777).toBe(0o600);

    const listed = await store.list();
    expect(listed.map((b) => [b.name, b.encrypted])).toEqual([
      [sealed.backup.name, true],
      [plain.backup.name, false],
    ]);
    expect(await store.readSidecar(sealed.backup.name)).toBe('{"format":"scandy-backup-meta"}');
    expect(await store.readSidecar(plain.backup.name)).toBeUndefined();
    expect(await store.tempFiles()).toEqual([]);

    await store.remove(sealed.backup.name);
    expect(existsSync(sealed.backup.path)).toBe(false);
    expect(existsSync(store.sidecarPath(sealed.backup.name))).toBe(false);
    await store.remove(plain.backup.name);
    expect(await store.list()).toEqual([]);
  });

  it('names a leftover sidecar temp file as a temp file prune may remove', async () => {
    const store = new BackupStore(path.join(root, 'b'));
    await store.ensureDir();
    const leftover = 'scandy-backup-20261201T050000000Z-auto.zip.age.json.tmp';
    await writeFile(path.join(store.dir, leftover), '{');
    expect(await store.tempFiles()).toEqual([leftover]);
    await store.removeTempFile(leftover);
    expect(await store.tempFiles()).toEqual([]);
  });
});
