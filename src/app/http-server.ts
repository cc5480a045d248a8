import http, { type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AppError } from '../shared/app-error.js';
import { limitRequestTime, type RequestLimits } from '../web/http/request-deadline.js';

/** Limits against slow or too many clients. */
export interface ServerLimits extends RequestLimits {
  /** Time to receive the request headers. */
  readonly headersMs: number;
  /** How long an idle keep-alive connection stays open. */
  readonly keepAliveMs: number;
  /** Connections beyond this are refused. */
  readonly maxConnections: number;
}

export const DEFAULT_SERVER_LIMITS: ServerLimits = Object.freeze({
  headersMs: 20_000,
  bodyMs: 30_000,
  uploadMs: 4 * 60 * 60_000,
  uploadIdleMs: 60_000,
  keepAliveMs: 5_000,
  maxConnections: 200,
});

/** Open requests (downloads, the live event stream) get this long to finish when the server stops. */
const CLOSE_GRACE_MS = 3000;

export interface HttpEndpoint {
  /** Where to open the app, e.g. http://localhost:3000. */
  readonly url: string;
  /** `url`, plus "(alle Netzwerkschnittstellen)" when listening on every interface. */
  readonly where: string;
  /** Hands requests to `handler`; until then every request gets 503. */
  serve(handler: RequestListener): void;
  close(): Promise<void>;
}

export interface ListenOptions {
  /** Undefined: all interfaces. */
  readonly host: string | undefined;
  readonly port: number;
  readonly limits?: Partial<ServerLimits>;
}

/**
 * Binds the web server's port first thing, so that a busy port stops the
 * start before anything else is started. Fails with one line naming PORT
 * (or HOST).
 */
export async function listenHttp(options: ListenOptions): Promise<HttpEndpoint> {
  const limits = { ...DEFAULT_SERVER_LIMITS, ...options.limits };
  let handler: RequestListener = starting;
  const server = http.createServer(
    {
      headersTimeout: limits.headersMs,
      // Node's own limit is the longest one (the upload); limitRequestTime applies the others.
      requestTimeout: Math.max(limits.uploadMs, limits.headersMs),
      connectionsCheckingInterval: Math.min(30_000, Math.max(100, Math.floor(limits.headersMs / 10))),
    },
    (req, res) => {
      limitRequestTime(req, res, limits);
      handler(req, res);
    },
  );
  server.keepAliveTimeout = limits.keepAliveMs;
  server.maxConnections = limits.maxConnections;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(new AppError('CONFIG_INVALID', listenProblem(error, options), { cause: error })));
    server.listen({ port: options.port, ...(options.host === undefined ? {} : { host: options.host }) }, resolve);
  });
  const address = server.address() as AddressInfo;
  const url = `http://${urlHost(address, options.host)}:${address.port}`;
  return {
    url,
    where: isAllInterfaces(options.host) ? `${url} (alle Netzwerkschnittstellen)` : url,
    serve: (next) => {
      handler = next;
    },
    close: () => closeServer(server),
  };
}

/** The one line for a port that cannot be bound. */
export function listenProblem(error: NodeJS.ErrnoException, options: Pick<ListenOptions, 'host' | 'port'>): string {
  const { port, host } = options;
  const otherPort = port < 1024 || port === 65535 ? 3000 : port + 1;
  switch (error.code) {
    case 'EADDRINUSE':
      return `Port ${port} ist belegt – läuft die App schon? Anderen Port mit PORT=${otherPort} wählen.`;
    case 'EACCES':
    case 'EPERM':
      return `Port ${port} ist nicht erlaubt (keine Berechtigung) – einen Port ab 1024 mit PORT=${otherPort} wählen.`;
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `HOST=${host ?? ''} ist keine Adresse dieses Rechners – HOST leer lassen (alle Netzwerkschnittstellen) oder z. B. HOST=127.0.0.1 wählen.`;
    default:
      return `Webserver kann nicht auf Port ${port} starten (${error.code ?? error.message}) – anderen Port mit PORT=${otherPort} wählen.`;
  }
}

function isAllInterfaces(host: string | undefined): boolean {
  return host === undefined || host === '0.0.0.0' || host === '::';
}

function urlHost(address: AddressInfo, host: string | undefined): string {
  if (isAllInterfaces(host)) return 'localhost';
  return address.family === 'IPv6' ? `[${address.address}]` : address.address;
}

const starting: RequestListener = (_req, res) => {
  const body = JSON.stringify({ error: { code: 'STARTING', message: 'Scandy Backup startet noch …' } });
  res.writeHead(503, { 'Content-Type': 'application/json; charset=utf-8', 'Retry-After': '5' });
  res.end(body);
};

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS).unref();
  });
}
