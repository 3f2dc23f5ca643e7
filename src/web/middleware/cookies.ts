// The pages' cookies, parsed (cookie-parser: `req.cookies`, and `req.signedCookies` checked
// against the secrets). A phone sends the same Cookie header with every request of its visit
// (its visitor id, its CSRF token, its language), and a rush's phones post their forms again
// and again: what a header parses to, signatures checked, depends on nothing but the header
// and these secrets, so it is kept for the headers seen lately and each request gets its own
// copy. A header that parses to anything but text (a JSON cookie) or is long is parsed each time.
import cookieParser from 'cookie-parser';
import type { NextFunction, Request, Response } from 'express';
import { boundedMemo } from '../../lib/bounded-memo.ts';

/** Headers longer than this are parsed each time (the memory kept stays small). */
const HEADER_KEPT = 1024;
/** How many headers are kept (then all are forgotten at once: bounded-memo.ts). */
const HEADERS_KEPT = 2000;

type Jar = Record<string, string>;
interface Parsed {
  cookies: Jar;
  signed: Jar;
}

/** Every value text: a copy of the object is then all a request needs of its own. */
const allText = (jar: object) => Object.values(jar).every((v) => typeof v === 'string');
/** A copy as cookie-parser makes them: no prototype. */
const copyOf = (jar: Jar): Jar => Object.assign(Object.create(null) as Jar, jar);

export function pageCookies(secrets: string[]) {
  const parse = cookieParser(secrets);
  const parsed = boundedMemo<Parsed>(HEADERS_KEPT);
  return (req: Request, res: Response, next: NextFunction) => {
    const header = req.headers.cookie;
    if (req.cookies || !header || header.length > HEADER_KEPT) return parse(req, res, next);
    const kept = parsed.get(header);
    if (kept) {
      req.secret = secrets[0];
      req.cookies = copyOf(kept.cookies);
      req.signedCookies = copyOf(kept.signed);
      return next();
    }
    parse(req, res, (err?: unknown) => {
      const { cookies, signedCookies } = req as { cookies: Jar; signedCookies: Jar };
      if (!err && allText(cookies) && allText(signedCookies))
        parsed.keep(header, { cookies: copyOf(cookies), signed: copyOf(signedCookies) });
      next(err);
    });
  };
}
