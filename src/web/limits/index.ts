// Every limit the web layer applies, built once by the composition root (src/container.ts) so
// that the counters are the application's, not a module's: the web form, the JSON API and the
// lottery share one allowance per pair of ID numbers whichever door it knocks on.
import type { Request } from 'express';
import type { Config } from '../../config.ts';
import type { Clock } from '../../lib/clock.ts';
import { createLoginThrottle } from './login-throttle.ts';
import { createLookupGuard } from './lookup-guard.ts';
import { keyedLimit, type LimitStores, perAddressLimit } from './rate-limit.ts';

const FIFTEEN_MINUTES = 15 * 60_000;

const idsOf = (req: Request): string | undefined => {
  const partners = (req.body as { partners?: { idNumber?: unknown }[] } | undefined)?.partners;
  if (!Array.isArray(partners)) return undefined;
  const ids = partners
    .map((p) => (typeof p?.idNumber === 'string' ? p.idNumber.trim().toUpperCase() : ''))
    .filter(Boolean);
  // keyedLimit hashes the key: the numbers are never kept in clear.
  return ids.length ? ids.sort().join('|') : undefined;
};

/**
 * `stores` says where the counts are kept: the composition root gives the database's, so that
 * every process counts against one allowance; left out, each limit counts in this process.
 */
export function createWebLimits(deps: { config: Readonly<Config>; clock: Clock; stores?: LimitStores }) {
  const { stores } = deps;
  return {
    /** A generous ceiling per address on every request (RATE_LIMIT_PER_MINUTE). */
    perAddress: perAddressLimit(deps.config.rateLimitPerMinute, stores),
    /** Booking and lottery attempts per pair of ID numbers, whatever the address. */
    byPerson: keyedLimit({
      name: 'book',
      windowMs: 10 * 60_000,
      limit: 20,
      key: idsOf,
      messageKey: 'booking.rate_limited',
      stores,
    }),
    /** Look-ups by reference: failures counted per reference and address (see lookup-guard.ts). */
    lookups: createLookupGuard(stores),
    /** Staff sign-in failures per account and address, and per address (see login-throttle.ts). */
    login: createLoginThrottle(deps.clock, stores),
    /**
     * Verification codes asked for, look-ups by phone and short links opened, per address: a
     * first ceiling before the verification service's own per-phone and per-address allowance.
     */
    verificationCodes: keyedLimit({
      name: 'verification',
      windowMs: FIFTEEN_MINUTES,
      limit: 60,
      key: (req) => req.ip ?? 'unknown',
      messageKey: 'verification.too_many',
      stores,
    }),
    /** Password and unlock links opened per address. */
    passwordLinks: keyedLimit({
      name: 'staff-password-link',
      windowMs: FIFTEEN_MINUTES,
      limit: 30,
      key: (req) => req.ip ?? 'unknown',
      stores,
    }),
  };
}

export type WebLimits = ReturnType<typeof createWebLimits>;
