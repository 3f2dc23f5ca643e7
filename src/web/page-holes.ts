// A page kept with holes where each visitor's own text goes (what they typed, their CSRF token).
// A refused form on a peak morning is the same page for every couple refused for the same slot
// at the same moment but for what each typed: it is rendered once with a marker in place of
// each of those values, kept as the text between the markers, and filled for each visitor, each
// value escaped as EJS's `<%= %>` escapes it. The markers carry a random tag of the process, so
// nothing else on the page (an office's name) can be taken for one, and they never leave the
// process: a page is sent only once its holes are filled.
import { randomBytes } from 'node:crypto';
import ejs from 'ejs';
import { createKeptPages } from './page-cache.ts';

const TAG = randomBytes(6).toString('hex');
// Characters of Unicode's private use area: EJS's escaping leaves them as they are.
const OPEN = '\uE000';
const CLOSE = '\uE001';
const MARKER = new RegExp(`${OPEN}${TAG}:([^${CLOSE}]*)${CLOSE}`, 'g');

/** Past this many pages kept, those whose moment has passed are dropped (then all of them). */
const KEPT = 500;

/** What stands in a rendered page for the value named `name`, until the page is filled. */
export const hole = (name: string) => `${OPEN}${TAG}:${name}${CLOSE}`;

/** A page with holes: the text around them, and the name of each hole in order. */
export interface HoledPage {
  texts: string[];
  names: string[];
}

/** The rendered page cut at its holes. */
export function cutAtHoles(html: string): HoledPage {
  const texts: string[] = [];
  const names: string[] = [];
  let from = 0;
  for (const m of html.matchAll(MARKER)) {
    texts.push(html.slice(from, m.index));
    names.push(m[1]!);
    from = m.index + m[0].length;
  }
  texts.push(html.slice(from));
  return { texts, names };
}

/** The page with each hole filled with its value, escaped (a hole with no value is left empty). */
export function fillHoles(page: HoledPage, values: Readonly<Record<string, string | undefined>>): string {
  let html = page.texts[0]!;
  for (let i = 0; i < page.names.length; i++)
    html += ejs.escapeXML(values[page.names[i]!] ?? '') + page.texts[i + 1]!;
  return html;
}

/** Refused forms kept with holes by key for at most `keepMs` (0: none kept), as pages are. */
export function createHoledPages(opts: { keepMs: number; now: () => number }) {
  return createKeptPages<HoledPage>({ ...opts, most: KEPT });
}
