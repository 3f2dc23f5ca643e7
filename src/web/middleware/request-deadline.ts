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

/** A request waiting for its answer, in the order requests came. */
interface Waiting {
  req: Request;
  res: Response;
  /** performance.now() at which it is answered 503 if nothing was sent. */
  due: number;
  prev: Waiting | undefined;
  next: Waiting | undefined;
}

const WAITING = Symbol('request deadline');
type Watched = Response & { [WAITING]?: Waiting };

/**
 * Every request has the same deadline, so they fall due in the order they came: they wait in
 * one list, oldest first, and one timer is set for the oldest. A request answered leaves the
 * list (its place is unlinked, nothing is searched); when the timer fires, those past their
 * deadline are answered and the timer is set for the next. A rush pays one small record per
 * request instead of a timer, its callback and its clearing each.
 */
export function requestDeadline(answerError: AnswerError, ms = REQUEST_DEADLINE_MS): RequestHandler {
  let oldest: Waiting | undefined;
  let newest: Waiting | undefined;
  let timer: NodeJS.Timeout | undefined;

  const unlink = (w: Waiting) => {
    if (w.prev) w.prev.next = w.next;
    else oldest = w.next;
    if (w.next) w.next.prev = w.prev;
    else newest = w.prev;
    w.prev = w.next = undefined;
  };

  const arm = (now: number) => {
    if (!oldest) return;
    timer = setTimeout(expire, Math.max(1, Math.ceil(oldest.due - now)));
    timer.unref();
  };

  function expire() {
    timer = undefined;
    const now = performance.now();
    try {
      while (oldest && oldest.due <= now) {
        const { req, res } = oldest;
        (res as Watched)[WAITING] = undefined;
        unlink(oldest);
        if (res.headersSent) continue;
        res.locals.answeredAtDeadline = true;
        answerError(new AppError('unavailable'), req, res, () => undefined);
      }
    } finally {
      // Set again even if an answer threw: the requests after it still have their deadline.
      arm(now);
    }
  }

  // 'close' comes once the answer is sent, or when the connection is gone before it.
  function answered(this: Watched) {
    const w = this[WAITING];
    if (!w) return;
    this[WAITING] = undefined;
    unlink(w);
  }

  return (req, res, next) => {
    const now = performance.now();
    const w: Waiting = { req, res, due: now + ms, prev: newest, next: undefined };
    if (newest) newest.next = w;
    else oldest = w;
    newest = w;
    (res as Watched)[WAITING] = w;
    res.on('close', answered);
    // A timer already set fires for an older request, then is set again for the next.
    if (!timer) arm(now);
    next();
  };
}
