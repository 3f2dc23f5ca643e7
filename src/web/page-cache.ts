// The public pages every visitor sees alike (an office's month, a day's slots), kept for a
// moment once rendered. On a peak morning thousands of phones reload the same two pages; each
// render read the day's counters and ceremonies and formatted every time in the office's zone,
// to print the same HTML for everyone. A page is kept at most `keepMs` (a second by default,
// never longer than SCHEDULE_CACHE_MS, and not at all when that is 0), so the places it shows
// are at most that old, as a "full" answer remembered by full-slots.ts is; a place is still
// taken only by the counter's conditional update. It is kept only while the office and the
// planned days it was rendered from are still the ones the schedule cache holds (so a staff
// change is seen exactly as soon as without it), and anything that frees a place or changes a
// ceremony in this process forgets every page at once. Nothing of a visitor's own is kept: a
// page that asked for a CSRF token, showed a flash or answered anything but 200 is not kept.
import type { Clock } from '../lib/clock.ts';
import type { EventBus } from '../services/events.ts';

export const PAGE_MEMORY_MS = 1_000;

/**
 * Pages kept by key for at most `keepMs` (0: none kept), each only while the cached objects it
 * was rendered from (`inputs`) are still current: the shared pages below, and the refused
 * booking form kept with holes (full-form-page.ts).
 */
export function createKeptPages<T>(opts: {
  keepMs: number;
  now: () => number;
  /** Past this many pages kept, those whose moment has passed are dropped (then all of them). */
  most: number;
}) {
  const pages = new Map<string, { page: T; until: number; inputs: readonly object[] }>();
  return {
    enabled: opts.keepMs > 0,
    /** The page kept under `key`, if it is recent and was rendered from these same `inputs`. */
    get(key: string, inputs: readonly object[]): T | undefined {
      const kept = pages.get(key);
      if (!kept) return undefined;
      if (kept.until > opts.now() && sameInputs(kept.inputs, inputs)) return kept.page;
      pages.delete(key);
      return undefined;
    },
    /** The page kept under `key` while it is recent, whatever it was rendered from, with its inputs. */
    recent(key: string): { page: T; inputs: readonly object[] } | undefined {
      const kept = pages.get(key);
      return kept && kept.until > opts.now() ? kept : undefined;
    },
    /** Keeps `page` for its moment, and no later than `until` (when it changes by itself). */
    keep(key: string, inputs: readonly object[], page: T, until = Number.POSITIVE_INFINITY): void {
      const now = opts.now();
      if (opts.keepMs <= 0 || until <= now) return;
      if (pages.size >= opts.most) {
        for (const [k, p] of pages) if (p.until <= now) pages.delete(k);
        if (pages.size >= opts.most) pages.clear();
      }
      pages.set(key, { page, until: Math.min(now + opts.keepMs, until), inputs });
    },
    clear(): void {
      pages.clear();
    },
  };
}

/**
 * A shared page as it is kept: the bytes it is sent as (encoded once, not at every answer:
 * Express encodes a long string each time), and what lets it be answered before the pages'
 * middleware and routes (kept-page-answer.ts): the route that rendered it, and how to tell at
 * once, without a promise, whether the cached objects it was rendered from are still current.
 */
export interface KeptPage {
  bytes: Buffer;
  /** The route whose handler rendered it (the request's `req.route`), for the request metrics. */
  route?: unknown;
  /** Its inputs as the caches hold them now, when they hold them all; otherwise undefined. */
  current?: () => readonly object[] | undefined;
}

export function createPageCache(opts: { keepMs: number; now: () => number }) {
  const pages = createKeptPages<KeptPage>({ ...opts, most: 1_000 });
  // Renders under way: visitors asking for the same page meanwhile wait for it instead of each
  // rendering it again (a hundred phones reloading as a kept page expires).
  const rendering = new Map<
    string,
    { inputs: readonly object[]; page: Promise<KeptPage | undefined>; current?: KeptPage['current'] }
  >();
  // Bumped by every forget: a page whose render began before a change is not kept.
  let generation = 0;

  return {
    enabled: pages.enabled,
    get: pages.get,
    /**
     * The page kept under `key`, if it is recent and its inputs are still the ones the caches
     * hold (asked of the page itself): answerable before its route is reached.
     */
    answerable(key: string): KeptPage | undefined {
      const kept = pages.recent(key);
      const now = kept?.page.current?.();
      return now && sameInputs(kept!.inputs, now) ? kept!.page : undefined;
    },
    /** The page a render under way from the inputs the caches still hold will send, as `answerable` asks. */
    renderedNow(key: string): Promise<KeptPage | undefined> | undefined {
      const under = rendering.get(key);
      const now = under?.current?.();
      return now && sameInputs(under!.inputs, now) ? under!.page : undefined;
    },
    /** The page a render under way from these same `inputs` will send (undefined: not to be shared). */
    rendered(key: string, inputs: readonly object[]): Promise<KeptPage | undefined> | undefined {
      const under = rendering.get(key);
      return under && sameInputs(under.inputs, inputs) ? under.page : undefined;
    },
    /**
     * A render of the page begins (`about`: what lets it be answered early, KeptPage); the
     * function returned ends it, with the page to keep no later than `until` (when it changes by
     * itself), or with nothing when it is not to be shared.
     */
    begin(
      key: string,
      inputs: readonly object[],
      about: Omit<KeptPage, 'bytes'> = {},
    ): (html: string | undefined, until?: number) => void {
      const asOf = generation;
      let done: (page: KeptPage | undefined) => void = () => {};
      const page = new Promise<KeptPage | undefined>((resolve) => {
        done = resolve;
      });
      const entry = { inputs, page, current: about.current };
      rendering.set(key, entry);
      return (html, until = Number.POSITIVE_INFINITY) => {
        if (rendering.get(key) === entry) rendering.delete(key);
        const kept = html === undefined ? undefined : { ...about, bytes: Buffer.from(html) };
        if (kept && asOf === generation) pages.keep(key, inputs, kept, until);
        done(kept);
      };
    },
    /** Something shown on the pages may have changed: none of them is served again. */
    forget(): void {
      generation++;
      pages.clear();
      rendering.clear();
    },
  };
}

/** The same cached objects, one for one: what a kept page was rendered from is still current. */
function sameInputs(a: readonly object[], b: readonly object[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export type PageCache = ReturnType<typeof createPageCache>;

/** The kept pages of each app's services (the schedule caches they are rendered from). */
const keptByServices = new WeakMap<object, PageCache>();

/**
 * The pages a process keeps: for a moment no longer than SCHEDULE_CACHE_MS, by the app's clock.
 * A place taken is shown at most the moment late (a booking is checked by the counter anyway,
 * and on a peak morning bookings come too fast for a page to be kept otherwise); whatever else
 * happens in this process (a place freed, a day closed, a ceremony's seats) is shown at once.
 * One set per container's services, made on first use: the routes that keep the pages and the
 * pages' first step that answers them (kept-page-answer.ts) ask for the same.
 */
export function keptPagesOf(c: {
  config: { scheduleCacheMs: number };
  clock: Clock;
  events: EventBus;
  services: object;
}): PageCache {
  const known = keptByServices.get(c.services);
  if (known) return known;
  const pages = createPageCache({
    keepMs: Math.min(c.config.scheduleCacheMs, PAGE_MEMORY_MS),
    now: () => c.clock().getTime(),
  });
  c.events.subscribe((event) => {
    if (event.type !== 'appointment.booked') pages.forget();
  });
  keptByServices.set(c.services, pages);
  return pages;
}
