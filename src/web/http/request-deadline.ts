import type { IncomingMessage, ServerResponse } from 'node:http';

/** How long a client may take to send its request. */
export interface RequestLimits {
  /** The body, counted from the end of the headers, on every route but the upload. */
  readonly bodyMs: number;
  /** An upload in total… */
  readonly uploadMs: number;
  /** …and without receiving a single byte. */
  readonly uploadIdleMs: number;
}

const raiseToUploadLimit = new WeakMap<IncomingMessage, () => void>();

/**
 * A request whose body has not fully arrived `bodyMs` after its headers is
 * answered 408 and its connection closed, so a drip-fed body cannot hold a socket. The limit stays
 * after an early answer (a 401 to a slow body), until the body is in.
 */
export function limitRequestTime(req: IncomingMessage, res: ServerResponse, limits: RequestLimits): void {
  let deadline = setTimeout(() => cutOff(req, res), limits.bodyMs).unref();
  req.once('close', () => clearTimeout(deadline));
  raiseToUploadLimit.set(req, () => {
    clearTimeout(deadline);
    deadline = setTimeout(() => cutOff(req, res), limits.uploadMs).unref();
    const socket = req.socket;
    const idle = () => cutOff(req, res);
    socket.setTimeout(limits.uploadIdleMs);
    socket.on('timeout', idle);
    const received = () => {
      socket.setTimeout(0);
      socket.off('timeout', idle);
    };
    req.once('end', received);
    req.once('close', received);
  });
}

/**
 * For the upload route, once it knows who asks: the body may take up to the
 * upload limit, as long as bytes keep coming. Without limitRequestTime
 * (a test's own server) nothing happens.
 */
export function allowLargeBody(req: IncomingMessage): void {
  raiseToUploadLimit.get(req)?.();
  raiseToUploadLimit.delete(req);
}

function cutOff(req: IncomingMessage, res: ServerResponse): void {
  if (req.complete) return;
  if (res.headersSent) {
    req.socket.destroy();
    return;
  }
  const body = JSON.stringify({ error: { code: 'REQUEST_TIMEOUT', message: 'Die Anfrage kam nicht rechtzeitig vollständig an' } });
  res.writeHead(408, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body), Connection: 'close' });
  res.end(body, () => req.socket.destroy());
}
