import { EventEmitter } from 'node:events';
import { AppError, describeError } from '../shared/app-error.js';
import { randomToken } from '../shared/ids.js';
import type { OperationProgress } from './backup-events.js';

export interface OperationInfo {
  readonly id: string;
  readonly operation: 'backup' | 'restore';
  /** What it is about: the backup kind, or the backup being restored. */
  readonly subject: string;
  readonly actor: string;
  readonly startedAt: Date;
}

export interface RunningOperation extends OperationInfo {
  readonly progress: OperationProgress | undefined;
}

export interface FinishedOperation extends OperationInfo {
  readonly finishedAt: Date;
  readonly ok: boolean;
  readonly message: string;
}

export interface TrackerState {
  readonly running: RunningOperation | undefined;
  readonly last: FinishedOperation | undefined;
}

export interface LaunchHooks {
  readonly onProgress: (progress: OperationProgress) => void;
  /** Call once the operation lock is held; until then the launch can still be refused. */
  readonly onStarted: () => void;
}

export interface Launched<T> {
  readonly id: string;
  /** Resolves when the operation holds the lock; rejects if it was refused or failed before that. */
  readonly started: Promise<void>;
  readonly done: Promise<T>;
}

/**
 * In-process view of the long operation that runs now and the last one that
 * ended, for progress bars and "läuft bereits". The cross-process guarantee
 * is the operation lock; this only answers faster and reports progress.
 */
export class OperationTracker {
  private running: RunningOperation | undefined;
  private last: FinishedOperation | undefined;
  private readonly events = new EventEmitter();

  state(): TrackerState {
    return { running: this.running, last: this.last };
  }

  subscribe(listener: (state: TrackerState) => void): () => void {
    this.events.on('change', listener);
    return () => this.events.off('change', listener);
  }

  /** `summarize` words a success that needs saying more than "erfolgreich" (a restore whose safety archive is pending). */
  launch<T>(
    info: Omit<OperationInfo, 'id' | 'startedAt'>,
    work: (hooks: LaunchHooks) => Promise<T>,
    summarize: (result: T) => string = () => 'erfolgreich',
  ): Launched<T> {
    if (this.running) {
      const what = this.running.operation === 'restore' ? 'Eine Wiederherstellung' : 'Ein Backup';
      throw new AppError('OPERATION_RUNNING', `${what} läuft bereits`);
    }
    const id = randomToken(6);
    const running: RunningOperation = { ...info, id, startedAt: new Date(), progress: undefined };
    this.running = running;
    this.changed();

    let markStarted: () => void = () => undefined;
    const started = new Promise<void>((resolve) => (markStarted = resolve));
    const hooks: LaunchHooks = {
      onProgress: (progress) => {
        if (this.running?.id !== id) return;
        this.running = { ...this.running, progress };
        this.changed();
      },
      onStarted: () => markStarted(),
    };
    const done = work(hooks).then(
      (result) => {
        this.finish(running, true, summarize(result));
        return result;
      },
      (error: unknown) => {
        this.finish(running, false, describeError(error));
        throw error;
      },
    );
    return { id, started: Promise.race([started, done.then(() => undefined)]), done };
  }

  private finish(running: RunningOperation, ok: boolean, message: string): void {
    this.last = { ...running, finishedAt: new Date(), ok, message };
    if (this.running?.id === running.id) this.running = undefined;
    this.changed();
  }

  private changed(): void {
    this.events.emit('change', this.state());
  }
}
