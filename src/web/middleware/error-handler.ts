import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { DEFAULT_LOCALE, type Locale } from '../../i18n/locales.ts';
import { translate } from '../../i18n/translate.ts';
import { isDatabaseUnavailable, type StorageHealth } from '../../lib/database-errors.ts';
import { AppError, type ErrorCode } from '../../services/errors.ts';
import { formEcho } from './validate.ts';

const STATUS: Record<ErrorCode, number> = {
  invalid: 422,
  not_found: 404,
  slot_full: 409,
  already_booked: 409,
  conflict: 409,
  forbidden: 403,
  unauthorized: 401,
  rate_limited: 429,
  booking_not_open: 422,
  booking_closed: 422,
  no_show_blocked: 422,
  not_eligible: 422,
  unavailable: 503,
};

export function statusOf(code: ErrorCode): number {
  return STATUS[code];
}

export function wantsJson(req: Request): boolean {
  return req.path.startsWith('/api/') || (req.accepts(['html', 'json']) === 'json' && !req.accepts('html'));
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The error page without views or layout: for an error that comes before the page helpers
 * are installed (a malformed request target), or when the error page itself cannot render.
 * It says what the ordinary page says and nothing of the server's insides.
 */
function plainErrorPage(res: Response, locale: Locale, status: number, message: string): void {
  if (res.headersSent) return;
  const title = escapeHtml(translate(locale, 'error.title'));
  res
    .status(status)
    .type('html')
    .send(
      `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><title>${title}</title></head>` +
        `<body><h1>${status} ${title}</h1><p>${escapeHtml(message)}</p>` +
        `<p><a href="/">${escapeHtml(translate(locale, 'error.home'))}</a></p></body></html>`,
    );
}

/** The one place that turns an error into a status, a message in the user's language, and a page or JSON body. */
export function errorHandler(deps: { logger: Logger; storage: StorageHealth }) {
  const { logger } = deps;
  const handle = answer(deps);
  // Whatever goes wrong in here, Express's own handler (a stack trace outside production)
  // must never answer instead.
  return (err: unknown, req: Request, res: Response, next: NextFunction) => {
    try {
      handle(err, req, res, next);
    } catch (failure) {
      logger.error({ err: failure }, 'error handler failed');
      plainErrorPage(res, req.locale ?? DEFAULT_LOCALE, 500, translate(DEFAULT_LOCALE, 'error.500'));
    }
  };
}

function answer({ logger, storage }: { logger: Logger; storage: StorageHealth }) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const locale = req.locale ?? DEFAULT_LOCALE;
    let status: number;
    let code: string;
    let message: string;
    let fields: Record<string, string> | undefined;
    if (err instanceof AppError) {
      status = statusOf(err.code);
      code = err.code;
      message = translate(locale, err.messageKey, err.params);
      if (Object.keys(err.fields).length) {
        fields = Object.fromEntries(
          Object.entries(err.fields).map(([k, f]) => [k, translate(locale, f.key, f.params)]),
        );
      }
    } else if ((err as { code?: string })?.code === 'EBADCSRFTOKEN') {
      status = 403;
      code = 'csrf';
      message = translate(locale, 'error.csrf');
    } else if (isDatabaseUnavailable(err)) {
      storage.note(err);
      status = 503;
      code = 'unavailable';
      message = translate(locale, 'error.503');
      logger.warn(
        { err: { name: (err as Error).name, message: (err as Error).message } },
        'database unavailable',
      );
    } else if (
      typeof (err as { status?: number })?.status === 'number' &&
      (err as { status: number }).status < 500
    ) {
      status = (err as { status: number }).status;
      code = status === 413 ? 'too_large' : status === 404 ? 'not_found' : 'bad_request';
      message = translate(locale, `error.${status}`);
      if (message === `error.${status}`) message = translate(locale, 'error.400');
    } else {
      status = 500;
      code = 'internal';
      message = translate(locale, 'error.500');
      logger.error({ err }, 'unhandled error');
    }
    if (res.headersSent) return;
    if (status === 503) res.set('Retry-After', '5');
    if (wantsJson(req)) {
      res.status(status).json({ error: { code, message, ...(fields ? { fields } : {}) } });
      return;
    }
    // Before the page helpers are installed (a refused request target), or when the page
    // itself fails to render, the plain page answers.
    const plain = () => plainErrorPage(res, locale, status, message);
    if (typeof res.renderPage !== 'function' || typeof res.locals.t !== 'function') return plain();
    res.renderPage(
      'errors/error',
      {
        title: translate(locale, 'error.title'),
        status,
        code,
        message,
        fields,
        // A form the database could not take: the page keeps what was typed and sends it again.
        ...(status === 503 && req.method === 'POST' && req.is('application/x-www-form-urlencoded')
          ? {
              resubmit: {
                action: req.originalUrl,
                inputs: formInputs(formEcho(req.body)).filter(([name]) => name !== '_csrf'),
              },
            }
          : {}),
      },
      status,
      (renderErr) => {
        logger.error({ err: renderErr }, 'error page failed to render');
        plain();
      },
    );
  };
}

/** A form's fields as the hidden inputs that post them again (partners[0][name] and so on). */
export function formInputs(values: Record<string, unknown>, prefix = ''): [string, string][] {
  const out: [string, string][] = [];
  for (const [key, value] of Object.entries(values)) {
    const name = prefix ? `${prefix}[${key}]` : key;
    if (typeof value === 'string') out.push([name, value]);
    else if (value && typeof value === 'object')
      out.push(...formInputs(value as Record<string, unknown>, name));
  }
  return out;
}

export function notFoundHandler(_req: Request, _res: Response, next: NextFunction) {
  next(new AppError('not_found', 'error.404'));
}
