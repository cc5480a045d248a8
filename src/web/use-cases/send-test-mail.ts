import { MAIL_OFF_REASON } from '../../mail/smtp-mailer.js';
import type { TestMailResult } from '../../mail/test-mail.js';
import { AppError } from '../../shared/app-error.js';
import type { AppDependencies } from '../app-dependencies.js';

/** "Test-E-Mail senden"; without a mail set-up in this app, a MAIL_OFF error (409). */
export async function sendAdminTestMail(deps: Pick<AppDependencies, 'testMail'>, actor: string): Promise<TestMailResult> {
  if (!deps.testMail) throw new AppError('MAIL_OFF', `E-Mail-Versand ist aus: ${MAIL_OFF_REASON}.`);
  return deps.testMail(actor);
}
