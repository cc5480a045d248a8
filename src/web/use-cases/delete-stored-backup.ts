import { AppError } from '../../shared/app-error.js';
import type { PlaceKind } from '../../storage/storage-place.js';
import type { AppDependencies } from '../app-dependencies.js';

const PLACE_WORDS: Readonly<Record<string, PlaceKind>> = { local: 'local', s3: 's3' };

/**
 * Deletes a backup from the places asked for (`places`: "local", "s3" or both,
 * comma-separated; default: wherever it is) and its remembered verify result
 * once no place holds it (the engine logs it with the actor).
 */
export async function deleteStoredBackup(
  deps: Pick<AppDependencies, 'manager'>,
  name: string,
  actor: string,
  placesParam?: unknown,
): Promise<{ deleted: string; places: PlaceKind[] }> {
  const places = parsePlaces(placesParam);
  return { deleted: name, places: await deps.manager.delete(name, actor, places) };
}

function parsePlaces(raw: unknown): PlaceKind[] | undefined {
  if (raw === undefined || raw === '') return undefined;
  const words = typeof raw === 'string' ? raw.split(',').map((w) => w.trim()) : [];
  const places = words.map((w) => PLACE_WORDS[w]);
  if (words.length === 0 || places.some((p) => p === undefined)) {
    throw new AppError('INVALID_INPUT', 'places muss "local", "s3" oder "local,s3" sein');
  }
  return [...new Set(places as PlaceKind[])];
}
