import { describeError, redactSecrets } from '../shared/app-error.js';

/** What went wrong with a mail, for the admin: which setting to look at. */
export type MailProblem =
  | 'refused'
  | 'not-found'
  | 'timeout'
  | 'connection-lost'
  | 'tls'
  | 'auth-failed'
  | 'auth-required'
  | 'sender-rejected'
  | 'recipient-rejected'
  | 'other';

export interface MailFailure {
  readonly problem: MailProblem;
  /** Plain German, with what the server answered where it did; never credentials. */
  readonly message: string;
}

interface NodemailerError {
  readonly code?: unknown;
  readonly command?: unknown;
  readonly response?: unknown;
  readonly responseCode?: unknown;
  readonly rejected?: unknown;
  readonly message?: unknown;
}

const CHECK = 'Prüfen Sie die SMTP-Einstellungen';
const TLS_TEXT = /SSL|TLS|certificate|wrong version number|EPROTO|self.signed|CERT_/i;

/** Maps nodemailer's error codes (ESOCKET, EDNS, ETIMEDOUT, ETLS, EAUTH, EENVELOPE, …) to a German explanation. */
export function describeMailFailure(error: unknown): MailFailure {
  const e = (typeof error === 'object' && error !== null ? error : {}) as NodemailerError;
  const code = typeof e.code === 'string' ? e.code : '';
  const text = typeof e.message === 'string' ? e.message : String(error);
  const answer = typeof e.response === 'string' && e.response !== '' ? ` Antwort des Servers: „${redactSecrets(e.response)}“.` : '';

  if (code === 'ETLS' || code === 'EREQUIRETLS' || (code === 'ESOCKET' && TLS_TEXT.test(text))) {
    return {
      problem: 'tls',
      message: `Verschlüsselte Verbindung (TLS) zum SMTP-Server fehlgeschlagen.${answer || ` Grund: ${tlsDetail(text)}.`} ${CHECK}: Port 465 verlangt SMTP_SECURE=true (oder smtps://), Port 587 STARTTLS.`,
    };
  }
  if (code === 'EDNS' || /ENOTFOUND|EAI_AGAIN/.test(text)) {
    return { problem: 'not-found', message: `Der SMTP-Server wurde nicht gefunden (Rechnername unbekannt). ${CHECK} (SMTP_HOST bzw. SMTP_URL).` };
  }
  if (/ECONNREFUSED/.test(text)) {
    return { problem: 'refused', message: `Der SMTP-Server lehnt die Verbindung ab (läuft er, stimmt der Port?). ${CHECK} (Rechner und Port).` };
  }
  if (code === 'ETIMEDOUT' || /ETIMEDOUT|timed? ?out|never received/i.test(text)) {
    return { problem: 'timeout', message: `Der SMTP-Server antwortet nicht (Zeitüberschreitung). ${CHECK} (Rechner, Port, Firewall).` };
  }
  if (code === 'EAUTH') {
    return { problem: 'auth-failed', message: `Anmeldung am SMTP-Server fehlgeschlagen: Benutzername oder Passwort falsch.${answer} ${CHECK} (SMTP_USER, SMTP_PASS).` };
  }
  if (code === 'ENOAUTH' || (code === 'EENVELOPE' && e.responseCode === 530)) {
    return { problem: 'auth-required', message: `Der SMTP-Server verlangt eine Anmeldung.${answer} ${CHECK} (SMTP_USER, SMTP_PASS).` };
  }
  if (code === 'EENVELOPE' && e.command === 'RCPT TO') {
    const rejected = Array.isArray(e.rejected) ? e.rejected.map(String).join(', ') : '';
    return {
      problem: 'recipient-rejected',
      message: `Der SMTP-Server hat ${rejected ? `die Empfänger ${rejected}` : 'die Empfänger'} abgelehnt.${answer} Prüfen Sie die Adressen.`,
    };
  }
  if (code === 'EENVELOPE') {
    return { problem: 'sender-rejected', message: `Der SMTP-Server hat den Absender abgelehnt.${answer} Prüfen Sie MAIL_FROM.` };
  }
  if (code === 'ECONNECTION' || code === 'ESOCKET') {
    return { problem: 'connection-lost', message: `Die Verbindung zum SMTP-Server brach ab (${describeError(error)}). ${CHECK}.` };
  }
  return { problem: 'other', message: `Die E-Mail konnte nicht gesendet werden: ${describeError(error)}${answer ? ` –${answer}` : ''}` };
}

/** OpenSSL's messages are long ("…:SSL routines:ssl3_get_record:wrong version number:…"); its reason says enough. */
function tlsDetail(text: string): string {
  const reason = text
    .split(':')
    .filter((part) => /^[a-z][a-z -]* [a-z -]*[a-z]$/.test(part))
    .at(-1);
  return reason ?? describeError(text);
}
