import { hash as digest } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { ipKeyGenerator, rateLimit, type Store } from 'express-rate-limit';
import type { MessageKey } from '../../i18n/translate.ts';
import { AppError } from '../../services/errors.ts';

/** A short digest of a key, so that limits never hold an ID number, an e-mail or a reference in clear. */
export const hashKey = (s: string) => digest('sha256', s, 'base64url').slice(0, 22);

function limited(messageKey: MessageKey) {
  return (_req: Request, res: Response, next: NextFunction) => {
    const reset = res.getHeader('RateLimit-Reset') ?? res.getHeader('Retry-After');
    next(new AppError('rate_limited', messageKey, { seconds: Number(reset ?? 60) || 60 }));
  };
}

/** The client's address as limits key it: IPv6 addresses by their /56 network, as one subscriber's. */
export function addressOf(req: Request): string {
  return ipKeyGenerator(req.ip ?? 'unknown');
}

/**
 * Where a limit keeps its counts: one store per limit, its keys under the limit's name. The
 * composition root gives the database's (every process counts against one allowance); a
 * store left out is express-rate-limit's own, in this process's memory. `now` is the clock a
 * window is kept on (the failure counters keep the application's; the others the system's).
 */
export type LimitStores = (name: string, now?: () => number) => Store | undefined;

/**
 * A limit's store, if it has one other than express-rate-limit's own. Should it fail (the
 * database away), the request goes on, quietly: everything a limit guards needs the database
 * itself, and answers 503 (a form shown again as it was sent) and logs it, as it would without
 * the limit.
 */
function storeOptions(store: Store | undefined) {
  const quiet = () => undefined;
  return store ? { store, passOnStoreError: true, logger: { error: quiet, warn: quiet } } : {};
}

/**
 * A generous ceiling per address: many couples share one carrier-grade NAT address, so the
 * real limits are keyed on what identifies a person or a booking (see keyedLimit).
 * 0 turns it off (behind a trusted proxy that limits, and for the benchmark).
 */
export function perAddressLimit(perMinute: number, stores: LimitStores = () => undefined) {
  if (perMinute <= 0) return (_req: Request, _res: Response, next: NextFunction) => next();
  const store = stores('address');
  return rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    // Hashed: a shared store keeps no address in clear.
    keyGenerator: (req) => hashKey(addressOf(req)),
    ...storeOptions(store),
    skip: (req) => req.path === '/healthz' || req.path === '/readyz' || req.path.startsWith('/public/'),
    handler: (req, res, next) => limited('error.rate_limited')(req, res, next),
  });
}

/**
 * A limit keyed on something that identifies a person or a booking (an ID number, a
 * reference), hashed so the key never holds personal data in clear. Requests without the
 * key pass through to the per-address ceiling; a limit of 0 lets every request through.
 */
export function keyedLimit(opts: {
  name: string;
  windowMs: number;
  limit: number;
  key: (req: Request) => string | undefined;
  messageKey?: MessageKey;
  stores?: LimitStores;
}) {
  // A limit of 0 is off, as the per-address ceiling's: no store, nothing counted or written.
  if (opts.limit <= 0) return (_req: Request, _res: Response, next: NextFunction) => next();
  const store = opts.stores?.(opts.name);
  // The key is asked for twice per request (skip, then count): work it out once.
  const keys = new WeakMap<Request, string | undefined>();
  const keyOf = (req: Request) => {
    if (!keys.has(req)) keys.set(req, opts.key(req));
    return keys.get(req);
  };
  return rateLimit({
    windowMs: opts.windowMs,
    limit: opts.limit,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    keyGenerator: (req) => `${opts.name}:${hashKey(keyOf(req) ?? '')}`,
    skip: (req) => !keyOf(req),
    // Its checks are about keying on addresses behind proxies, which this limit does not do.
    validate: false,
    ...storeOptions(store),
    handler: (req, res, next) => limited(opts.messageKey ?? 'error.rate_limited')(req, res, next),
  });
}
