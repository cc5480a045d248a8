import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/shared/project.js';

/**
 * Dependencies point down. Each folder of src/ has a layer; a file may import
 * from its own layer or a lower one, never from a higher one (type-only
 * imports included). The composition root (src/app/compose.ts) is the one
 * place that knows every layer.
 */
const LAYERS: readonly (readonly string[])[] = [
  ['shared'],
  ['crypto'],
  ['config'],
  ['db', 'archive', 'auth', 'seed'],
  ['storage', 'retention', 'settings'],
  // The backup engine: store, lock, create, list, verify, prune, delete, events.
  ['backup'],
  // Built on the engine: a restore writes its safety archive as a backup; legacy import writes an archive.
  ['restore', 'legacy'],
  // The engine handed out as one BackupManager, with the restore's repair registered at the lock.
  ['manager'],
  // Subscribers of the engine's events.
  ['log', 'monitoring'],
  ['mail'],
  ['scheduler'],
  ['web'],
  // Entry points and the composition root; src/main.ts belongs here.
  ['app', 'cli'],
];

const SRC = path.join(projectRoot, 'src');

function layerOf(folder: string): number {
  const index = LAYERS.findIndex((layer) => layer.includes(folder));
  if (index < 0) throw new Error(`src/${folder}/ has no layer in test/unit/layering.test.ts: add it where it belongs`);
  return index;
}

/** The top folder of a file under src/ ("app" for src/main.ts, an entry point). */
function folderOf(file: string): string {
  const [first, ...rest] = path.relative(SRC, file).split(path.sep);
  return rest.length === 0 ? 'app' : first!;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

interface Import {
  readonly file: string;
  readonly target: string;
  readonly typeOnly: boolean;
}

const IMPORT_PATTERN = /^\s*(import|export)\s+(type\s+)?[^'";]*?from\s+'([^']+)'|import\(\s*'([^']+)'\s*\)/gm;

/** The relative imports (static, re-exports and dynamic) of a file, resolved to files under src/. */
export function importsOf(file: string, text: string): Import[] {
  const found: Import[] = [];
  for (const match of text.matchAll(IMPORT_PATTERN)) {
    const specifier = match[3] ?? match[4]!;
    if (!specifier.startsWith('.')) continue;
    const target = path.resolve(path.dirname(file), specifier.replace(/\.js$/, '.ts'));
    found.push({ file, target, typeOnly: match[2] !== undefined });
  }
  return found;
}

const files = sourceFiles(SRC);
const imports = files.flatMap((file) => importsOf(file, readFileSync(file, 'utf8')));
const where = (file: string) => path.relative(projectRoot, file);

describe('layering of src/', () => {
  it('finds the imports it checks', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(imports.length).toBeGreaterThan(300);
    // The parser sees type-only, multi-line and dynamic imports.
    expect(importsOf('/x/src/web/a.ts', "import type {\n  A,\n  B,\n} from '../backup/b.js';\nconst m = await import('../restore/c.js');")).toEqual([
      { file: '/x/src/web/a.ts', target: '/x/src/backup/b.ts', typeOnly: true },
      { file: '/x/src/web/a.ts', target: '/x/src/restore/c.ts', typeOnly: false },
    ]);
  });

  it('gives every folder of src/ a layer', () => {
    for (const file of files) expect(() => layerOf(folderOf(file)), where(file)).not.toThrow();
  });

  it('has no import from a lower layer up to a higher one', () => {
    const upward = imports
      .filter((i) => i.target.startsWith(SRC + path.sep))
      .filter((i) => layerOf(folderOf(i.target)) > layerOf(folderOf(i.file)))
      .map((i) => `${where(i.file)} -> ${where(i.target)}`);
    expect(upward).toEqual([]);
  });

  it('lets routes call the web use cases only: nothing outside src/web but types', () => {
    const routes = path.join(SRC, 'web', 'routes') + path.sep;
    const web = path.join(SRC, 'web') + path.sep;
    const reachingOut = imports
      .filter((i) => i.file.startsWith(routes) && !i.typeOnly && !i.target.startsWith(web))
      .map((i) => `${where(i.file)} -> ${where(i.target)}`);
    expect(reachingOut).toEqual([]);
  });
});
