import type { PlaceKind } from '../storage/storage-place.js';
import type { OffsiteState } from './merge-places.js';

/** "lokal", "extern" or "beide". */
export function locationLabel(locations: readonly PlaceKind[]): string {
  if (locations.includes('local') && locations.includes('s3')) return 'beide';
  return locations.includes('s3') ? 'extern' : 'lokal';
}

/** "extern: ausstehend", "extern fehlgeschlagen: <Grund>"; undefined when there is nothing to say. */
export function offsiteStateText(state: OffsiteState | undefined): string | undefined {
  if (state?.state === 'pending') return 'extern: ausstehend';
  if (state?.state === 'failed') return `extern fehlgeschlagen: ${state.reason}`;
  return undefined;
}
