import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync } from 'node:fs';

export interface MountedDir {
  readonly dir: string;
  /** How the limit is enforced, for the test's own report. */
  readonly how: string;
  release(): void;
}

function tryMount(dir: string, options: string): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function unmount(dir: string): void {
  try {
    execFileSync('umount', [dir], { stdio: 'ignore' });
  } catch {
    // already gone
  }
}

/** A folder that holds at most `bytes`: a real tmpfs when we may mount (CI runs as root). */
export function smallFilesystem(dir: string, bytes: number): MountedDir | undefined {
  mkdirSync(dir, { recursive: true });
  if (!tryMount(dir, `size=${bytes}`)) return undefined;
  return { dir, how: `tmpfs of ${bytes} bytes`, release: () => unmount(dir) };
}

/** A folder nobody may write to: a read-only tmpfs as root, else file permissions. */
export function readOnlyDirectory(dir: string): MountedDir {
  mkdirSync(dir, { recursive: true });
  if (tryMount(dir, 'ro,size=65536')) return { dir, how: 'read-only tmpfs', release: () => unmount(dir) };
  chmodSync(dir, 0o555);
  return { dir, how: 'mode 555', release: () => chmodSync(dir, 0o755) };
}
