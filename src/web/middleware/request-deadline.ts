// A request the application has not answered within its deadline is answered 503, "try again
// shortly", as a request that found the database away is. Every database call is bounded
// somewhere (server selection, the server's maxTimeMS, lib/deadline.ts for shared batches),
// but a call written to a connection whose server has just died can wait in the driver for
// ever; the couple's phone must not spin for ever with it. Whatever the handler does later is
// not sent: the answer has gone.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { AppError } from '../../services/errors.ts';

/**
 * Longer than any request takes on a working database: the slowest chain of calls a page
 * makes, each bounded, on a busy machine.
 */
export const REQUEST_DEADLINE_MS = 30_000;

type AnswerError = (err: unknown, req: Request, res: Response, next: NextFunction) => void;

export function requestDeadline(answerError: AnswerError, ms = REQUEST_DEADLINE_MS): RequestHandler {
  return (req, res, next) => {
    const timer = setTimeout(() => {
      if (res.headersSent) return;
      res.locals.answeredAtDeadline = true;
      answerError(new AppError('unavailable'), req, res, () => undefined);
    }, ms);
    timer.unref();
    // 'close' comes once the answer is sent, or when the connection is gone before it.
    res.once('close', () => clearTimeout(timer));
    next();
  };
}
