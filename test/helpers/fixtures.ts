import { existsSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../src/shared/project.js';

/** The project's own old-Scandy backup (test/fixtures/README.md says what it holds). */
export const LEGACY_FIXTURE = 'scandy_backup_20250712_060000.json';

/** A file under test/fixtures/ of this repository. */
export function fixturePath(name: string): string {
  const file = path.join(projectRoot, 'test', 'fixtures', name);
  if (!existsSync(file)) throw new Error(`fixture not found: ${file}`);
  return file;
}
