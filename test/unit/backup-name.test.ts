import { describe, expect, it } from 'vitest';
import {
  backupNameOfSidecar,
  formatBackupName,
  isTempBackupName,
  parseBackupName,
  sidecarNameFor,
  tempNameFor,
} from '../../src/archive/backup-name.js';

const at = new Date('2026-12-01T05:00:00.123Z');

describe('backup names', () => {
  it.each([
    [{}, 'scandy-backup-20261201T050000123Z-auto.zip', false],
    [{ encrypted: false }, 'scandy-backup-20261201T050000123Z-auto.zip', false],
    [{ encrypted: true }, 'scandy-backup-20261201T050000123Z-auto.zip.age', true],
  ])('formats %o as %s and parses it back', (options, name, encrypted) => {
    expect(formatBackupName(at, 'auto', options)).toBe(name);
    expect(parseBackupName(name)).toEqual({ name, createdAt: at, kind: 'auto', encrypted });
  });

  it.each([
    'scandy-backup-20261201T050000123Z-auto.zip.age.json',
    'scandy-backup-20261201T050000123Z-auto.zip.json',
    'scandy-backup-20261201T050000123Z-auto.zip.age.tmp',
    'scandy-backup-20261201T050000123Z-auto.age',
    'scandy-backup-20261201T050000123Z-auto.zip.agex',
    'scandy-backup-20261201T050000123Z-auto.zip.age.age',
    'scandy-backup-20261332T050000123Z-auto.zip.age',
  ])('%s is no backup', (name) => {
    expect(parseBackupName(name)).toBeUndefined();
  });

  it.each([
    ['scandy-backup-20261201T050000123Z-manual.zip.age.tmp', true],
    ['scandy-backup-20261201T050000123Z-manual.zip.tmp', true],
    ['scandy-backup-20261201T050000123Z-manual.zip.age.json.tmp', true],
    ['scandy-backup-20261201T050000123Z-manual.zip.json.tmp', true],
    ['scandy-backup-20261201T050000123Z-manual.zip.age.json', false],
    ['other.zip.json.tmp', false],
    ['scandy-backup-20261201T050000123Z-manual.zip.tmp.json.tmp', false],
  ])('%s is a temporary file: %s', (name, temporary) => {
    expect(isTempBackupName(name)).toBe(temporary);
  });

  it('names the sidecar beside the archive and finds the archive from it', () => {
    const name = formatBackupName(at, 'upload', { encrypted: true });
    expect(sidecarNameFor(name)).toBe(`${name}.json`);
    expect(backupNameOfSidecar(sidecarNameFor(name))).toBe(name);
    expect(backupNameOfSidecar(tempNameFor(name))).toBeUndefined();
    expect(backupNameOfSidecar('notes.json')).toBeUndefined();
  });
});
