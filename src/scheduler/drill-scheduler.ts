import type { DrillSchedule } from '../config/config-values.js';
import type { DrillOptions } from '../restore/drill/restore-drill.js';
import type { DrillRecord } from '../restore/drill/drill-records.js';
import { formatLocalMinute } from '../log/log-line.js';
import { describeError, isAppError } from '../shared/app-error.js';
import type { Clock } from '../shared/clock.js';
import type { StartTicker, Ticker } from './cron-ticker.js';
import { decideDrill, nextDrillSlot } from './drill-schedule.js';

export const DRILL_TRIGGER = 'Zeitplan';

export interface DrillSchedulerOptions {
  /** Read on every tick, so that a changed setting is in force at the next one. */
  readonly schedule: () => DrillSchedule;
  readonly timeZone: () => string;
  readonly runDrill: (options: DrillOptions) => Promise<DrillRecord | undefined>;
  readonly lastDrill: () => Promise<DrillRecord | undefined>;
  readonly log: (message: string) => void;
  readonly clock: Clock;
  /** Default: no ticking (tests drive `tick`); production passes everyMinute(zone). */
  readonly ticker?: StartTicker;
}

export type DrillTickOutcome =
  | { readonly kind: 'busy' | 'closed' | 'off' }
  | { readonly kind: 'up-to-date'; readonly slot: Date | undefined }
  /** The lock was held (a backup or restore ran) or there is no backup yet: tried again next tick. */
  | { readonly kind: 'deferred'; readonly slot: Date; readonly reason: string }
  | { readonly kind: 'ran'; readonly slot: Date; readonly drill: DrillRecord | undefined };

/** What the pages show of the drills. */
export interface DrillStatus {
  readonly schedule: DrillSchedule;
  readonly nextRun: Date | undefined;
  readonly last: DrillRecord | undefined;
}

export interface DrillControl {
  status(): Promise<DrillStatus>;
}

/**
 * The scheduled restore drills (BACKUP_DRILL): on each tick, is the latest
 * slot's drill due? Then it runs through the manager, which takes the
 * operation lock and skips it when another process already drilled since the
 * slot. Failures are logged and mailed by the engine's events.
 */
export class DrillScheduler implements DrillControl {
  private readonly watchingSince: Date;
  private ticker: Ticker | undefined;
  private running: Promise<DrillTickOutcome> | undefined;
  private closed = false;
  private readonly deferralLogged = new Set<string>();

  constructor(private readonly options: DrillSchedulerOptions) {
    this.watchingSince = options.clock.now();
  }

  startTicking(): void {
    if (this.ticker || this.closed || !this.options.ticker) return;
    this.ticker = this.options.ticker(() => {
      this.tick().catch((error: unknown) => this.options.log(`Zeitplan des Wiederherstellungstests nicht geprüft: ${describeError(error)}`));
    });
  }

  async shutdown(): Promise<void> {
    this.closed = true;
    this.ticker?.stop();
    this.ticker = undefined;
    await this.running?.catch(() => undefined);
  }

  tick(now: Date = this.options.clock.now()): Promise<DrillTickOutcome> {
    if (this.closed) return Promise.resolve({ kind: 'closed' });
    if (this.running) return Promise.resolve({ kind: 'busy' });
    const work = this.check(now).finally(() => (this.running = undefined));
    this.running = work;
    return work;
  }

  async status(): Promise<DrillStatus> {
    const schedule = this.options.schedule();
    return {
      schedule,
      nextRun: nextDrillSlot(schedule, this.options.timeZone(), this.options.clock.now()),
      last: await this.options.lastDrill(),
    };
  }

  private async check(now: Date): Promise<DrillTickOutcome> {
    const timeZone = this.options.timeZone();
    const decision = decideDrill({
      now,
      schedule: this.options.schedule(),
      timeZone,
      lastDrillAt: (await this.options.lastDrill())?.startedAt,
      watchingSince: this.watchingSince,
    });
    if (decision.kind !== 'due') return decision;
    const { slot } = decision;
    try {
      const drill = await this.options.runDrill({ actor: DRILL_TRIGGER, skipIfDrilledSince: slot });
      return { kind: 'ran', slot, drill };
    } catch (error) {
      const reason = describeError(error);
      const key = `${slot.toISOString()} ${isAppError(error) ? error.code : 'error'}`;
      if (!this.deferralLogged.has(key)) {
        this.deferralLogged.add(key);
        this.options.log(`Geplanter Wiederherstellungstest ${formatLocalMinute(slot, timeZone)} wartet: ${reason}; neuer Versuch jede Minute`);
      }
      return { kind: 'deferred', slot, reason };
    }
  }
}
