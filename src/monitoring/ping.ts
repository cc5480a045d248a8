export { parsePingUrl } from '../config/ping-url.js';
import { formatDuration } from '../shared/human-units.js';

/** healthchecks.io / Uptime Kuma style: GET URL/start, URL (success), URL/fail. */
export type PingSignal = 'start' | 'success' | 'fail';

export interface PingOutcome {
  readonly signal: PingSignal;
  /** host[:port] of the URL, the only part of it that may be logged (path and query may hold a token). */
  readonly host: string;
  readonly ok: boolean;
  readonly status?: number;
  /** Why it failed, in German, never with the URL. */
  readonly reason?: string;
  readonly durationMs: number;
}

export interface Pinger {
  /**
   * Sends the ping after any earlier one (so /start never arrives after the
   * result) and resolves with its outcome; never rejects. Do not await it
   * where a backup waits: it is fire-and-forget.
   */
  ping(signal: PingSignal): Promise<PingOutcome>;
}

export interface PingerOptions {
  readonly url: URL;
  /** Default 10 s. */
  readonly timeoutMs?: number;
  /** Called with every outcome, e.g. to write a log line (see pingOutcomeText). */
  readonly report?: (outcome: PingOutcome) => void;
}

export const PING_TIMEOUT_MS = 10_000;
/** `base` with `/start` or `/fail` appended to its path (query kept); the success ping is `base` itself. */
export function pingUrlFor(base: URL, signal: PingSignal): URL {
  const url = new URL(base);
  if (signal !== 'success') url.pathname = `${url.pathname.replace(/\/+$/, '')}/${signal}`;
  return url;
}

export function createPinger(options: PingerOptions): Pinger {
  const timeoutMs = options.timeoutMs ?? PING_TIMEOUT_MS;
  let previous: Promise<unknown> = Promise.resolve();
  return {
    ping(signal) {
      const outcome = previous.then(() => send(options.url, signal, timeoutMs));
      previous = outcome;
      return outcome.then((result) => {
        try {
          options.report?.(result);
        } catch {
          // A failing report must not turn into a failing ping.
        }
        return result;
      });
    },
  };
}

async function send(base: URL, signal: PingSignal, timeoutMs: number): Promise<PingOutcome> {
  const started = Date.now();
  const host = base.host;
  try {
    const { url, headers } = withoutCredentials(pingUrlFor(base, signal));
    const response = await fetch(url, { method: 'GET', headers, signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel().catch(() => undefined);
    const durationMs = Date.now() - started;
    if (response.ok) return { signal, host, ok: true, status: response.status, durationMs };
    return { signal, host, ok: false, status: response.status, reason: `HTTP ${response.status}`, durationMs };
  } catch (error) {
    return { signal, host, ok: false, reason: reasonOf(error, timeoutMs), durationMs: Date.now() - started };
  }
}

/** fetch refuses URLs with user:password; they go as a Basic Authorization header instead. */
function withoutCredentials(url: URL): { url: URL; headers: Record<string, string> } {
  if (!url.username && !url.password) return { url, headers: {} };
  const login = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  const bare = new URL(url);
  bare.username = '';
  bare.password = '';
  return { url: bare, headers: { authorization: `Basic ${Buffer.from(login).toString('base64')}` } };
}

const NETWORK_REASONS: Record<string, string> = {
  ECONNREFUSED: 'Verbindung abgelehnt',
  ECONNRESET: 'Verbindung abgebrochen',
  ENOTFOUND: 'Rechner nicht gefunden',
  EAI_AGAIN: 'Rechner nicht gefunden (DNS)',
  EHOSTUNREACH: 'Rechner nicht erreichbar',
  ENETUNREACH: 'Netz nicht erreichbar',
  UND_ERR_SOCKET: 'Verbindung abgebrochen',
};

/** A German reason from the error's name and code only: fetch's messages are not shown, they could carry the URL. */
function reasonOf(error: unknown, timeoutMs: number): string {
  const name = (error as { name?: unknown }).name;
  if (name === 'TimeoutError' || name === 'AbortError') return `keine Antwort nach ${formatDuration(timeoutMs)}`;
  const code = codeOf((error as { cause?: unknown }).cause) ?? codeOf(error);
  if (code && NETWORK_REASONS[code]) return NETWORK_REASONS[code];
  if (code && /CERT|TLS|SSL|SELF_SIGNED/.test(code)) return `TLS-Fehler (${code})`;
  return code ? `Netzwerkfehler (${code})` : 'Netzwerkfehler';
}

function codeOf(value: unknown): string | undefined {
  const code = (value as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && /^[A-Z0-9_]+$/.test(code) ? code : undefined;
}

const SIGNAL_WORDS: Record<PingSignal, string> = { start: 'Start', success: 'Erfolg', fail: 'Fehlschlag' };

/** One log line: "Überwachungs-Ping (Start) an hc-ping.com gesendet" / "… nicht gesendet: Verbindung abgelehnt". */
export function pingOutcomeText(outcome: PingOutcome): string {
  const what = `Überwachungs-Ping (${SIGNAL_WORDS[outcome.signal]}) an ${outcome.host}`;
  return outcome.ok ? `${what} gesendet` : `${what} nicht gesendet: ${outcome.reason ?? 'unbekannter Fehler'}`;
}
