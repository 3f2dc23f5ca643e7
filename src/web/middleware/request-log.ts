import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { boundedMemo } from '../../lib/bounded-memo.ts';
import { scrubUrl } from '../../logger.ts';

declare module 'express-serve-static-core' {
  interface Request {
    /** The request's id: the caller's X-Request-Id when it sends one, else a fresh UUID. */
    id: string;
  }
}

const STARTED = Symbol('request started');
type Timed = Response & { [STARTED]?: number };

/**
 * The path as logged (logger.ts's scrubUrl), kept for paths it leaves as they are: a rush asks
 * the same few (`/api/v1/appointments`) again and again. A path scrubUrl changes (a token or a
 * number in it, a query string) is scrubbed each time and never kept: what is kept is only what
 * the log shows anyway.
 */
const plainPaths = boundedMemo<string>(256);
function loggedUrl(url: string): string {
  const kept = plainPaths.get(url);
  if (kept !== undefined) return kept;
  const scrubbed = scrubUrl(url);
  return scrubbed === url ? plainPaths.keep(url, url) : scrubbed;
}

const quiet = (url: string) => url === '/healthz' || url === '/readyz' || url.startsWith('/public/');

/**
 * One line per finished request: id, method, scrubbed path, status and time taken, at warn
 * for 4xx and error for 5xx; a 409 (a slot full, a person already booked: the everyday answer
 * of a peak day, not a fault) at info. Nothing else of the request is logged (no headers, no body, no
 * query string), so ID numbers, phones and tokens cannot reach the log. The line is built only
 * when its level is enabled: a rush of bookings pays nothing for logging it does not keep.
 */
export function requestLog(logger: Logger) {
  // The line holds only the fields below, none of them a redacted path (logger.ts): the
  // redaction's wildcards, tried on each of them, cost half of every request's line.
  const lines = logger.child({}, { redact: [] });
  // One listener for every answer (the response is `this`), not a closure per request.
  // 'close' comes last whether the answer was sent whole or cut short.
  function closed(this: Timed) {
    const req = this.req;
    const status = this.statusCode;
    const aborted = !this.writableFinished;
    const level = status >= 500 ? 'error' : (status >= 400 && status !== 409) || aborted ? 'warn' : 'info';
    if (!lines.isLevelEnabled(level)) return;
    lines[level](
      {
        req: { id: req.id, method: req.method, url: loggedUrl(req.originalUrl) },
        res: { statusCode: status },
        responseTime: Math.round(performance.now() - (this[STARTED] ?? 0)),
      },
      aborted ? 'request aborted' : 'request completed',
    );
  }
  return (req: Request, res: Response, next: NextFunction) => {
    req.id = (req.headers['x-request-id'] as string | undefined)?.slice(0, 64) || randomUUID();
    if (quiet(req.url)) return next();
    (res as Timed)[STARTED] = performance.now();
    res.on('close', closed);
    next();
  };
}
