import nodemailer from 'nodemailer';
import type { Config, SmtpConfig } from '../config/config.js';
import type { Mailer } from './mailer.js';

const TIMEOUTS = { connectionTimeout: 30_000, greetingTimeout: 30_000, socketTimeout: 120_000 } as const;

interface SmtpTarget {
  readonly host: string;
  readonly port: number;
  /** Implicit TLS from the first byte (smtps, usually port 465). */
  readonly secure: boolean;
  readonly user: string | undefined;
  readonly pass: string | undefined;
}

/** Host, port, TLS and login from SMTP_URL (read here, never by nodemailer, so no URL parameter can turn TLS off) or the fields. */
export function smtpTarget(smtp: SmtpConfig): SmtpTarget {
  if (!smtp.url) {
    const secure = smtp.secure ?? false;
    return { host: smtp.host ?? 'localhost', port: smtp.port ?? (secure ? 465 : 587), secure, user: smtp.user, pass: smtp.pass };
  }
  const url = new URL(smtp.url);
  const secure = url.protocol === 'smtps:';
  return {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    user: url.username ? decodeURIComponent(url.username) : undefined,
    pass: url.password ? decodeURIComponent(url.password) : undefined,
  };
}

export interface SmtpMailerOptions {
  /** Certificates (PEM) to trust besides the system's, e.g. a test server's own. */
  readonly trustedCertificates?: string;
}

/**
 * A nodemailer SMTP transport built from SMTP_URL or the SMTP_* variables.
 * Without SMTP_TLS=off, a server that offers no STARTTLS is refused before
 * any login or message is sent; certificates are always checked.
 */
export function createSmtpMailer(smtp: SmtpConfig, from: string, options: SmtpMailerOptions = {}): Mailer {
  const target = smtpTarget(smtp);
  const transport = nodemailer.createTransport({
    host: target.host,
    port: target.port,
    secure: target.secure,
    requireTLS: !target.secure && !smtp.allowPlaintext,
    ...(target.user ? { auth: { user: target.user, pass: target.pass ?? '' } } : {}),
    ...(options.trustedCertificates ? { tls: { ca: options.trustedCertificates } } : {}),
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

/** "smtp://mail.example.org:587 (STARTTLS Pflicht)" — host, port and TLS, never credentials. */
export function describeSmtp(smtp: SmtpConfig): string {
  let target: SmtpTarget;
  try {
    target = smtpTarget(smtp);
  } catch {
    return 'SMTP_URL (nicht lesbar)';
  }
  const tls = target.secure ? 'TLS' : smtp.allowPlaintext ? 'ohne TLS erlaubt, SMTP_TLS=off' : 'STARTTLS Pflicht';
  const host = target.host.includes(':') ? `[${target.host}]` : target.host;
  return `${target.secure ? 'smtps' : 'smtp'}://${host}:${target.port} (${tls})`;
}

/** Whether mail is on, as the pages show it. */
export interface MailStatus {
  readonly enabled: boolean;
  /** Why mail is off, or the transport described without credentials ("smtp://mail.example.org:587"). */
  readonly description: string;
  readonly from: string;
  readonly attachMaxBytes: number;
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
