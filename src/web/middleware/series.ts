import type { NextFunction, Request, RequestHandler, Response } from 'express';

/**
 * Middleware that always runs together, in turn, as one layer of a router. Every layer costs
 * a request the router's own walk (its path matched, the URL trimmed and put back, the tracing
 * of its errors); the JSON API's handful of input steps, which every request takes in the same
 * order, pay it once. Each step ends as it would in the router: `next(err)`, a thrown error or
 * a rejected promise goes on to the error handler, and a step that answers ends the series.
 */
export function series(...steps: RequestHandler[]): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    let at = 0;
    const step = (err?: unknown): void => {
      // As between the router's own layers: 'route' goes on to the next step, anything else
      // ('router' included) to the router.
      if (err && err !== 'route') {
        next(err);
        return;
      }
      const handler = steps[at++];
      if (!handler) {
        next();
        return;
      }
      try {
        const ran: unknown = handler(req, res, step);
        if (isPromise(ran)) ran.then(undefined, (failure) => next(failure || new Error('Rejected promise')));
      } catch (failure) {
        next(failure);
      }
    };
    step();
  };
}

function isPromise(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null && typeof value === 'object' && typeof (value as { then?: unknown }).then === 'function'
  );
}
