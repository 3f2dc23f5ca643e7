import { doubleCsrf } from 'csrf-csrf';
import type { NextFunction, Request, Response } from 'express';
import { VISITOR_COOKIE } from './visitor.ts';

/** The methods the double-submit check lets through unchecked (csrf-csrf's default). */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const exempt = (req: Request) => req.path.startsWith('/api/');

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
    getCsrfTokenFromRequest: (req) =>
      ((req.body as Record<string, unknown> | undefined)?._csrf as string) ?? req.get('x-csrf-token'),
    skipCsrfProtection: exempt,
    errorConfig: { statusCode: 403, code: 'EBADCSRFTOKEN', message: 'invalid csrf token' },
  });
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
    doubleCsrfProtection(req, res, (err?: unknown) => {
      if (!err && !SAFE_METHODS.has(req.method) && !exempt(req)) checked = req.cookies?.[cookieName];
      next(err);
    });
  };
}
