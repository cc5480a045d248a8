import type { FinishedOperation, RunningOperation, TrackerState } from '../../backup/operation-tracker.js';
import { operationLabel } from '../wording/operation-labels.js';

/** `label`: what the pages call it, "Backup (automatisch, nachgeholt)". */
export type Labelled<T> = T & { readonly label: string };

export interface OperationsView {
  readonly running: Labelled<RunningOperation> | null;
  readonly last: Labelled<FinishedOperation> | null;
}

const labelled = <T extends RunningOperation | FinishedOperation>(op: T | undefined): Labelled<T> | null =>
  op ? { ...op, label: operationLabel(op) } : null;

/** The tracker's state as the pages and the API show it. */
export function operationsView(state: TrackerState): OperationsView {
  return { running: labelled(state.running), last: labelled(state.last) };
}

export interface StartedOperation {
  readonly id: string;
  readonly operation: 'backup' | 'restore';
  readonly subject: string;
  readonly actor: string;
}
