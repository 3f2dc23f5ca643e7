import type { Request } from 'express';
import type { Config } from '../config.ts';
import { createLookupGuard } from './lookup-guard.ts';
import { keyedLimit } from './middleware/rate-limit.ts';

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
 * Limits keyed on the person rather than the address: booking attempts per pair of ID
 * numbers; and the guard of look-ups by reference, which counts failures per reference and
 * address (see lookup-guard.ts).
 */
export function bookingLimits(config: Readonly<Config>) {
  // One set of counters per application, shared by the web form, the API and the lottery:
  // the same pair of ID numbers gets the same allowance whichever door it knocks on.
  const shared = created.get(config);
  if (shared) return shared;
  const limits = makeLimits();
  created.set(config, limits);
  return limits;
}

const created = new WeakMap<Readonly<Config>, ReturnType<typeof makeLimits>>();

function makeLimits() {
  return {
    byPerson: keyedLimit({
      name: 'book',
      windowMs: 10 * 60_000,
      limit: 20,
      key: idsOf,
      messageKey: 'booking.rate_limited',
    }),
    lookups: createLookupGuard(),
  };
}
