import type { NextFunction, Request, Response } from 'express';
import type { RandomBytes } from '../../lib/clock.ts';

export const VISITOR_COOKIE = 'vid';

/**
 * An anonymous, random visitor id: what CSRF tokens are bound to for couples, who have no
 * login session. It identifies a browser, never a person.
 */
export function visitorMiddleware(opts: { secureCookies: boolean; random: RandomBytes }) {
  return (req: Request, res: Response, next: NextFunction) => {
    // The JSON API uses no cookies: no visitor id to hand out there.
    if (req.path.startsWith('/api/')) return next();
    let id = req.cookies?.[VISITOR_COOKIE];
    if (typeof id !== 'string' || !/^[A-Za-z0-9_-]{22}$/.test(id)) {
      // From the app's pooled source: every phone of a rush is new, and a call into the system
      // for each one's 16 bytes cost more than the rest of handing out its id.
      id = Buffer.from(opts.random(16)).toString('base64url');
      res.cookie(VISITOR_COOKIE, id, {
        httpOnly: true,
        sameSite: 'lax',
        secure: opts.secureCookies,
        maxAge: 30 * 86_400_000,
      });
      req.cookies = { ...(req.cookies ?? {}), [VISITOR_COOKIE]: id };
    }
    next();
  };
}
