// A kept page (page-cache.ts) answered as soon as the request's cookies are read, before the
// rest of the pages' common steps and their routers. A peak morning's reloads are almost all
// kept pages, and each paid for what only a rendered page uses (the render's helpers, its
// language's switch, the body parsers, a CSRF step, a router's matching and the route's own
// promises) to send bytes it already had. Only a plain reload is answered here: a GET with no
// body, no language asked in its URL, no flash to show and no condition (If-None-Match...); any
// other request goes the whole way as before, as does a page whose inputs are not all in the
// caches at this moment. What the whole way gives such an answer is given here alike: the
// visitor id of a new browser, the per-address limit (its refusal shown as the error page in
// the visitor's language), the same status, headers and bytes, counted under the same route.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Locale } from '../i18n/locales.ts';
import { rememberedLocale } from './middleware/locale.ts';
import { ensureVisitor, type VisitorOptions } from './middleware/visitor.ts';
import type { KeptPage, PageCache } from './page-cache.ts';

const HTML = 'text/html; charset=utf-8';

/**
 * Sends a kept page's bytes, as `res.type('html').send(bytes)` would with ETags off to a request
 * with no condition (`send` answers `If-None-Match: *` with a 304: such requests go the whole way).
 */
export function sendKept(res: Response, bytes: Buffer): void {
  res.statusCode = 200;
  res.setHeader('Content-Type', HTML);
  res.setHeader('Content-Length', String(bytes.length));
  res.end(bytes);
}

/** Whether the request is a plain reload, which a kept page answers as the whole way would. */
function plainReload(req: Request): boolean {
  if (req.method !== 'GET') return false;
  const h = req.headers;
  if (h['content-length'] !== undefined || h['transfer-encoding'] !== undefined) return false;
  if (h['if-none-match'] !== undefined || h['if-modified-since'] !== undefined) return false;
  // A flash is this visitor's own (view-helpers.ts), signed or not.
  if (req.signedCookies?.flash !== undefined || req.cookies?.flash !== undefined) return false;
  // `?lang=` (however it is spelt or encoded) sets the language cookie: the whole way does that.
  const q = req.originalUrl.indexOf('?');
  return q < 0 || !/lang|%/i.test(req.originalUrl.slice(q));
}

export function keptPageAnswer(opts: {
  pages: PageCache;
  /** The per-address limit, as the pages' steps run it. */
  limit: RequestHandler;
  /** The steps before the limit that its refusal, shown as a page, needs (renderPage, locale, helpers). */
  beforeLimit: RequestHandler;
  visitor: VisitorOptions;
}): RequestHandler {
  const { pages } = opts;
  return (req: Request, res: Response, next: NextFunction) => {
    if (!pages.enabled || !plainReload(req)) return next();
    const locale = rememberedLocale(req);
    const key = `${locale}|${req.originalUrl}`;
    const kept = pages.answerable(key);
    if (kept) return answerWith(kept, locale, req, res, next);
    // Being rendered again for another visitor (its moment just passed): that page for this one.
    const under = pages.renderedNow(key);
    if (!under) return next();
    under.then((page) => (page ? answerWith(page, locale, req, res, next) : next()));
  };

  function answerWith(kept: KeptPage, locale: Locale, req: Request, res: Response, next: NextFunction) {
    req.locale = locale;
    const answer = (err?: unknown) => {
      if (err) return opts.beforeLimit(req, res, () => next(err));
      ensureVisitor(req, res, opts.visitor);
      // As the router does when it picks the route: the request metrics count it under its pattern.
      req.route = kept.route;
      sendKept(res, kept.bytes);
    };
    const returned: unknown = opts.limit(req, res, answer);
    if (returned instanceof Promise) returned.catch(answer);
  }
}
