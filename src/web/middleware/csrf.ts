import { doubleCsrf } from 'csrf-csrf';
import type { NextFunction, Request, Response } from 'express';
import { boundedMemo } from '../../lib/bounded-memo.ts';
import { VISITOR_COOKIE } from './visitor.ts';

/** The methods the double-submit check lets through unchecked (csrf-csrf's default). */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const exempt = (req: Request) => req.path.startsWith('/api/');
/** The token a form or a script sends back: the form's field, or the header. */
const sentToken = (req: Request): string | undefined =>
  ((req.body as Record<string, unknown> | undefined)?._csrf as string) ?? req.get('x-csrf-token');
/** Pairs of a visitor and a token cookie found signed by one of the secrets, kept for the next post. */
const VERIFIED_KEPT = 2000;

/**
 * CSRF tokens on every form: a signed double-submit cookie bound to the visitor id. The JSON
 * API is exempt because it authenticates with a bearer token, never with cookies.
 */
export function csrfMiddleware(opts: { secrets: string[]; secureCookies: boolean }) {
  const cookieName = opts.secureCookies ? '__Host-csrf' : 'csrf';
  const { doubleCsrfProtection, generateCsrfToken } = doubleCsrf({
    // The first signs new tokens; a form opened before a rotation still checks against the earlier ones.
    getSecret: () => opts.secrets,
    getSessionIdentifier: (req) => String(req.cookies?.[VISITOR_COOKIE] ?? ''),
    cookieName,
    cookieOptions: { sameSite: 'lax', secure: opts.secureCookies, httpOnly: true, path: '/' },
    getCsrfTokenFromRequest: sentToken,
    skipCsrfProtection: exempt,
    errorConfig: { statusCode: 403, code: 'EBADCSRFTOKEN', message: 'invalid csrf token' },
  });
  // Whether a token cookie is signed for its visitor depends on nothing else (these secrets are
  // this middleware's for the life of the process): a phone posting its form again and again
  // (a rush's "full", then another slot) is not checked again by HMAC each time. Only pairs
  // the check passed are kept, each under its whole cookie, so a changed or forged token, or
  // another visitor's, is checked as ever.
  const verified = boundedMemo<true>(VERIFIED_KEPT);
  const pairOf = (req: Request, cookie: string) => {
    const visitor = String(req.cookies?.[VISITOR_COOKIE] ?? '');
    return `${visitor.length}!${visitor}!${cookie}`;
  };
  return (req: Request, res: Response, next: NextFunction) => {
    // One token per response: a page with several forms must not set several cookies.
    let token: string | undefined;
    // A form posted with a token that was just checked against its cookie: the form shown
    // again (a refusal) carries the same token, neither signed nor set again.
    let checked: string | undefined;
    res.locals.csrfToken = () => {
      token ??= checked ?? generateCsrfToken(req, res);
      return token;
    };
    const guarded = !SAFE_METHODS.has(req.method) && !exempt(req);
    const cookie: unknown = req.cookies?.[cookieName];
    // The double submit itself (the token sent is the cookie) is checked on every request.
    if (guarded && typeof cookie === 'string' && cookie !== '' && sentToken(req) === cookie) {
      const pair = pairOf(req, cookie);
      if (verified.get(pair)) {
        checked = cookie;
        return next();
      }
      return doubleCsrfProtection(req, res, (err?: unknown) => {
        if (!err) {
          verified.keep(pair, true);
          checked = cookie;
        }
        next(err);
      });
    }
    doubleCsrfProtection(req, res, (err?: unknown) => {
      if (!err && guarded) checked = req.cookies?.[cookieName];
      next(err);
    });
  };
}
