import type { Manifest, ManifestCollection } from '../archive/archive-format.js';
import { AppError } from '../shared/app-error.js';

/**
 * The collections a restore will replace: the requested ones (default: all in
 * the archive), each of which must be in the archive and among the
 * collections this installation backs up. Anything else is refused.
 */
export function selectCollections(
  manifest: Manifest,
  requested: readonly string[] | undefined,
  allowed: readonly string[],
): ManifestCollection[] {
  const byName = new Map(manifest.collections.map((c) => [c.name, c]));
  const names = requested ?? manifest.collections.map((c) => c.name);
  if (names.length === 0) throw new AppError('INVALID_INPUT', 'Keine Collection zum Wiederherstellen ausgewählt');
  return [...new Set(names)].map((name) => {
    const entry = byName.get(name);
    if (!entry) throw new AppError('INVALID_INPUT', `Collection "${name}" ist nicht im Backup enthalten`);
    if (!allowed.includes(name)) {
      throw new AppError(
        'INVALID_INPUT',
        `Collection "${name}" gehört nicht zu den gesicherten Collections (BACKUP_COLLECTIONS); bitte die Collections auswählen`,
      );
    }
    return entry;
  });
}
