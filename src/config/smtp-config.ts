import { z } from 'zod';
import { emptyToUndefined } from './config-values.js';
import { AppError } from '../shared/app-error.js';

export interface SmtpConfig {
  /** Either a URL (smtp://user:pass@host:port) or host/port fields. */
  readonly url?: string;
  readonly host?: string;
  readonly port?: number;
  readonly secure?: boolean;
  readonly user?: string;
  readonly pass?: string;
  /**
   * Only with SMTP_TLS=off. Otherwise TLS is required (implicit TLS, or a
   * STARTTLS that must succeed): no password or archive goes out over a
   * stripped STARTTLS.
   */
  readonly allowPlaintext?: boolean;
}

const booleanFlag = z.preprocess(
  emptyToUndefined,
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'muss true oder false sein' })
    .transform((v) => v === 'true' || v === '1' || v === 'yes')
    .optional(),
);

/** The SMTP_* variables, part of the configuration schema. */
export const smtpVariables = {
  SMTP_URL: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^smtps?:\/\/\S+$/, 'muss mit smtp:// oder smtps:// beginnen')
      .refine((url) => !url.includes('?'), 'darf keine Parameter (?…) enthalten; TLS regeln SMTP_SECURE und SMTP_TLS')
      .optional(),
  ),
  SMTP_HOST: z.preprocess(emptyToUndefined, z.string().trim().optional()),
  SMTP_PORT: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^\d+$/, 'muss eine Portnummer sein')
      .transform(Number)
      .pipe(z.number().int().min(1, 'muss eine Portnummer sein').max(65535, 'muss eine Portnummer sein'))
      .optional(),
  ),
  SMTP_SECURE: booleanFlag,
  SMTP_USER: z.preprocess(emptyToUndefined, z.string().trim().optional()),
  SMTP_PASS: z.preprocess(emptyToUndefined, z.string().optional()),
  SMTP_TLS: z.preprocess(
    emptyToUndefined,
    z.enum(['on', 'off'], { message: 'muss on (Standard: TLS Pflicht) oder off (auch ohne TLS senden) sein' }).default('on'),
  ),
};

type SmtpVariables = z.output<z.ZodObject<typeof smtpVariables>>;

/** The mail server from SMTP_URL or SMTP_HOST/…, or undefined (mail off). */
export function smtpConfigFrom(e: SmtpVariables): SmtpConfig | undefined {
  if (e.SMTP_PORT !== undefined || e.SMTP_USER !== undefined || e.SMTP_PASS !== undefined) {
    if (e.SMTP_HOST === undefined && e.SMTP_URL === undefined) {
      throw new AppError('CONFIG_INVALID', 'Ungültige Konfiguration: SMTP_HOST fehlt, obwohl SMTP_PORT, SMTP_USER oder SMTP_PASS gesetzt ist');
    }
  }
  const tls = e.SMTP_TLS === 'off' ? { allowPlaintext: true } : {};
  if (e.SMTP_URL) return Object.freeze({ url: e.SMTP_URL, ...tls });
  if (!e.SMTP_HOST) return undefined;
  return Object.freeze({
    host: e.SMTP_HOST,
    port: e.SMTP_PORT ?? (e.SMTP_SECURE ? 465 : 587),
    secure: e.SMTP_SECURE ?? e.SMTP_PORT === 465,
    ...(e.SMTP_USER === undefined ? {} : { user: e.SMTP_USER }),
    ...(e.SMTP_PASS === undefined ? {} : { pass: e.SMTP_PASS }),
    ...tls,
  });
}
