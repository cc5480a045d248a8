import type { Request, Response } from 'express';
import type { OperationTracker } from '../../backup/operation-tracker.js';
import { operationsView } from '../use-cases/operation-view.js';

const MIN_INTERVAL_MS = 250;
const HEARTBEAT_MS = 15_000;

export interface StreamGuard {
  /** Whether the session behind the stream still stands for an admin. */
  stillAllowed(): Promise<boolean>;
  readonly checkMs: number;
}

/**
 * Server-sent events: the tracker's state now, then on every change (at most
 * four times a second; the latest state always gets through). The stream
 * ends when its session ends, expires or loses the admin role (checked every
 * `guard.checkMs`); the browser's reconnect is then answered 401.
 */
export function streamOperationEvents(req: Request, res: Response, tracker: OperationTracker, guard: StreamGuard): void {
  res.status(200);
  res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
  res.setHeader('Cache-Control', 'no-cache, no-transform');
  res.setHeader('X-Accel-Buffering', 'no');
  res.flushHeaders();
  res.write('retry: 3000\n\n');

  const send = () => res.write(`event: operation\ndata: ${JSON.stringify(operationsView(tracker.state()))}\n\n`);
  let timer: NodeJS.Timeout | undefined;
  let pending = false;
  const flush = () => {
    timer = undefined;
    if (!pending) return;
    pending = false;
    send();
    timer = setTimeout(flush, MIN_INTERVAL_MS);
  };
  const unsubscribe = tracker.subscribe(() => {
    pending = true;
    timer ??= setTimeout(flush, 0);
  });
  const heartbeat = setInterval(() => res.write(': ping\n\n'), HEARTBEAT_MS);
  const check = setInterval(() => {
    guard.stillAllowed().then(
      (allowed) => {
        if (!allowed) res.end();
      },
      () => undefined, // the database is away: keep the stream, check again
    );
  }, guard.checkMs);
  send();

  req.on('close', () => {
    unsubscribe();
    clearInterval(heartbeat);
    clearInterval(check);
    if (timer) clearTimeout(timer);
  });
}
