import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/shared/project.js';

/** What the app, the tests and CI run; bench/ may look beside the repository for optional tools. */
const RUN_BY_USERS_AND_CI = ['src', 'test', 'scripts', '.ci', 'bin', 'package.json', 'vitest.config.ts'];

/** A relative path into a `shared` folder: fine for src/shared, wrong for anything else (such as ../shared beside the clone). */
const RELATIVE_SHARED = /(?:\.\.\/)+shared\b/g;
/** The samples below spell the folder through this, so that a grep for paths into it finds only real ones. */
const SHARED = 'shared';
const OWN_SHARED = path.join(projectRoot, 'src', 'shared');
/** `path.join(root, '..', <the shared folder>)` and the like. */
const JOINED_SHARED = /['"]\.\.['"]\s*,\s*(?:['"]\.\.['"]\s*,\s*)*['"]shared['"]/;

/** The places in `text` (a file in `dir`) that point at a `shared` folder outside the repository. */
function outsideReferences(text: string, dir: string): string[] {
  const relative = [...text.matchAll(RELATIVE_SHARED)]
    .map((match) => match[0])
    .filter((reference) => path.resolve(dir, reference) !== OWN_SHARED);
  return JOINED_SHARED.test(text) ? [...relative, 'path segments .., shared'] : relative;
}

function filesUnder(entry: string): string[] {
  const full = path.join(projectRoot, entry);
  if (!statSync(full).isDirectory()) return [full];
  return readdirSync(full, { recursive: true, encoding: 'utf8' })
    .map((name) => path.join(full, name))
    .filter((file) => statSync(file).isFile());
}

describe('the repository stands alone', () => {
  it('nothing the app, the tests or CI run reads ../shared beside the clone', () => {
    const offenders = RUN_BY_USERS_AND_CI.flatMap(filesUnder)
      .filter((file) => file !== import.meta.filename) // its own examples below
      .map((file) => ({ file: path.relative(projectRoot, file), refs: outsideReferences(readFileSync(file, 'utf8'), path.dirname(file)) }))
      .filter(({ refs }) => refs.length > 0);
    expect(offenders).toEqual([]);
  });

  it('tells a path beside the clone from src/shared', () => {
    const srcLog = path.join(projectRoot, 'src', 'log');
    expect(outsideReferences("import { x } from '../shared/app-error.js';", srcLog)).toEqual([]);
    expect(outsideReferences(`readFileSync('../../${SHARED}/fixtures/a.json')`, srcLog)).toEqual(['../../shared']);
    expect(outsideReferences(`path.resolve(projectRoot, '..', '${SHARED}', 'fixtures')`, srcLog)).toHaveLength(1);
    const testUnit = path.join(projectRoot, 'test', 'unit');
    expect(outsideReferences(`path.resolve(dirname, '../../../${SHARED}/fixtures', name)`, testUnit)).toEqual(['../../../shared']);
    expect(outsideReferences(`path.resolve(dirname, '../../${SHARED}/fixtures', name)`, testUnit)).toEqual(['../../shared']);
    expect(outsideReferences("import { projectRoot } from '../../src/shared/project.js';", testUnit)).toEqual([]);
  });
});
