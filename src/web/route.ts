// The one way a route takes input: a schema in, a typed value out, then the use case and an
// answer. Nothing here catches an error but refuseFirst, which has the error handler's own
// steps show its refusal (refusedOnItsPage). A refusal (a schema that fails, a use case's
// AppError) goes to the one error handler (middleware/error-handler.ts), which gives it its
// status from the one table (web/refusal.ts) and, when the route said how its page shows a
// refusal, lets the page show it: the form again with what was typed, or a flash message on
// the page the visitor came from. Anything else is the error page, or the API's JSON error.
//
//   form()    a page's form: the use case, then a redirect; a refusal shows the form again
//   action()  a button: the use case and a flash, then a redirect; a refusal is an error flash
//   json()    an API endpoint: the use case and a JSON answer; a refusal is a JSON error
//   query()   what a page reads of its query string, leniently (a bad value is left out)
import type { Request, RequestHandler, Response } from 'express';
import type { z } from 'zod';
import type { MessageKey, MessageParams } from '../i18n/translate.ts';
import { type AppError, type ErrorCode, invalid } from '../services/errors.ts';
import { fieldMessages, formEcho } from './form-values.ts';
import { refusedOnItsPage } from './middleware/error-handler.ts';
import { REFUSALS, type Refusal } from './refusal.ts';

declare module 'express-serve-static-core' {
  interface Locals {
    /** How the page of this request shows a refusal (set by form() and action()). */
    refusal?: RefusalPage;
  }
}

export interface RefusalPage {
  /** The codes the page shows; any other error is the error page. */
  codes: ReadonlySet<string>;
  show(refusal: Refusal): void | Promise<void>;
}

/**
 * The page for a refusal of this request. The error handler runs outside the route's router,
 * where Express has put back the parameters of the app: the route's own come back first.
 */
function refusalPage(
  req: Request,
  codes: ReadonlySet<string>,
  show: (refusal: Refusal) => unknown,
): RefusalPage {
  const params = req.params;
  return {
    codes,
    show: async (refusal) => {
      req.params = params;
      await show(refusal);
    },
  };
}

type Source = 'body' | 'query' | 'params';
type Maybe = z.ZodType | undefined;
/** The value a schema gives (undefined for a route that takes no input). */
export type Input<S extends Maybe> = S extends z.ZodType ? z.output<S> : undefined;

function parse<S extends Maybe>(
  schema: S,
  req: Request,
  source: Source,
  whenInvalid?: () => AppError,
): Input<S> {
  if (!schema) return undefined as Input<S>;
  const parsed = schema.safeParse(req[source] ?? {});
  if (parsed.success) return parsed.data as Input<S>;
  throw whenInvalid ? whenInvalid() : invalid(fieldMessages(parsed.error));
}

function codesOf(extra: ErrorCode[] = []): ReadonlySet<string> {
  return new Set([...REFUSALS, ...extra]);
}

/** What a form shows again: its refusal, what was typed, and the page's context. */
export type Refused<C> = Refusal & { values: Record<string, unknown>; ctx: C };

export interface FormSpec<S extends Maybe, C> {
  schema: S;
  source?: Source;
  /** The refusal when the schema fails (default: `invalid` with its field messages). */
  whenInvalid?: () => AppError;
  /** What the page needs besides the form (the office, the day...). Its failures are the error page. */
  load?: (req: Request, res: Response) => C | Promise<C>;
  /** The page again, with the refusal, what was typed, and the context. */
  show: (req: Request, res: Response, refused: Refused<C>) => void | Promise<void>;
  /** The use case, then a redirect (post/redirect/get). */
  run: (input: Input<S>, req: Request, res: Response, ctx: C) => void | Promise<void>;
  /** Codes this page shows besides the ordinary refusals (a look-up's not_found, say). */
  shows?: ErrorCode[];
  /** What the form shows again of the body (default: its text fields). */
  values?: (req: Request) => Record<string, unknown>;
  /**
   * The page's context when `load` itself is refused with a code the page shows (the
   * database away): enough to show the form again as it was typed; null: the error page.
   */
  fallback?: (req: Request) => C | null;
}

/** How a form's page shows a refusal of this request: the form again, with what was typed. */
function formShows<S extends Maybe, C>(spec: FormSpec<S, C>) {
  const codes = codesOf(spec.shows);
  return (req: Request, res: Response, ctx: C) => {
    res.locals.refusal = refusalPage(req, codes, (refusal) =>
      spec.show(req, res, { ...refusal, ctx, values: spec.values?.(req) ?? formEcho(req.body) }),
    );
  };
}

/** A form: schema in, typed value out, the use case; a refusal shows the form again. */
export function form<S extends Maybe, C = undefined>(spec: FormSpec<S, C>): RequestHandler {
  const showWith = formShows(spec);
  return async (req, res) => {
    // Read and loaded already by refuseFirst, which found nothing to refuse: not again.
    const first = readFirst.get(req);
    if (first?.spec === spec) {
      showWith(req, res, first.ctx as C);
      await spec.run(first.input as Input<S>, req, res, first.ctx as C);
      return;
    }
    const ctx = await loadOrFallBack(spec, req, res, (fallback) => showWith(req, res, fallback));
    showWith(req, res, ctx);
    await spec.run(parse(spec.schema, req, spec.source ?? 'body', spec.whenInvalid), req, res, ctx);
  };
}

/** A form's input and context as refuseFirst read them, for the form() of the same spec. */
const readFirst = new WeakMap<Request, { spec: object; input: unknown; ctx: unknown }>();

/**
 * A refusal a form answers before what stands in front of it on its route (a limit that counts
 * the attempt): once the schema takes the input and `load` finds the page's context, `check`
 * may throw a refusal, and the form shows it again as form() would. Otherwise (nothing to
 * refuse, input the schema refuses, `load` failing) the request goes on, and is answered as
 * ever. `when` says whether there is anything to check at all, before the input is read. A
 * request it lets through is not read nor loaded again by the form() of the same spec.
 */
export function refuseFirst<S extends Maybe, C>(
  spec: FormSpec<S, C>,
  check: {
    when: (req: Request) => boolean;
    refuse: (input: Input<S>, req: Request, ctx: C) => Promise<void>;
  },
): RequestHandler {
  const showWith = formShows(spec);
  return async (req, res, next) => {
    if (!check.when(req)) return next();
    const parsed = spec.schema?.safeParse(req[spec.source ?? 'body'] ?? {});
    if (parsed && !parsed.success) return next();
    let ctx: C;
    try {
      ctx = (spec.load ? await spec.load(req, res) : undefined) as C;
    } catch {
      // The route loads it again and answers its failure, in its own order.
      return next();
    }
    showWith(req, res, ctx);
    try {
      await check.refuse(parsed?.data as Input<S>, req, ctx);
    } catch (err) {
      // Answered here, as the error handler would: not carried past every later route first.
      if (await refusedOnItsPage(err, req, res)) return;
      throw err;
    }
    res.locals.refusal = undefined;
    readFirst.set(req, { spec, input: parsed?.data, ctx });
    next();
  };
}

async function loadOrFallBack<S extends Maybe, C>(
  spec: FormSpec<S, C>,
  req: Request,
  res: Response,
  showWith: (ctx: C) => void,
): Promise<C> {
  if (!spec.load) return undefined as C;
  if (!spec.fallback) return spec.load(req, res);
  try {
    return await spec.load(req, res);
  } catch (err) {
    // The refusal still goes to the error handler, which shows it on the fallback page.
    const fallback = spec.fallback(req);
    if (fallback !== null) showWith(fallback);
    throw err;
  }
}

export interface ActionSpec<S extends Maybe, C> {
  /** What the action is on (the office, the booking), found before the input is read: its failures are the error page. */
  load?: (req: Request, res: Response) => C | Promise<C>;
  schema?: S;
  source?: Source;
  /** The refusal when the schema fails (default: `invalid` with its field messages). */
  whenInvalid?: () => AppError;
  /** The use case and its success flash. A path it returns is where to go instead of `back`. */
  run: (input: Input<S>, req: Request, res: Response, ctx: C) => unknown;
  /** Where the visitor lands (303), after a refusal always. */
  back: (req: Request, res: Response, ctx: C) => string;
  /** Codes this action flashes besides the ordinary refusals. */
  shows?: ErrorCode[];
  /** The flash of a refusal (default: the error's own message). */
  flash?: (refusal: Refusal) => { key: MessageKey; params?: MessageParams };
}

/** A button: the use case and a flash, then a redirect; a refusal is an error flash on the same page. */
export function action<S extends Maybe = undefined, C = undefined>(spec: ActionSpec<S, C>): RequestHandler {
  const codes = codesOf(spec.shows);
  return async (req, res) => {
    const ctx = (spec.load ? await spec.load(req, res) : undefined) as C;
    res.locals.refusal = refusalPage(req, codes, (refusal) => {
      const flash = spec.flash?.(refusal) ?? { key: refusal.key, params: refusal.params };
      res.flash('error', flash.key, flash.params);
      res.redirect(303, spec.back(req, res, ctx));
    });
    const input = parse(spec.schema as S, req, spec.source ?? 'body', spec.whenInvalid);
    const next = await spec.run(input, req, res, ctx);
    res.redirect(303, typeof next === 'string' ? next : spec.back(req, res, ctx));
  };
}

export interface JsonSpec<S extends Maybe, C> {
  /** What the endpoint acts on (a booking named by its token), found before the input is read. */
  load?: (req: Request, res: Response) => C | Promise<C>;
  schema?: S;
  source?: Source;
  /** The refusal when the schema fails (default: `invalid` with its field messages). */
  whenInvalid?: () => AppError;
  /** The input as an earlier step of this request already parsed it with the same schema, if it did. */
  parsed?: (req: Request) => Input<S> | undefined;
  run: (input: Input<S>, req: Request, res: Response, ctx: C) => void | Promise<void>;
}

/** An API endpoint: schema in, typed value out; every refusal is the error handler's JSON answer. */
export function json<S extends Maybe = undefined, C = undefined>(spec: JsonSpec<S, C>): RequestHandler {
  return async (req, res) => {
    const ctx = (spec.load ? await spec.load(req, res) : undefined) as C;
    const input = spec.parsed?.(req) ?? parse(spec.schema as S, req, spec.source ?? 'body', spec.whenInvalid);
    await spec.run(input, req, res, ctx);
  };
}

/** What a page reads of its query string: the schema's value, or `fallback` when it does not parse. */
export function query<S extends z.ZodType>(req: Request, schema: S, fallback: z.output<S>): z.output<S> {
  const parsed = schema.safeParse(req.query ?? {});
  return parsed.success ? parsed.data : fallback;
}
