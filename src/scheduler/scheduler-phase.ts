/** Where this process is: `idle` between ticks, `checking` while deciding, `running` a backup, `closed` after shutdown. */
export type SchedulerPhase = 'idle' | 'checking' | 'running' | 'closed';

const TRANSITIONS: Readonly<Record<SchedulerPhase, readonly SchedulerPhase[]>> = {
  idle: ['checking', 'closed'],
  checking: ['idle', 'running', 'closed'],
  running: ['idle', 'closed'],
  closed: [],
};

/** The scheduler's state machine; a step it does not allow is a bug and throws. */
export class PhaseMachine {
  private phase: SchedulerPhase = 'idle';

  get current(): SchedulerPhase {
    return this.phase;
  }

  to(next: SchedulerPhase): void {
    if (!TRANSITIONS[this.phase].includes(next)) throw new Error(`scheduler: ${this.phase} -> ${next} is not a transition`);
    this.phase = next;
  }
}
