import type { BackupResult } from '../backup/create-backup.js';
import { describeError } from '../shared/app-error.js';
import { systemClock, type Clock } from '../shared/clock.js';
import {
  backupFailedMail,
  backupSucceededMail,
  drillFailedMail,
  restoreFailedMail,
  safetyArchivePendingMail,
  safetyArchiveWrittenMail,
  watchdogAlertMail,
  type DrillFailure,
  type MailContent,
  type RestoreFailure,
  type SafetyArchivePending,
  type WatchdogAlert,
} from './backup-mails.js';
import { diskSpaceLowMail } from './disk-space-mail.js';
import type { Mailer } from './mailer.js';
import { offsiteOutageMail, offsiteWatchdogAlertMail, type OffsiteOutage, type OffsiteWatchdogAlert } from './offsite-mails.js';
import { MAIL_OFF_REASON } from './smtp-mailer.js';

export interface MailOutcome {
  readonly sent: boolean;
  /** Why it was not sent. */
  readonly reason?: string;
  readonly subject: string;
}

/** The mails of the backup system. Never throws: a mail that fails is logged, not raised. */
export interface BackupNotifier {
  backupSucceeded(result: BackupResult, info: { readonly trigger: string }): Promise<MailOutcome>;
  backupFailed(reason: string, info: { readonly trigger: string }): Promise<MailOutcome>;
  restoreFailed(failure: RestoreFailure): Promise<MailOutcome>;
  /** A restore succeeded, but the safety archive of the data it replaced is still pending. */
  safetyArchivePending(pending: SafetyArchivePending): Promise<MailOutcome>;
  safetyArchiveWritten(written: { readonly source: string; readonly name: string }): Promise<MailOutcome>;
  watchdogAlert(alert: WatchdogAlert): Promise<MailOutcome>;
  /** Copies to the bucket began to fail (once per outage). */
  offsiteOutage(outage: OffsiteOutage): Promise<MailOutcome>;
  /** No backup reached the bucket for BACKUP_WATCHDOG_HOURS (once per outage). */
  offsiteWatchdogAlert(alert: OffsiteWatchdogAlert): Promise<MailOutcome>;
  /** A restore drill found the backup does not come back as it was saved. */
  drillFailed(failure: DrillFailure): Promise<MailOutcome>;
  /** The backup volume fell below 20 % free (once per episode, see DiskWatch). */
  diskSpaceLow(warning: string): Promise<MailOutcome>;
}

export interface RecipientLookup {
  (): Promise<{ readonly recipients: readonly string[]; readonly note: string | undefined }>;
}

export interface BackupNotifierOptions {
  /** Undefined: mail is off (said once at start, not per mail). */
  readonly mailer: Mailer | undefined;
  readonly recipients: RecipientLookup;
  readonly log: (message: string) => void;
  readonly attachMaxBytes: number;
  readonly timeZone: string;
  /** Applied to subject and text: no secret leaves by mail either. */
  readonly redact?: (text: string) => string;
  readonly clock?: Clock;
}

export const NO_RECIPIENTS_REASON = 'keine Empfänger: kein Admin mit E-Mail-Adresse und keine Einstellung admin_email';

export function createBackupNotifier(options: BackupNotifierOptions): BackupNotifier {
  const clock = options.clock ?? systemClock;
  const redact = options.redact ?? ((text: string) => text);
  const timeZone = options.timeZone;

  async function deliver(content: MailContent): Promise<MailOutcome> {
    const subject = redact(content.subject);
    if (!options.mailer) return { sent: false, reason: MAIL_OFF_REASON, subject };
    try {
      const { recipients, note } = await options.recipients();
      if (note) options.log(note);
      if (recipients.length === 0) return notSent(subject, NO_RECIPIENTS_REASON);
      await options.mailer.send({ to: recipients, subject, text: redact(content.text), attachments: content.attachments });
      options.log(`E-Mail an ${recipients.join(', ')} gesendet: ${subject}`);
      return { sent: true, subject };
    } catch (error) {
      return notSent(subject, describeError(error));
    }
  }

  function notSent(subject: string, reason: string): MailOutcome {
    options.log(`E-Mail nicht gesendet (${reason}): ${subject}`);
    return { sent: false, reason, subject };
  }

  return {
    backupSucceeded: (result, info) =>
      deliver(backupSucceededMail(result, { trigger: info.trigger, attachMaxBytes: options.attachMaxBytes, timeZone })),
    backupFailed: (reason, info) => deliver(backupFailedMail(reason, { trigger: info.trigger, at: clock.now(), timeZone })),
    restoreFailed: (failure) => deliver(restoreFailedMail(failure, { at: clock.now(), timeZone })),
    safetyArchivePending: (pending) => deliver(safetyArchivePendingMail(pending, { at: clock.now(), timeZone })),
    safetyArchiveWritten: (written) => deliver(safetyArchiveWrittenMail(written, { at: clock.now(), timeZone })),
    watchdogAlert: (alert) => deliver(watchdogAlertMail(alert, { timeZone })),
    offsiteOutage: (outage) => deliver(offsiteOutageMail(outage, { at: clock.now(), timeZone })),
    offsiteWatchdogAlert: (alert) => deliver(offsiteWatchdogAlertMail(alert, { timeZone })),
    drillFailed: (failure) => deliver(drillFailedMail(failure, { at: clock.now(), timeZone })),
    diskSpaceLow: (warning) => deliver(diskSpaceLowMail(warning)),
  };
}
