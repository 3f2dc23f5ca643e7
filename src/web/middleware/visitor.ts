import type { NextFunction, Request, Response } from 'express';
import type { RandomBytes } from '../../lib/clock.ts';

export const VISITOR_COOKIE = 'vid';

/**
 * An anonymous, random visitor id: what CSRF tokens are bound to for couples, who have no
 * login session. It identifies a browser, never a person.
 */
export function visitorMiddleware(opts: VisitorOptions) {
  return (req: Request, res: Response, next: NextFunction) => {
    // The JSON API uses no cookies: no visitor id to hand out there.
    if (req.path.startsWith('/api/')) return next();
    ensureVisitor(req, res, opts);
    next();
  };
}

export interface VisitorOptions {
  secureCookies: boolean;
  random: RandomBytes;
}

/** A browser without a valid visitor id is given one (the cookie, and req.cookies as if sent). */
export function ensureVisitor(req: Request, res: Response, opts: VisitorOptions): void {
  const id = req.cookies?.[VISITOR_COOKIE];
  if (typeof id === 'string' && /^[A-Za-z0-9_-]{22}$/.test(id)) return;
  // From the app's pooled source: every phone of a rush is new, and a call into the system
  // for each one's 16 bytes cost more than the rest of handing out its id.
  const fresh = Buffer.from(opts.random(16)).toString('base64url');
  res.cookie(VISITOR_COOKIE, fresh, {
    httpOnly: true,
    sameSite: 'lax',
    secure: opts.secureCookies,
    maxAge: 30 * 86_400_000,
  });
  req.cookies = { ...(req.cookies ?? {}), [VISITOR_COOKIE]: fresh };
}
