import type { BackupNotifier } from '../mail/backup-notifier.js';
import type { SlotClaims } from './slot-claims.js';
import type { WatchdogVerdict } from './watchdog.js';

/** `alerted`: this check raised the alert; `known`: this or another process already did for this outage. */
export type AlarmOutcome = 'ok' | 'alerted' | 'known';

export interface WatchdogAlarmOptions {
  /** Once per outage across all processes. */
  readonly claims: Pick<SlotClaims, 'claimOnce'>;
  readonly notifier: Pick<BackupNotifier, 'watchdogAlert'>;
  readonly log: (message: string) => void;
}

/** Raises the watchdog's alert once per outage (log and mail), and says in the log when it is over. */
export class WatchdogAlarm {
  private alertedOutage: string | undefined;

  constructor(private readonly options: WatchdogAlarmOptions) {}

  async check(verdict: WatchdogVerdict, schedulerEnabled: boolean): Promise<AlarmOutcome> {
    if (verdict.ok) {
      if (this.alertedOutage) {
        this.alertedOutage = undefined;
        this.options.log(`Überwachung: wieder ein erfolgreiches Backup, Warnung aufgehoben (${verdict.message})`);
      }
      return 'ok';
    }
    if (this.alertedOutage === verdict.outageKey) return 'known';
    this.alertedOutage = verdict.outageKey;
    // Without the database, alerting twice beats not alerting.
    const first = await this.options.claims.claimOnce(verdict.outageKey).catch(() => true);
    if (!first) return 'known';
    this.options.log(`WARNUNG: ${verdict.message}`);
    await this.options.notifier.watchdogAlert({
      lastSuccessAt: verdict.lastSuccessAt,
      since: verdict.since,
      thresholdHours: verdict.thresholdHours,
      hoursWithout: verdict.hoursWithout,
      schedulerEnabled,
    });
    return 'alerted';
  }
}
