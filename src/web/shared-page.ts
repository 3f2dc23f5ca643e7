import type { Request, Response } from 'express';
import type { PageCache } from './page-cache.ts';

/** A public page every visitor sees alike (page-cache.ts), as its route handles it. */
export interface SharedPage {
  /** The page was answered from what is kept: the route has nothing more to do. */
  answered: boolean;
  /** The page about to be rendered changes by itself at `at` (page-changes.ts): kept no later. */
  changesAt(at: Date | undefined): void;
}

const NOT_KEPT: SharedPage = { answered: false, changesAt: () => {} };
const ANSWERED: SharedPage = { answered: true, changesAt: () => {} };

/**
 * Answers the page from what is kept, when it is kept for this URL and language and was
 * rendered from the same `inputs` (the cached office and planned days); otherwise the page this
 * response goes on to render is kept for the next visitors. `inputs` is asked only when pages
 * are kept at all.
 */
export async function sharedPage(
  cache: PageCache,
  req: Request,
  res: Response,
  inputs: () => Promise<readonly object[]>,
  /** The same inputs as the caches hold them now, or undefined: lets the page be answered early. */
  current?: () => readonly object[] | undefined,
): Promise<SharedPage> {
  // A flash is this visitor's own: their page is rendered for them alone.
  if (!cache.enabled || res.locals.flash !== undefined) return NOT_KEPT;
  const key = `${req.locale}|${req.originalUrl}`;
  const from = await inputs();
  // Kept, or being rendered for another visitor this very moment: the same page for this one.
  const kept = cache.get(key, from) ?? (await cache.rendered(key, from));
  if (kept !== undefined) {
    res.type('html').send(kept.bytes);
    return ANSWERED;
  }
  const end = cache.begin(key, from, current ? { route: req.route, current } : {});
  let until = Number.POSITIVE_INFINITY;
  let ended = false;
  const finish = (html: string | undefined) => {
    if (ended) return;
    ended = true;
    end(html, until);
  };
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
    finish(!personal && this.statusCode === 200 && typeof body === 'string' ? body : undefined);
    return send.call(this, body);
  };
  // An answer that never goes through send (the connection gone first) still ends the render.
  res.once('close', () => finish(undefined));
  return {
    answered: false,
    changesAt(at) {
      if (at) until = at.getTime();
    },
  };
}
