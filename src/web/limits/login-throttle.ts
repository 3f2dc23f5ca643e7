// Sign-in guessing is slowed where it comes from: failures are counted per account (the e-mail
// typed, whether or not it has an account) and address together, and per address. The
// owner signing in from its own address is never refused for failures made elsewhere; only
// far beyond these limits does the account lock as a whole (staff-auth-service.ts).
import type { Request } from 'express';
import type { Clock } from '../../lib/clock.ts';
import { subjectAndAddressCounter } from './failure-counter.ts';
import { addressOf } from './rate-limit.ts';

export const LOGIN_WINDOW_MS = 15 * 60_000;
/** Failed sign-ins to one account from one address in a window. */
export const LOGIN_FAILURES_PER_PAIR = 5;
/** Failed sign-ins from one address, whatever the account, in a window. */
export const LOGIN_FAILURES_PER_ADDRESS = 20;

export function createLoginThrottle(clock: Clock) {
  const failures = subjectAndAddressCounter({
    name: 'staff-login',
    windowMs: LOGIN_WINDOW_MS,
    perPair: LOGIN_FAILURES_PER_PAIR,
    perAddress: LOGIN_FAILURES_PER_ADDRESS,
    now: () => clock().getTime(),
  });
  return {
    keys: (req: Request, email: string) => failures.keys(email.trim().toLowerCase(), addressOf(req)),
    retryAfter: failures.retryAfter,
    fail: failures.fail,
    succeeded: failures.succeeded,
  };
}
