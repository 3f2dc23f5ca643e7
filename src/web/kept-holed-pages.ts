// Pages kept with holes (page-holes.ts) for a moment, as the booking form is kept blank and
// refused "full": an answer fills the page kept for its key with its visitor's own values, or
// renders the page with markers in their place, keeps it and fills it. A page is kept for at
// most a second (never longer than SCHEDULE_CACHE_MS, not at all at 0), as the shared pages are,
// and used only while the cached objects it was rendered from are current.
import type { Response } from 'express';
import type { Clock } from '../lib/clock.ts';
import { PAGE_MEMORY_MS } from './page-cache.ts';
import { createHoledPages, cutAtHoles, fillHoles } from './page-holes.ts';
import { pageHtml } from './render.ts';

export interface HoledAnswer {
  view: string;
  /** What tells this page from others kept (the language, the URL, the choices shown). */
  key: string;
  /** The cached objects it is rendered from: the page is used only while they are current. */
  inputs: readonly object[];
  /** The view's locals with markers for the visitor's own values, asked for only to render. */
  marked: () => Record<string, unknown>;
  /** The visitor's own values, by hole. */
  own: Readonly<Record<string, string | undefined>>;
  status: number;
}

export function keptHoledPages(opts: { scheduleCacheMs: number; clock: Clock }) {
  const pages = createHoledPages({
    keepMs: Math.min(opts.scheduleCacheMs, PAGE_MEMORY_MS),
    now: () => opts.clock().getTime(),
  });
  return {
    enabled: pages.enabled,
    show(res: Response, a: HoledAnswer): void {
      const kept = pages.get(a.key, a.inputs);
      if (kept) {
        res.status(a.status).send(fillHoles(kept, a.own));
        return;
      }
      pageHtml(res, a.view, a.marked(), (err, html) => {
        if (err || html === undefined) return res.req.next?.(err);
        const page = cutAtHoles(html);
        pages.keep(a.key, a.inputs, page);
        res.status(a.status).send(fillHoles(page, a.own));
      });
    },
  };
}
