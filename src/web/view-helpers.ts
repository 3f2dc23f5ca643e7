import type { NextFunction, Request, Response } from 'express';
import type { Config } from '../config.ts';
import { localDateOf, localTimeOf } from '../domain/local-time.ts';
import { formatDate, formatInstant, formatMonth, formatShortDate } from '../i18n/format.ts';
import { LOCALES, type Locale } from '../i18n/locales.ts';
import { hasMessage, type MessageKey, type MessageParams, translate } from '../i18n/translate.ts';
import { errorLinks, fieldErrorHtml, invalidAttributes } from './form-errors.ts';

declare module 'express-serve-static-core' {
  interface Response {
    /** Shows a message on the next page (post/redirect/get), in the visitor's language. */
    flash(kind: 'success' | 'error' | 'info', key: MessageKey, params?: MessageParams): void;
  }
}

const FLASH_COOKIE = 'flash';

/** The helpers of one language: the same for every page in it, made once. */
function helpersIn(locale: Locale, baseUrl: string) {
  return {
    baseUrl,
    formatDate: (date: string) => formatDate(date, locale),
    formatInstant: (at: Date | string, zone: string) => formatInstant(at, zone, locale),
    formatMonth: (month: string) => formatMonth(month, locale),
    /** An instant in the office's zone as two short parts for a calendar cell: 8月12日, 09:00. */
    shortInstant: (at: Date | string, zone: string) => [
      formatShortDate(localDateOf(at, zone), locale),
      localTimeOf(at, zone),
    ],
    localTime: localTimeOf,
    colon: locale === 'en' ? ': ' : '：',
    invalid: invalidAttributes,
    fieldError: fieldErrorHtml,
    errorLinks: (fields: Record<string, string> | undefined) => errorLinks(fields, locale),
  };
}

export function viewHelpers(config: Readonly<Config>) {
  const helpers = new Map(LOCALES.map((locale) => [locale, helpersIn(locale, config.baseUrl)]));
  // Shared by every response: the response is `this` (res.flash(...)).
  function flash(
    this: Response,
    kind: 'success' | 'error' | 'info',
    key: MessageKey,
    params?: MessageParams,
  ) {
    this.cookie(FLASH_COOKIE, JSON.stringify({ kind, key, params }), {
      signed: true,
      httpOnly: true,
      sameSite: 'lax',
      secure: config.cookieSecure,
      maxAge: 60_000,
    });
  }
  return (req: Request, res: Response, next: NextFunction) => {
    const locale = req.locale;
    Object.assign(res.locals, helpers.get(locale));
    res.locals.fields = {};
    res.locals.values = {};
    const raw = req.signedCookies?.[FLASH_COOKIE];
    if (typeof raw === 'string') {
      try {
        const f = JSON.parse(raw) as { kind: string; key: string; params?: MessageParams };
        if (hasMessage(f.key)) res.locals.flash = { kind: f.kind, text: translate(locale, f.key, f.params) };
      } catch {
        /* a malformed flash is simply dropped */
      }
      res.clearCookie(FLASH_COOKIE);
    }
    res.flash = flash;
    next();
  };
}
