import type { BackupNotifier } from '../mail/backup-notifier.js';
import type { SlotClaims } from './slot-claims.js';
import type { WatchdogVerdict } from './watchdog.js';

/** `alerted`: this check raised the alert; `known`: this or another process already did for this outage. */
export type AlarmOutcome = 'ok' | 'alerted' | 'known';

export interface WatchdogAlarmOptions {
  /** Once per outage across all processes. */
  readonly claims: Pick<SlotClaims, 'claimOnce'>;
  readonly log: (message: string) => void;
  /** Sends the alert (the mail); called once per outage. */
  readonly raise: (verdict: WatchdogVerdict, schedulerEnabled: boolean) => Promise<unknown>;
  /** The log line's words when the outage is over, e.g. "wieder ein erfolgreiches Backup". */
  readonly over: string;
}

/** Raises a watchdog's alert once per outage (log and mail), and says in the log when it is over. */
export class WatchdogAlarm {
  private alertedOutage: string | undefined;

  constructor(private readonly options: WatchdogAlarmOptions) {}

  async check(verdict: WatchdogVerdict, schedulerEnabled: boolean): Promise<AlarmOutcome> {
    if (verdict.ok) {
      if (this.alertedOutage) {
        this.alertedOutage = undefined;
        this.options.log(`Überwachung: ${this.options.over}, Warnung aufgehoben (${verdict.message})`);
      }
      return 'ok';
    }
    if (this.alertedOutage === verdict.outageKey) return 'known';
    this.alertedOutage = verdict.outageKey;
    // Without the database, alerting twice beats not alerting.
    const first = await this.options.claims.claimOnce(verdict.outageKey).catch(() => true);
    if (!first) return 'known';
    this.options.log(`WARNUNG: ${verdict.message}`);
    await this.options.raise(verdict, schedulerEnabled);
    return 'alerted';
  }
}

/** The scheduler's two alarms: no successful backup, and (with a bucket) no backup that reached the bucket. */
export function watchdogAlarms(options: Pick<WatchdogAlarmOptions, 'claims' | 'log'> & {
  readonly notifier: Pick<BackupNotifier, 'watchdogAlert' | 'offsiteWatchdogAlert'>;
}): { readonly backups: WatchdogAlarm; readonly offsite: WatchdogAlarm } {
  const { notifier } = options;
  const alertOf = (v: WatchdogVerdict) => ({ since: v.since, thresholdHours: v.thresholdHours, hoursWithout: v.hoursWithout });
  return {
    backups: new WatchdogAlarm({
      ...options,
      over: 'wieder ein erfolgreiches Backup',
      raise: (v, schedulerEnabled) => notifier.watchdogAlert({ ...alertOf(v), lastSuccessAt: v.lastSuccessAt, schedulerEnabled }),
    }),
    offsite: new WatchdogAlarm({
      ...options,
      over: 'wieder ein Backup im externen Speicher',
      raise: (v) => notifier.offsiteWatchdogAlert({ ...alertOf(v), lastCopiedAt: v.lastSuccessAt }),
    }),
  };
}
