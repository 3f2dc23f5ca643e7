// Several middleware run as one layer of the router. Each layer a request passes costs the
// router a match, a look at the path, a try and a check for a promise; the few steps every
// answer goes through (metrics, the log line, the deadline, the headers) need none of that
// between them. What one of them passes on, an error thrown or rejected included, is what the
// router would have passed on.
import type { NextFunction, Request, RequestHandler, Response } from 'express';

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  typeof (value as PromiseLike<unknown> | undefined)?.then === 'function';

export function inOneLayer(...handlers: RequestHandler[]): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    let i = 0;
    // As the router reads what a middleware passes on: nothing (or a falsy value) and 'route'
    // go on to the next; anything else ('router' too) is passed on.
    const step = (err?: unknown) => {
      if (err && err !== 'route') return next(err);
      if (i === handlers.length) return next();
      const handler = handlers[i++] as RequestHandler;
      try {
        const returned: unknown = handler(req, res, step);
        if (isThenable(returned))
          returned.then(undefined, (e: unknown) => step(e ?? new Error('Rejected promise')));
      } catch (e) {
        step(e);
      }
    };
    step();
  };
}
