// Counts every answered request by its route pattern (`/api/v1/appointments/:reference`),
// never its raw path: a path holds references and tokens, and one label set per booking would
// swamp the scraper. A request no route answered counts under `unmatched`, a static file under
// `static`. A "full" answer is counted from the refusal the error handler gave.
import type { NextFunction, Request, Response } from 'express';
import type { Metrics } from './registry.ts';

/** A segment of a mount path that is a word of ours; any other (a token in /booking/:token/ceremony) is a parameter. */
const WORD = /^[a-z]{1,20}(-[a-z]{1,20})*$|^v\d$/;

const maskBase = (base: string) =>
  base
    .split('/')
    .map((segment) => (segment === '' || WORD.test(segment) ? segment : ':param'))
    .join('/');

/**
 * Remembers the route's pattern when the router picks it: the router sets req.route then, and
 * req.baseUrl is the mount path of the router that holds it; an error sent back out of the
 * router restores baseUrl before the answer is written.
 */
function watchRoute(req: Request): () => string {
  let route: unknown;
  let pattern: string | undefined;
  Object.defineProperty(req, 'route', {
    configurable: true,
    enumerable: true,
    get: () => route,
    set(value: { path?: unknown } | undefined) {
      route = value;
      if (typeof value?.path === 'string') pattern = `${maskBase(req.baseUrl)}${value.path}`;
    },
  });
  return () => pattern ?? (req.originalUrl.startsWith('/public/') ? 'static' : 'unmatched');
}

export function httpMetrics(metrics: Metrics) {
  return (req: Request, res: Response, next: NextFunction) => {
    const started = process.hrtime.bigint();
    const routeOf = watchRoute(req);
    res.once('finish', () => {
      const route = routeOf();
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.httpRequests.inc({ method: req.method, route, status: String(res.statusCode) });
      metrics.httpDuration.observe({ method: req.method, route }, seconds);
      if (res.locals.refusalCode === 'slot_full') metrics.full.inc();
    });
    next();
  };
}
