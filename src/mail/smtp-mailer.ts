import nodemailer from 'nodemailer';
import type { MailStatus } from '../automation/automation-contracts.js';
import type { Config, SmtpConfig } from '../config/config.js';
import type { Mailer } from './mailer.js';

const TIMEOUTS = { connectionTimeout: 30_000, greetingTimeout: 30_000, socketTimeout: 120_000 } as const;

/** A nodemailer SMTP transport built from SMTP_URL or the SMTP_* variables. */
export function createSmtpMailer(smtp: SmtpConfig, from: string): Mailer {
  const transport = smtp.url
    ? nodemailer.createTransport({ url: smtp.url, ...TIMEOUTS })
    : nodemailer.createTransport({
        host: smtp.host,
        port: smtp.port,
        secure: smtp.secure ?? false,
        ...(smtp.user ? { auth: { user: smtp.user, pass: smtp.pass ?? '' } } : {}),
        ...TIMEOUTS,
      });
  return {
    async send(message) {
      const info = await transport.sendMail({
        from,
        to: [...message.to],
        subject: message.subject,
        text: message.text,
        attachments: (message.attachments ?? []).map((a) => ({ filename: a.filename, path: a.path, contentType: a.contentType })),
      });
      const rejected = (info.rejected ?? []).map(String);
      if (rejected.length > 0) {
        throw Object.assign(new Error(`Empfänger abgelehnt: ${rejected.join(', ')}`), { code: 'EENVELOPE', command: 'RCPT TO', rejected });
      }
      return { response: String(info.response ?? '') };
    },
  };
}

/** "smtp://mail.example.org:587" — host and port only, never credentials. */
export function describeSmtp(smtp: SmtpConfig): string {
  if (smtp.url) {
    try {
      const url = new URL(smtp.url);
      const port = url.port || (url.protocol === 'smtps:' ? '465' : '587');
      return `${url.protocol}//${url.hostname}:${port}`;
    } catch {
      return 'SMTP_URL (nicht lesbar)';
    }
  }
  return `${smtp.secure ? 'smtps' : 'smtp'}://${smtp.host ?? '?'}:${smtp.port ?? (smtp.secure ? 465 : 587)}`;
}

export const MAIL_OFF_REASON = 'kein SMTP-Server konfiguriert (SMTP_URL oder SMTP_HOST setzen)';

export function mailStatusOf(config: Pick<Config, 'smtp' | 'mailFrom' | 'mailAttachMaxBytes'>): MailStatus {
  return {
    enabled: config.smtp !== undefined,
    description: config.smtp ? describeSmtp(config.smtp) : `E-Mail-Versand aus: ${MAIL_OFF_REASON}`,
    from: config.mailFrom,
    attachMaxBytes: config.mailAttachMaxBytes,
  };
}
