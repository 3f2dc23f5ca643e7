// The booking form as a phone opens it, blank: on a peak morning every couple opens the form of
// the same few slots, and each opening rendered the whole form in its layout, the same page for
// every visitor of the slot but for the CSRF token and the idempotency key it carries. It is
// rendered once per URL and language with holes for those two (page-holes.ts), and each opening
// fills them with its own: a token made for this visitor, as before, and a fresh key. It is kept
// for at most a second (never longer than SCHEDULE_CACHE_MS, not at all at 0), as the shared
// pages are (page-cache.ts), while the office and the day it shows are the ones the schedule
// cache holds. A page with a flash is rendered for its visitor alone.
import type { Response } from 'express';
import type { Clock } from '../lib/clock.ts';
import { keptHoledPages } from './kept-holed-pages.ts';
import { hole } from './page-holes.ts';

export function blankFormPages(opts: { scheduleCacheMs: number; clock: Clock }) {
  const pages = keptHoledPages(opts);
  /**
   * Shows `view` with `locals` (a blank form: its idempotency key fresh) as the kept page of its
   * URL and language: true then (answered, or being answered). `inputs` are the cached objects
   * it is rendered from (the office, the day as planned): a page is used only while they are current.
   */
  return function showBlank(
    res: Response,
    view: string,
    locals: { idempotencyKey: string } & Record<string, unknown>,
    inputs: readonly object[],
  ): boolean {
    const token = res.locals.csrfToken as (() => string) | undefined;
    if (!pages.enabled || !token || res.locals.flash !== undefined) return false;
    pages.show(res, {
      view,
      key: `${res.req.locale}|${res.req.originalUrl}`,
      inputs,
      marked: () => ({ ...locals, idempotencyKey: hole('key'), csrfToken: () => hole('csrf') }),
      own: { csrf: token(), key: locals.idempotencyKey },
      status: 200,
    });
    return true;
  };
}
