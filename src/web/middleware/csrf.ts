import { doubleCsrf } from 'csrf-csrf';
import type { NextFunction, Request, Response } from 'express';
import { VISITOR_COOKIE } from './visitor.ts';

/**
 * CSRF tokens on every form: a signed double-submit cookie bound to the visitor id. The JSON
 * API is exempt because it authenticates with a bearer token, never with cookies.
 */
export function csrfMiddleware(opts: { secrets: string[]; secureCookies: boolean }) {
  const { doubleCsrfProtection, generateCsrfToken } = doubleCsrf({
    // The first signs new tokens; a form opened before a rotation still checks against the earlier ones.
    getSecret: () => opts.secrets,
    getSessionIdentifier: (req) => String(req.cookies?.[VISITOR_COOKIE] ?? ''),
    cookieName: opts.secureCookies ? '__Host-csrf' : 'csrf',
    cookieOptions: { sameSite: 'lax', secure: opts.secureCookies, httpOnly: true, path: '/' },
    getCsrfTokenFromRequest: (req) =>
      ((req.body as Record<string, unknown> | undefined)?._csrf as string) ?? req.get('x-csrf-token'),
    skipCsrfProtection: (req) => req.path.startsWith('/api/'),
    errorConfig: { statusCode: 403, code: 'EBADCSRFTOKEN', message: 'invalid csrf token' },
  });
  return (req: Request, res: Response, next: NextFunction) => {
    // One token per response: a page with several forms must not set several cookies.
    let token: string | undefined;
    res.locals.csrfToken = () => {
      token ??= generateCsrfToken(req, res);
      return token;
    };
    doubleCsrfProtection(req, res, next);
  };
}
