// Sign-in guessing is slowed where it comes from: failures are counted per account (the e-mail
// typed, whether or not it has an account) and address together, and per address. The
// owner signing in from its own address is never refused for failures made elsewhere; only
// far beyond these limits does the account lock as a whole (staff-auth-service.ts).
import type { Request } from 'express';
import type { Clock } from '../../lib/clock.ts';
import { AppError } from '../../services/errors.ts';
import { subjectAndAddressCounter } from './failure-counter.ts';
import { addressOf, type LimitStores } from './rate-limit.ts';

export const LOGIN_WINDOW_MS = 15 * 60_000;
/** Failed sign-ins to one account from one address in a window. */
export const LOGIN_FAILURES_PER_PAIR = 5;
/** Failed sign-ins from one address, whatever the account, in a window. */
export const LOGIN_FAILURES_PER_ADDRESS = 20;

export function createLoginThrottle(clock: Clock, stores?: LimitStores) {
  const failures = subjectAndAddressCounter({
    name: 'staff-login',
    windowMs: LOGIN_WINDOW_MS,
    perPair: LOGIN_FAILURES_PER_PAIR,
    perAddress: LOGIN_FAILURES_PER_ADDRESS,
    now: () => clock().getTime(),
    ...(stores ? { stores } : {}),
  });
  return {
    /**
     * Runs the sign-in unless this address is past its limit for the account (asked before the
     * password is checked: past the limit, that address learns nothing more). A wrong password
     * counts; a right one clears the count.
     */
    async attempt<T>(req: Request, email: string, signIn: () => Promise<T>): Promise<T> {
      const keys = failures.keys(email.trim().toLowerCase(), addressOf(req));
      const wait = await failures.retryAfter(keys);
      if (wait > 0) {
        const minutes = Math.max(1, Math.ceil(wait / 60));
        throw new AppError('rate_limited', 'staff.login_throttled', { minutes, seconds: wait });
      }
      try {
        const signedIn = await signIn();
        await failures.succeeded(keys);
        return signedIn;
      } catch (err) {
        if (err instanceof AppError && err.code === 'unauthorized') await failures.fail(keys);
        throw err;
      }
    },
  };
}
