export interface MailAttachment {
  readonly filename: string;
  /** Read from disk when the mail is sent; the archive is never loaded into memory. */
  readonly path: string;
  readonly contentType: string;
}

export interface MailMessage {
  readonly to: readonly string[];
  readonly subject: string;
  readonly text: string;
  readonly attachments?: readonly MailAttachment[];
}

/** What the SMTP server said on accepting the message, e.g. "250 OK: queued as 4F2A". */
export interface MailReceipt {
  readonly response: string;
}

/** Sends one message or throws with the reason the server gave. */
export interface Mailer {
  send(message: MailMessage): Promise<MailReceipt>;
}
