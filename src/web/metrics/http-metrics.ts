// Counts every answered request by its route pattern (`/api/v1/appointments/:reference`),
// never its raw path: a path holds references and tokens, and one label set per booking would
// swamp the scraper. A request no route answered counts under `unmatched`, a static file under
// `static`. A "full" answer is counted from the refusal the error handler gave.
import type { NextFunction, Request, Response } from 'express';
import { boundedMemo } from '../../lib/bounded-memo.ts';
import type { Metrics } from './registry.ts';

/** A segment of a mount path that is a word of ours; any other (a token in /booking/:token/ceremony) is a parameter. */
const WORD = /^[a-z]{1,20}(-[a-z]{1,20})*$|^v\d$/;

const maskBase = (base: string) =>
  base
    .split('/')
    .map((segment) => (segment === '' || WORD.test(segment) ? segment : ':param'))
    .join('/');

/**
 * Mount paths masked, kept: a rush meets the same few (`/api/v1`). A mount path with a
 * parameter in it is a new string per request, so what is kept is bounded and dropped when full.
 */
const masked = boundedMemo<string>(256);
const maskedBase = (base: string) => masked.get(base) ?? masked.keep(base, maskBase(base));

const ROUTE = Symbol('route');
const PATTERN = Symbol('route pattern');
const STARTED = Symbol('request started');

interface Counted extends Request {
  [ROUTE]?: unknown;
  [PATTERN]?: string;
}

/**
 * Remembers the route's pattern when the router picks it: the router sets req.route then, and
 * req.baseUrl is the mount path of the router that holds it; an error sent back out of the
 * router restores baseUrl before the answer is written. The watch is set once on the requests'
 * prototype (Express gives each application its own), not on each request.
 */
const watched = new WeakSet<object>();
function watchRoutes(req: Request): void {
  const proto = Object.getPrototypeOf(req) as object;
  if (watched.has(proto)) return;
  watched.add(proto);
  Object.defineProperty(proto, 'route', {
    configurable: true,
    enumerable: true,
    get(this: Counted) {
      return this[ROUTE];
    },
    set(this: Counted, value: { path?: unknown } | undefined) {
      this[ROUTE] = value;
      if (typeof value?.path === 'string') this[PATTERN] = `${maskedBase(this.baseUrl)}${value.path}`;
    },
  });
}

const routeOf = (req: Counted) =>
  req[PATTERN] ?? (req.originalUrl.startsWith('/public/') ? 'static' : 'unmatched');

export function httpMetrics(metrics: Metrics) {
  // One listener for every answer (the response is `this`), not a closure per request.
  function answered(this: Response & { [STARTED]?: number }) {
    const req = this.req as Counted;
    const route = routeOf(req);
    const seconds = (performance.now() - (this[STARTED] ?? 0)) / 1e3;
    metrics.httpRequests.inc({ method: req.method, route, status: String(this.statusCode) });
    metrics.httpDuration.observe({ method: req.method, route }, seconds);
    if (this.locals.refusalCode === 'slot_full') metrics.full.inc();
  }
  return (req: Request, res: Response, next: NextFunction) => {
    (res as Response & { [STARTED]?: number })[STARTED] = performance.now();
    watchRoutes(req);
    res.on('finish', answered);
    next();
  };
}
