// The one place that turns an error into an answer: its status and messages come from
// web/refusal.ts; a route that said how its page shows a refusal (web/route.ts: the form
// again, or an error flash) gets to show it; any other error is the error page, or the
// API's JSON error.
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { DEFAULT_LOCALE, type Locale } from '../../i18n/locales.ts';
import { translate } from '../../i18n/translate.ts';
import type { StorageHealth } from '../../lib/database-errors.ts';
import { AppError } from '../../services/errors.ts';
import { formEcho, formInputs } from '../form-values.ts';
import { sendJsonRefusal } from '../json-refusal.ts';
import { describeError, type Refusal } from '../refusal.ts';

export function wantsJson(req: Request): boolean {
  // Within the API's router the path is what follows its mount point (/api/v1).
  return (
    req.baseUrl.startsWith('/api/') ||
    req.path.startsWith('/api/') ||
    (req.accepts(['html', 'json']) === 'json' && !req.accepts('html'))
  );
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

interface HandlerDeps {
  logger: Logger;
  storage: StorageHealth;
}

export function errorHandler(deps: HandlerDeps) {
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

function answer({ logger, storage }: HandlerDeps) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    // The handler of a request answered at its deadline tried to answer after all: nothing to say.
    if (res.locals.answeredAtDeadline && res.headersSent) return;
    const refusal = describeError(err, req.locale ?? DEFAULT_LOCALE);
    if (refusal.code === 'unavailable' && !(err instanceof AppError)) {
      storage.note(err);
      const { name, message } = err as Error;
      logger.warn({ err: { name, message } }, 'database unavailable');
    } else if (refusal.status === 500) {
      logger.error({ err }, 'unhandled error');
    }
    if (res.headersSent) return;
    // For the request metrics (a "full" answer is counted by its code).
    res.locals.refusalCode = refusal.code;
    if (refusal.status === 503) res.set('Retry-After', '5');
    if (refusal.code === 'rate_limited' && !res.get('Retry-After') && refusal.params.seconds !== undefined)
      res.set('Retry-After', String(refusal.params.seconds));
    const page = pageShowing(res, refusal);
    if (!page) return respond(logger, req, res, refusal);
    // Shown once: should the page itself fail, the ordinary answer follows.
    res.locals.refusal = undefined;
    void Promise.resolve()
      .then(() => page.show(refusal))
      .catch((failure: unknown) => {
        logger.error({ err: failure }, 'refusal page failed to render');
        respond(logger, req, res, refusal);
      });
  };
}

/** The page of this request that shows the refusal, if the route said one does. */
function pageShowing(res: Response, refusal: Refusal) {
  const page = res.locals.refusal;
  return page?.codes.has(refusal.code) ? page : undefined;
}

/**
 * A use case's refusal answered by the route where it was found, on the page that shows it,
 * as this handler would answer it (status, page, request metrics), rather than passed down
 * every later layer of the router first: false when it is not such a refusal (one the page
 * does not show, one answered with headers of its own) or the page fails, and then this
 * handler answers it as ever.
 */
export async function refusedOnItsPage(err: unknown, req: Request, res: Response): Promise<boolean> {
  if (!(err instanceof AppError) || res.headersSent) return false;
  const refusal = describeError(err, req.locale ?? DEFAULT_LOCALE);
  const page = pageShowing(res, refusal);
  if (!page || refusal.status === 503 || refusal.code === 'rate_limited') return false;
  res.locals.refusalCode = refusal.code;
  res.locals.refusal = undefined;
  try {
    await page.show(refusal);
    return true;
  } catch {
    // The handler shows it once more, says why it failed, and gives the ordinary answer.
    res.locals.refusal = page;
    return false;
  }
}

/** The error page, or the JSON error of the API. */
function respond(logger: Logger, req: Request, res: Response, refusal: Refusal): void {
  if (res.headersSent) return;
  const locale = req.locale ?? DEFAULT_LOCALE;
  const { status, code, message } = refusal;
  const fields = Object.keys(refusal.fields).length ? refusal.fields : undefined;
  if (wantsJson(req)) {
    sendJsonRefusal(res, refusal);
    return;
  }
  // Before the page helpers are installed (a refused request target), or when the page
  // itself fails to render, the plain page answers.
  const plain = () => plainErrorPage(res, locale, status, message);
  if (typeof res.renderPage !== 'function' || typeof res.locals.t !== 'function') {
    plain();
    return;
  }
  res.renderPage(
    'errors/error',
    { title: translate(locale, 'error.title'), status, code, message, fields, ...resubmission(req, status) },
    status,
    (renderErr) => {
      logger.error({ err: renderErr }, 'error page failed to render');
      plain();
    },
  );
}

/** A form the database could not take: the page keeps what was typed and sends it again. */
function resubmission(req: Request, status: number) {
  if (status !== 503 || req.method !== 'POST' || !req.is('application/x-www-form-urlencoded')) return {};
  return {
    resubmit: {
      action: req.originalUrl,
      inputs: formInputs(formEcho(req.body)).filter(([name]) => name !== '_csrf'),
    },
  };
}

export function notFoundHandler(_req: Request, _res: Response, next: NextFunction) {
  next(new AppError('not_found', 'error.404'));
}
