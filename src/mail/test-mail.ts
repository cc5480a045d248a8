import { formatLocalMinute } from '../log/log-line.js';
import { describeMailFailure, type MailProblem } from './mail-errors.js';
import type { Mailer } from './mailer.js';
import { NO_RECIPIENTS_REASON } from './backup-notifier.js';
import { MAIL_OFF_REASON } from './smtp-mailer.js';

export type TestMailResult =
  | { readonly sent: true; readonly recipients: readonly string[]; readonly subject: string; readonly response: string }
  | {
      readonly sent: false;
      readonly recipients: readonly string[];
      readonly subject: string;
      readonly problem: MailProblem | 'mail-off' | 'no-recipients';
      /** Plain German: what is wrong and which setting to check. */
      readonly message: string;
    };

export interface TestMailOptions {
  readonly at: Date;
  readonly timeZone: string;
  /** Host and port of the server, never credentials (describeSmtp). */
  readonly server: string;
  /** Who asked for it, named in the mail. */
  readonly actor?: string;
}

export const TEST_MAIL_SUBJECT = 'Scandy-Backup: Test-E-Mail';

/**
 * "Test-E-Mail senden": one German mail to the recipients the backup mails
 * go to. Resolves with the SMTP server's answer, or with what went wrong in
 * plain German; never throws.
 */
export async function sendTestMail(mailer: Mailer | undefined, recipients: readonly string[], options: TestMailOptions): Promise<TestMailResult> {
  const subject = TEST_MAIL_SUBJECT;
  if (!mailer) return { sent: false, recipients, subject, problem: 'mail-off', message: `E-Mail-Versand ist aus: ${MAIL_OFF_REASON}.` };
  if (recipients.length === 0) {
    return { sent: false, recipients, subject, problem: 'no-recipients', message: `Keine Test-E-Mail gesendet: ${NO_RECIPIENTS_REASON}.` };
  }
  try {
    const receipt = await mailer.send({ to: recipients, subject, text: testMailText(recipients, options) });
    return { sent: true, recipients, subject, response: receipt.response };
  } catch (error) {
    return { sent: false, recipients, subject, ...describeMailFailure(error) };
  }
}

function testMailText(recipients: readonly string[], options: TestMailOptions): string {
  return [
    'Hallo,',
    '',
    'dies ist eine Test-E-Mail des Scandy-Backup-Systems. Wenn Sie sie lesen, ist der E-Mail-Versand richtig eingerichtet:',
    'Nachrichten über Backups, fehlgeschlagene Backups und Wiederherstellungen erreichen Sie.',
    '',
    `Gesendet:   ${formatLocalMinute(options.at, options.timeZone)} (${options.timeZone})${options.actor ? `, angefordert von ${options.actor}` : ''}`,
    `Server:     ${options.server}`,
    `Empfänger:  ${recipients.join(', ')}`,
    '',
    '-- ',
    'Scandy Backup (automatische Nachricht)',
    '',
  ].join('\n');
}
