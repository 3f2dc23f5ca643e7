import type { NextFunction, Request, Response } from 'express';
import { DEFAULT_LOCALE, type Locale, parseLocale } from '../../i18n/locales.ts';
import { pick, translator } from '../../i18n/translate.ts';
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

/**
 * Chinese unless the visitor switched: `?lang=en` (the visible switch) sets a cookie that
 * is remembered. The API may also say `Accept-Language`, since kiosks cannot click a switch.
 */
export function localeMiddleware(opts: { secureCookies: boolean; pages?: boolean }) {
  const pages = opts.pages ?? true;
  return (req: Request, res: Response, next: NextFunction) => {
    const fromQuery = parseLocale(req.query.lang);
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
    res.locals.t = translator(locale);
    res.locals.pick = (v: { zh: string; en?: string } | undefined) => pick(v, locale);
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

/** This page in the other language: the visible switch. */
function switchLocaleUrl(originalUrl: string, locale: Locale): string {
  const other: Locale = locale === 'en' ? 'zh-CN' : 'en';
  // The path is appended to a fixed origin, never resolved against it: '//host/...' is a
  // path here, not another origin.
  const url = URL.parse(`http://x${pathOf(originalUrl)}`) ?? new URL('http://x/');
  url.searchParams.set('lang', other === 'en' ? 'en' : 'zh');
  return url.pathname + url.search;
}
