import type { NextFunction, Request, Response } from 'express';
import { DateTime } from 'luxon';
import type { Config } from '../config.ts';
import type { Locale } from '../i18n/locales.ts';
import { type MessageParams, translate } from '../i18n/translate.ts';

declare module 'express-serve-static-core' {
  interface Response {
    /** Shows a message on the next page (post/redirect/get), in the visitor's language. */
    flash(kind: 'success' | 'error' | 'info', key: string, params?: MessageParams): void;
  }
}

const FLASH_COOKIE = 'flash';

export function formatDate(date: string, locale: Locale): string {
  const d = DateTime.fromISO(date, { locale: locale === 'en' ? 'en-GB' : 'zh-CN' });
  if (!d.isValid) return date;
  return locale === 'en'
    ? d.toFormat('ccc d LLL yyyy')
    : `${d.toFormat('yyyy年M月d日')} ${translate(locale, `weekday.${d.weekday}`)}`;
}

export function formatInstant(at: Date | string, zone: string, locale: Locale): string {
  const d = DateTime.fromJSDate(new Date(at), { zone });
  return `${formatDate(d.toISODate()!, locale)} ${d.toFormat('HH:mm')}`;
}

export function viewHelpers(config: Readonly<Config>) {
  return (req: Request, res: Response, next: NextFunction) => {
    const locale = req.locale;
    res.locals.baseUrl = config.baseUrl;
    res.locals.formatDate = (date: string) => formatDate(date, locale);
    res.locals.formatInstant = (at: Date | string, zone: string) => formatInstant(at, zone, locale);
    res.locals.formatMonth = (month: string) => {
      const d = DateTime.fromISO(`${month}-01`, { locale: locale === 'en' ? 'en-GB' : 'zh-CN' });
      return !d.isValid ? month : locale === 'en' ? d.toFormat('LLLL yyyy') : d.toFormat('yyyy年M月');
    };
    res.locals.colon = locale === 'en' ? ': ' : '：';
    res.locals.fields = {};
    res.locals.values = {};
    const raw = req.signedCookies?.[FLASH_COOKIE];
    if (typeof raw === 'string') {
      try {
        const f = JSON.parse(raw) as { kind: string; key: string; params?: MessageParams };
        res.locals.flash = { kind: f.kind, text: translate(locale, f.key, f.params) };
      } catch {
        /* a malformed flash is simply dropped */
      }
      res.clearCookie(FLASH_COOKIE);
    }
    res.flash = (kind, key, params) => {
      res.cookie(FLASH_COOKIE, JSON.stringify({ kind, key, params }), {
        signed: true,
        httpOnly: true,
        sameSite: 'lax',
        secure: config.cookieSecure,
        maxAge: 60_000,
      });
    };
    next();
  };
}
