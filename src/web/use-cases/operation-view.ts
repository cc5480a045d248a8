import type { FinishedOperation, RunningOperation, TrackerState } from '../../backup/operation-tracker.js';

export interface OperationsView {
  readonly running: RunningOperation | null;
  readonly last: FinishedOperation | null;
}

/** The tracker's state as the pages and the API show it. */
export function operationsView(state: TrackerState): OperationsView {
  return { running: state.running ?? null, last: state.last ?? null };
}

export interface StartedOperation {
  readonly id: string;
  readonly operation: 'backup' | 'restore';
  readonly subject: string;
  readonly actor: string;
}
