// A JSON body as nearly every client sends it (`application/json`, UTF-8 if a charset is named,
// not compressed, its length given) is read by the app itself (plain-body.ts); anything else goes
// to body-parser as before. What is read here ends as body-parser's would: the same value (a byte
// order mark dropped, an empty body as {}), and the same refusals, by status and type (a body
// not UTF-8, not an object or array, malformed, or cut short by a client that went away: 400).
import type { RequestHandler } from 'express';
import { plainBodyFirst, refusal, utf8Text } from './plain-body.ts';

/** The types read here: what other spelling a client sends goes to body-parser. */
const PLAIN_JSON = /^application\/json(?:; ?charset=utf-8)?$/i;

/** The body as body-parser's strict JSON parser gives it: `{}` for nothing, else an object or array. */
export function parseJsonBody(text: string): unknown {
  if (text.length === 0) return {};
  // The first character that is not JSON's whitespace (RFC 8259: space, tab, line feed, return).
  const first = text[0] === '{' || text[0] === '[' ? text[0] : /[^ \t\n\r]/.exec(text)?.[0];
  if (first !== '{' && first !== '[')
    throw refusal('JSON body must be an object or an array', 'entity.parse.failed', new SyntaxError());
  try {
    return JSON.parse(text);
  } catch (err) {
    throw refusal((err as Error).message, 'entity.parse.failed', err as Error);
  }
}

/** The JSON body's value: its text UTF-8 checked, a byte order mark dropped (utf8Text). */
const jsonOf = (bytes: Buffer): unknown => parseJsonBody(utf8Text(bytes));

/**
 * `fallback` (body-parser's JSON parser) for what is not read here; `limit` is its limit in
 * bytes: a longer body goes to it, which refuses it (413) as before.
 */
export function plainJsonFirst(fallback: RequestHandler, limit: number): RequestHandler {
  return plainBodyFirst(fallback, { type: PLAIN_JSON, limit, parse: jsonOf });
}
