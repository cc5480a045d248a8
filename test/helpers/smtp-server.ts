import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

export interface ReceivedAttachment {
  readonly filename: string | undefined;
  readonly contentType: string;
  readonly content: Buffer;
}

export interface ReceivedMail {
  readonly envelopeFrom: string;
  readonly envelopeTo: readonly string[];
  /** Header names in lower case, folded lines joined, encoded words decoded. */
  readonly headers: ReadonlyMap<string, string>;
  readonly subject: string;
  readonly text: string;
  readonly attachments: readonly ReceivedAttachment[];
  readonly raw: string;
  /** Whether the message came over TLS (implicit or after STARTTLS). */
  readonly secure: boolean;
}

export interface TestSmtpServer {
  readonly port: number;
  readonly url: string;
  readonly received: readonly ReceivedMail[];
  /** Every AUTH attempt, with whether it came over TLS. */
  readonly logins: readonly { readonly user: string; readonly secure: boolean }[];
  /** Resolves once `count` messages in total have arrived. */
  waitFor(count: number, timeoutMs?: number): Promise<readonly ReceivedMail[]>;
  close(): Promise<void>;
}

export interface TestSmtpOptions {
  /** Refuse every RCPT TO with this SMTP reply (e.g. "550 Postfach unbekannt"). */
  readonly rejectRecipients?: string;
  /** Require AUTH and accept only these credentials (without: AUTH is optional and any login is accepted). */
  readonly credentials?: { readonly user: string; readonly pass: string };
  /** Offer TLS with this key and certificate (PEM): STARTTLS, or from the first byte with `implicit`. Without: plain text only. */
  readonly tls?: { readonly key: string; readonly cert: string; readonly implicit?: boolean };
}

/** A real SMTP server on 127.0.0.1 and a free port, collecting what it receives. */
export async function startSmtpServer(options: TestSmtpOptions = {}): Promise<TestSmtpServer> {
  const received: ReceivedMail[] = [];
  const logins: { user: string; secure: boolean }[] = [];
  const waiters: (() => void)[] = [];
  const tls = options.tls;
  const serverOptions: SMTPServerOptions = {
    ...(tls ? { key: tls.key, cert: tls.cert, secure: tls.implicit ?? false } : { disabledCommands: ['STARTTLS'] }),
    allowInsecureAuth: true,
    authOptional: !options.credentials,
    logger: false,
    onAuth(auth, session, callback) {
      logins.push({ user: auth.username ?? '', secure: session.secure });
      const expected = options.credentials;
      const ok = !expected || (auth.username === expected.user && auth.password === expected.pass);
      if (ok) callback(null, { user: auth.username });
      else callback(Object.assign(new Error('Anmeldung abgelehnt'), { responseCode: 535 }));
    },
    onRcptTo(_address, _session, callback) {
      if (!options.rejectRecipients) return callback();
      const [code, ...text] = options.rejectRecipients.split(' ');
      callback(Object.assign(new Error(text.join(' ')), { responseCode: Number(code) }));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('latin1');
        const envelopeFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        received.push({ ...parseMail(raw), envelopeFrom, envelopeTo: session.envelope.rcptTo.map((r) => r.address), raw, secure: session.secure });
        for (const wake of waiters.splice(0)) wake();
        callback();
      });
    },
  };
  const server = new SMTPServer(serverOptions);
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.server.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    });
  });
  return {
    port,
    url: `${tls?.implicit ? 'smtps' : 'smtp'}://127.0.0.1:${port}`,
    received,
    logins,
    async waitFor(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (received.length < count) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`SMTP: ${received.length} of ${count} messages after ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      return received;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

interface MimePart {
  readonly headers: Map<string, string>;
  readonly body: string;
}

/** Just enough MIME for nodemailer's output: multipart/mixed, base64 and quoted-printable, RFC 2047 words. */
export function parseMail(raw: string): Omit<ReceivedMail, 'envelopeFrom' | 'envelopeTo' | 'raw' | 'secure'> {
  const root = parsePart(raw);
  const leaves = flatten(root);
  const attachments: ReceivedAttachment[] = [];
  let text = '';
  for (const leaf of leaves) {
    const type = leaf.headers.get('content-type') ?? 'text/plain';
    const disposition = leaf.headers.get('content-disposition') ?? '';
    const content = decodeBody(leaf.body, leaf.headers.get('content-transfer-encoding'));
    if (/^attachment/i.test(disposition) || !/^text\/plain/i.test(type)) {
      attachments.push({
        filename: parameter(disposition, 'filename') ?? parameter(type, 'name'),
        contentType: type.split(';')[0]!.trim().toLowerCase(),
        content,
      });
    } else {
      text += charsetDecode(content, parameter(type, 'charset'));
    }
  }
  return { headers: root.headers, subject: root.headers.get('subject') ?? '', text, attachments };
}

function parsePart(raw: string): MimePart {
  const split = raw.search(/\r?\n\r?\n/);
  const head = split < 0 ? raw : raw.slice(0, split);
  const body = split < 0 ? '' : raw.slice(split).replace(/^\r?\n\r?\n/, '');
  const headers = new Map<string, string>();
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), decodeWords(line.slice(colon + 1).trim()));
  }
  return { headers, body };
}

function flatten(part: MimePart): MimePart[] {
  const type = part.headers.get('content-type') ?? '';
  const boundary = parameter(type, 'boundary');
  if (!/^multipart\//i.test(type) || !boundary) return [part];
  const pieces = part.body.split(new RegExp(`\\r?\\n?--${escapeRegExp(boundary)}(?:--)?\\r?\\n?`));
  return pieces
    .slice(1, -1)
    .filter((p) => p.trim() !== '')
    .flatMap((p) => flatten(parsePart(p)));
}

function parameter(header: string, name: string): string | undefined {
  const match = new RegExp(`;\\s*${name}="?([^";]+)"?`, 'i').exec(header);
  return match?.[1];
}

function decodeBody(body: string, encoding: string | undefined): Buffer {
  switch ((encoding ?? '7bit').toLowerCase()) {
    case 'base64':
      return Buffer.from(body.replace(/\s+/g, ''), 'base64');
    case 'quoted-printable':
      return decodeQuotedPrintable(body);
    default:
      return Buffer.from(body, 'latin1');
  }
}

function decodeQuotedPrintable(text: string): Buffer {
  const bytes: number[] = [];
  const unwrapped = text.replace(/=\r?\n/g, '');
  for (let i = 0; i < unwrapped.length; i++) {
    const char = unwrapped[i]!;
    const hex = unwrapped.slice(i + 1, i + 3);
    if (char === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(char.charCodeAt(0) & 0xff);
    }
  }
  return Buffer.from(bytes);
}

function decodeWords(value: string): string {
  return value
    .replace(/(=\?[^?]+\?[BbQq]\?[^?]*\?=)\s+(?==\?)/g, '$1')
    .replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_all, charset: string, kind: string, data: string) => {
      const bytes = kind.toUpperCase() === 'B' ? Buffer.from(data, 'base64') : decodeQuotedPrintable(data.replace(/_/g, ' '));
      return charsetDecode(bytes, charset);
    });
}

function charsetDecode(bytes: Buffer, charset: string | undefined): string {
  return new TextDecoder(charset?.toLowerCase() === 'us-ascii' ? 'utf-8' : (charset ?? 'utf-8')).decode(bytes);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
