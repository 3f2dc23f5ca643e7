// A form's body as browsers send it (`application/x-www-form-urlencoded`, UTF-8 if a charset is
// named, not compressed, its length given) is read by the app itself (plain-body.ts), and
// parsed by qs with the options body-parser's extended parser gives it, so that the value is
// the one body-parser gave (bracketed keys, arrays, `+` and %-escapes alike). Anything else goes
// to body-parser as before. The refusals are body-parser's, by status and type: a body whose
// bytes, escapes decoded, are not UTF-8 (400, utf8-body.ts), too many parameters (413), keys
// nested too deep (400), a body cut short (400).
import type { RequestHandler } from 'express';
import qs from 'qs';
import { plainBodyFirst, refusal, utf8Text } from './plain-body.ts';
import { formBytes } from './utf8-body.ts';

/** The types read here: what other spelling a client sends goes to body-parser. */
const PLAIN_FORM = /^application\/x-www-form-urlencoded(?:; ?charset=utf-8)?$/i;
/** body-parser's depth of nested keys for an extended parser. */
const DEPTH = 32;

/** The options body-parser (2.x, extended) gives qs. */
export interface FormOptions {
  /** Most parameters a body may hold (413 beyond). */
  parameterLimit: number;
  /** In bytes. */
  limit: number;
}

/** How many parameters the body holds, counted as body-parser counts them; undefined past `limit`. */
function parameterCount(body: string, limit: number): number | undefined {
  let count = 0;
  let index = -1;
  do {
    count++;
    if (count > limit) return undefined;
    index = body.indexOf('&', index + 1);
  } while (index !== -1);
  return count;
}

/** The form's value as body-parser's extended parser gives it, or its refusal thrown. */
export function formOf(bytes: Buffer, parameterLimit: number): unknown {
  // The bytes its escapes stand for are checked too, as body-parser's check of a form does.
  const text = utf8Text(bytes, formBytes(bytes));
  if (text.length === 0) return {};
  const count = parameterCount(text, parameterLimit);
  if (count === undefined) throw refusal('too many parameters', 'parameters.too.many', undefined, 413);
  try {
    return qs.parse(text, {
      allowPrototypes: true,
      arrayLimit: Math.max(100, count),
      depth: DEPTH,
      charset: 'utf-8',
      parameterLimit,
      strictDepth: true,
    });
  } catch (err) {
    if (err instanceof RangeError)
      throw refusal('The input exceeded the depth', 'querystring.parse.rangeError');
    throw refusal((err as Error).message, 'entity.parse.failed', err as Error);
  }
}

/** `fallback` (body-parser's form parser, then the JSON parser) for what is not read here. */
export function plainFormFirst(fallback: RequestHandler, opts: FormOptions): RequestHandler {
  return plainBodyFirst(fallback, {
    type: PLAIN_FORM,
    limit: opts.limit,
    parse: (bytes) => formOf(bytes, opts.parameterLimit),
  });
}
