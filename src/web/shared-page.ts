import type { Request, Response } from 'express';
import type { PageCache } from './page-cache.ts';

/**
 * A public page every visitor sees alike (page-cache.ts): answered from what is kept, when it is
 * kept for this URL and language and was rendered from the same `inputs` (the cached office and
 * planned days), and then true; otherwise false, and the page this response goes on to render
 * is kept for the next visitors. `inputs` is asked only when pages are kept at all.
 */
export async function answeredFromKept(
  cache: PageCache,
  req: Request,
  res: Response,
  inputs: () => Promise<readonly object[]>,
): Promise<boolean> {
  // A flash is this visitor's own: their page is rendered for them alone.
  if (!cache.enabled || res.locals.flash !== undefined) return false;
  const key = `${req.locale}|${req.originalUrl}`;
  const from = await inputs();
  const kept = cache.get(key, from);
  if (kept !== undefined) {
    res.type('html').send(kept);
    return true;
  }
  const asOf = cache.generation();
  // A page that asks for a CSRF token carries this visitor's token: it is never kept.
  let personal = false;
  const token = res.locals.csrfToken as (() => string) | undefined;
  if (token) {
    res.locals.csrfToken = () => {
      personal = true;
      return token();
    };
  }
  const send = res.send;
  res.send = function keepThenSend(body) {
    if (!personal && this.statusCode === 200 && typeof body === 'string') cache.keep(key, body, from, asOf);
    return send.call(this, body);
  };
  return false;
}
