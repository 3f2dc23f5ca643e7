// Look-ups of a booking or a lottery application by its reference and a secret: the private
// token (the JSON API) or the last four digits of a phone (the look-up form). A stranger who
// knows a reference must not be able to keep its couple out, so failures are counted per
// reference and address together, and per address, never per reference alone: the guesser is
// slowed at its own address, and the couple, from theirs, is never refused.
//
// - A token cannot be guessed (256 bits): the right one is always served, from any address;
//   a wrong one past the limit answers 429 instead of 404.
// - Four digits can be: past the limit, that address gets no answer at all (429), right or
//   wrong, until its window ends.
import type { Request } from 'express';
import { AppError } from '../../services/errors.ts';
import { subjectAndAddressCounter } from './failure-counter.ts';
import { addressOf, type LimitStores } from './rate-limit.ts';

export const LOOKUP_WINDOW_MS = 15 * 60_000;
/** Failed look-ups of one reference from one address in a window. */
export const LOOKUP_FAILURES_PER_PAIR = 5;
/** Failed look-ups from one address, whatever the reference, in a window. */
export const LOOKUP_FAILURES_PER_ADDRESS = 20;

const normalized = (reference: string) =>
  reference
    .trim()
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, '');

const isNotFound = (err: unknown) => err instanceof AppError && err.code === 'not_found';

export function createLookupGuard(stores?: LimitStores) {
  const failures = subjectAndAddressCounter({
    name: 'lookup',
    windowMs: LOOKUP_WINDOW_MS,
    perPair: LOOKUP_FAILURES_PER_PAIR,
    perAddress: LOOKUP_FAILURES_PER_ADDRESS,
    ...(stores ? { stores } : {}),
  });
  const keys = (req: Request, reference: string) => failures.keys(normalized(reference), addressOf(req));

  const limited = (seconds: number) => new AppError('rate_limited', 'booking.rate_limited', { seconds });

  return {
    /** `find` checks a token: the right one always passes; a wrong one counts. */
    async byToken<T>(req: Request, reference: string, find: () => Promise<T>): Promise<T> {
      try {
        return await find();
      } catch (err) {
        if (!isNotFound(err)) throw err;
        const k = keys(req, reference);
        const seconds = await failures.retryAfter(k);
        await failures.fail(k);
        throw seconds > 0 ? limited(seconds) : err;
      }
    },

    /** `find` checks phone digits: past the limit it is not even asked, from that address. */
    async byDigits<T>(req: Request, reference: string, find: () => Promise<T>): Promise<T> {
      const k = keys(req, reference);
      const seconds = await failures.retryAfter(k);
      if (seconds > 0) throw limited(seconds);
      try {
        const found = await find();
        await failures.succeeded(k);
        return found;
      } catch (err) {
        if (isNotFound(err)) await failures.fail(k);
        throw err;
      }
    },
  };
}

export type LookupGuard = ReturnType<typeof createLookupGuard>;
