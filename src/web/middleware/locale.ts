import type { NextFunction, Request, Response } from 'express';
import { DEFAULT_LOCALE, LOCALES, type Locale, parseLocale } from '../../i18n/locales.ts';
import { pick, translator } from '../../i18n/translate.ts';
import { boundedMemo } from '../../lib/bounded-memo.ts';
import { pathOf } from './request-target.ts';

const COOKIE = 'lang';
const ONE_YEAR_MS = 365 * 86_400_000;
const COOKIE_IN_HEADER = new RegExp(`(?:^|;\\s*)${COOKIE}=([^;]*)`);

/** The language cookie, parsed or (on the JSON API, which parses no cookies) read from the header. */
function langCookie(req: Request): string | undefined {
  if (req.cookies) return req.cookies[COOKIE];
  return COOKIE_IN_HEADER.exec(req.headers.cookie ?? '')?.[1];
}

declare module 'express-serve-static-core' {
  interface Request {
    locale: Locale;
  }
}

/** A page's language when its URL names none (no `?lang=`): the visitor's cookie, else Chinese. */
export function rememberedLocale(req: Request): Locale {
  return parseLocale(langCookie(req)) ?? DEFAULT_LOCALE;
}

/** The translator and pick of each language, made once: every page in it shares them. */
const PAGE_HELPERS = Object.fromEntries(
  LOCALES.map((locale) => [
    locale,
    {
      t: translator(locale),
      pick: (v: { zh: string; en?: string } | undefined) => pick(v, locale),
    },
  ]),
) as Record<
  Locale,
  { t: ReturnType<typeof translator>; pick: (v: { zh: string; en?: string } | undefined) => string }
>;

/**
 * Chinese unless the visitor switched: `?lang=en` (the visible switch) sets a cookie that
 * is remembered. The API may also say `Accept-Language`, since kiosks cannot click a switch.
 */
export function localeMiddleware(opts: { secureCookies: boolean; pages?: boolean }) {
  const pages = opts.pages ?? true;
  return (req: Request, res: Response, next: NextFunction) => {
    // Without a query string there is no ?lang= to read: its parse (a new object) is skipped.
    const fromQuery = req.originalUrl.includes('?') ? parseLocale(req.query.lang) : undefined;
    if (fromQuery) {
      res.cookie(COOKIE, fromQuery, {
        maxAge: ONE_YEAR_MS,
        httpOnly: true,
        sameSite: 'lax',
        secure: opts.secureCookies,
      });
    }
    const fromHeader = req.originalUrl.startsWith('/api/')
      ? parseLocale(req.get('accept-language')?.split(',')[0])
      : undefined;
    const locale = fromQuery ?? parseLocale(langCookie(req)) ?? fromHeader ?? DEFAULT_LOCALE;
    req.locale = locale;
    // The JSON API renders no page: it needs the locale alone.
    if (!pages) return next();
    res.locals.locale = locale;
    const helpers = PAGE_HELPERS[locale];
    res.locals.t = helpers.t;
    res.locals.pick = helpers.pick;
    // Worked out when a page is rendered (the render copies it), not for a page answered as kept.
    Object.defineProperty(res.locals, 'switchLocaleUrl', {
      enumerable: true,
      configurable: true,
      get: () => switchLocaleUrl(req.originalUrl, locale),
    });
    res.locals.currentPath = req.path;
    next();
  };
}

/**
 * The switch's link of the pages asked lately, by language and URL: a rush asks for the same
 * few pages again and again. Bounded: dropped when full.
 */
const switchLinks = boundedMemo<string>(500);
/** Longer URLs are not kept (a long query string): worked out each time. */
const SWITCH_URL_KEPT = 300;

/** This page in the other language: the visible switch. */
function switchLocaleUrl(originalUrl: string, locale: Locale): string {
  if (originalUrl.length > SWITCH_URL_KEPT) return otherLanguageUrl(originalUrl, locale);
  const key = `${locale} ${originalUrl}`;
  return switchLinks.get(key) ?? switchLinks.keep(key, otherLanguageUrl(originalUrl, locale));
}

function otherLanguageUrl(originalUrl: string, locale: Locale): string {
  const other: Locale = locale === 'en' ? 'zh-CN' : 'en';
  // The path is appended to a fixed origin, never resolved against it: '//host/...' is a
  // path here, not another origin.
  const url = URL.parse(`http://x${pathOf(originalUrl)}`) ?? new URL('http://x/');
  url.searchParams.set('lang', other === 'en' ? 'en' : 'zh');
  return url.pathname + url.search;
}
