import { existsSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../src/shared/project.js';

/** ../shared/fixtures beside the repository (the workplace and CI both lay it there). */
export function sharedFixture(name: string): string {
  const file = path.resolve(projectRoot, '..', 'shared', 'fixtures', name);
  if (!existsSync(file)) throw new Error(`fixture not found: ${file} (shared/ must sit beside the repository)`);
  return file;
}
