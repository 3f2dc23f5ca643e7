import { hash as digest } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
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
 * A generous ceiling per address: many couples share one carrier-grade NAT address, so the
 * real limits are keyed on what identifies a person or a booking (see keyedLimit).
 * 0 turns it off (behind a trusted proxy that limits, and for the benchmark).
 */
export function perAddressLimit(perMinute: number) {
  if (perMinute <= 0) return (_req: Request, _res: Response, next: NextFunction) => next();
  return rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    keyGenerator: addressOf,
    skip: (req) => req.path === '/healthz' || req.path === '/readyz' || req.path.startsWith('/public/'),
    handler: (req, res, next) => limited('error.rate_limited')(req, res, next),
  });
}

/**
 * A limit keyed on something that identifies a person or a booking (an ID number, a
 * reference), hashed so the key never holds personal data in clear. Requests without the
 * key pass through to the per-address ceiling.
 */
export function keyedLimit(opts: {
  name: string;
  windowMs: number;
  limit: number;
  key: (req: Request) => string | undefined;
  messageKey?: MessageKey;
}) {
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
    handler: (req, res, next) => limited(opts.messageKey ?? 'error.rate_limited')(req, res, next),
  });
}
