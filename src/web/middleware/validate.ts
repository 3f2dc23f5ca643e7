import type { NextFunction, Request, Response } from 'express';
import type { z } from 'zod';
import { hasMessage } from '../../i18n/translate.ts';
import { type FieldMessage, invalid } from '../../services/errors.ts';

type Source = 'body' | 'query' | 'params';

declare module 'express-serve-static-core' {
  interface Request {
    valid: Record<string, unknown>;
  }
}

/** Maps zod issues to field messages with keys the views and the API translate. */
export function fieldMessages(error: z.ZodError): Record<string, FieldMessage> {
  const fields: Record<string, FieldMessage> = {};
  for (const issue of error.issues) {
    const path = issue.path.join('.') || '_';
    if (fields[path]) continue;
    // Schemas name a message key as their error text (e.g. { error: 'field.invalid_date' }).
    if (hasMessage(issue.message)) fields[path] = { key: issue.message };
    else if (issue.code === 'too_big' && issue.origin === 'string')
      fields[path] = { key: 'field.too_long', params: { max: Number(issue.maximum) } };
    else if (issue.code === 'invalid_type' && issue.input === undefined)
      fields[path] = { key: 'field.required' };
    else if (issue.code === 'too_small' && issue.origin === 'string' && Number(issue.minimum) === 1)
      fields[path] = { key: 'field.required' };
    else if (issue.code === 'invalid_format' && issue.format === 'email')
      fields[path] = { key: 'field.invalid_email' };
    else fields[path] = { key: 'field.invalid' };
  }
  return fields;
}

/**
 * What a refused form shows again: text only, at most a few levels deep. A crafted body
 * ({ name: { toString: '' } }) would otherwise make the page fail to render.
 */
export function formEcho(input: unknown, depth = 0): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (input === null || typeof input !== 'object' || depth > 3) return out;
  for (const [k, v] of Object.entries(input)) {
    // An echoed object may be printed as text: it must keep the ordinary toString/valueOf.
    if (k === 'toString' || k === 'valueOf' || k === '__proto__' || k === 'constructor') continue;
    if (typeof v === 'string') out[k] = v;
    else if (v !== null && typeof v === 'object') out[k] = formEcho(v, depth + 1);
  }
  return out;
}

/** Parses req[source] with the schema; the typed result is in req.valid, failures become an `invalid` AppError. */
export function validate<S extends z.ZodType>(schema: S, source: Source = 'body') {
  return (req: Request, _res: Response, next: NextFunction) => {
    const parsed = schema.safeParse(req[source] ?? {});
    if (!parsed.success) return next(invalid(fieldMessages(parsed.error)));
    req.valid = { ...(req.valid ?? {}), ...(parsed.data as Record<string, unknown>) };
    next();
  };
}
