import { describe, expect, it } from 'vitest';
import { describeMailFailure } from '../../src/mail/mail-errors.js';

/** Errors shaped as nodemailer 10 throws them (recorded against smtp-server), and as our SMTP mailer throws a partial rejection. */
const nodemailerError = (fields: Record<string, unknown>): Error => Object.assign(new Error(String(fields.message ?? '')), fields);

describe('describeMailFailure', () => {
  it.each([
    [{ code: 'ESOCKET', command: 'CONN', message: 'connect ECONNREFUSED 127.0.0.1:25' }, 'refused', 'Der SMTP-Server lehnt die Verbindung ab'],
    [{ code: 'EDNS', command: 'CONN', message: 'getaddrinfo ENOTFOUND mail.example.invalid' }, 'not-found', 'Der SMTP-Server wurde nicht gefunden (Rechnername unbekannt). Prüfen Sie die SMTP-Einstellungen (SMTP_HOST bzw. SMTP_URL).'],
    [{ code: 'ETIMEDOUT', command: 'CONN', message: 'Greeting never received' }, 'timeout', 'Der SMTP-Server antwortet nicht (Zeitüberschreitung).'],
    [{ code: 'ECONNECTION', message: 'Connection closed unexpectedly' }, 'connection-lost', 'Die Verbindung zum SMTP-Server brach ab (Connection closed unexpectedly).'],
    [
      { code: 'ETLS', responseCode: 500, command: 'STARTTLS', response: '500 Error: command not recognized', message: 'Error upgrading connection with STARTTLS: 500 Error: command not recognized' },
      'tls',
      'Verschlüsselte Verbindung (TLS) zum SMTP-Server fehlgeschlagen. Antwort des Servers: „500 Error: command not recognized“.',
    ],
    [{ code: 'ESOCKET', message: 'self-signed certificate in certificate chain' }, 'tls', 'Grund: self-signed certificate in certificate chain.'],
    [
      { code: 'EAUTH', responseCode: 535, command: 'AUTH PLAIN', response: '535 5.7.8 Error: authentication failed', message: 'Invalid login: 535 5.7.8' },
      'auth-failed',
      'Benutzername oder Passwort falsch. Antwort des Servers: „535 5.7.8 Error: authentication failed“.',
    ],
    [{ code: 'ENOAUTH', message: 'Missing credentials for "PLAIN"' }, 'auth-required', 'Der SMTP-Server verlangt eine Anmeldung.'],
    [
      { code: 'EENVELOPE', responseCode: 530, command: 'MAIL FROM', response: '530 Error: authentication Required', message: 'Mail command failed' },
      'auth-required',
      'Der SMTP-Server verlangt eine Anmeldung. Antwort des Servers: „530 Error: authentication Required“.',
    ],
    [
      { code: 'EENVELOPE', responseCode: 553, command: 'MAIL FROM', response: '553 5.7.1 Sender address rejected', message: 'Mail command failed' },
      'sender-rejected',
      'Der SMTP-Server hat den Absender abgelehnt. Antwort des Servers: „553 5.7.1 Sender address rejected“. Prüfen Sie MAIL_FROM.',
    ],
    [
      { code: 'EENVELOPE', command: 'RCPT TO', rejected: ['chef@example.org'], message: 'Empfänger abgelehnt: chef@example.org' },
      'recipient-rejected',
      'Der SMTP-Server hat die Empfänger chef@example.org abgelehnt. Prüfen Sie die Adressen.',
    ],
    [{ code: 'EMESSAGE', message: 'smtp://user:geheim@mail.example.org failed' }, 'other', 'Die E-Mail konnte nicht gesendet werden: smtp://***@mail.example.org failed'],
  ])('%o → %s', (fields, problem, text) => {
    const failure = describeMailFailure(nodemailerError(fields));
    expect(failure.problem).toBe(problem);
    expect(failure.message).toContain(text);
    expect(failure.message).not.toContain('geheim');
    expect(failure.message.split('\n')).toHaveLength(1);
  });

  it('copes with something that is not an Error', () => {
    expect(describeMailFailure('kaputt')).toEqual({ problem: 'other', message: 'Die E-Mail konnte nicht gesendet werden: kaputt' });
  });
});
