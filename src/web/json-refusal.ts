// The API's JSON error answer, `{ "error": { code, message, fields?, ...offers } }`, written one
// way for every refusal: by the error handler, and by the API's "full" answered as soon as a
// booking asks for a slot remembered full (routes/booking/api-routes.ts), so both are the same
// bytes under the same headers. On a peak day most answers are that "full": its body (the
// message in the visitor's language and the open slots offered instead) is serialized once per
// list of alternatives and language. The schedule keeps a slot's alternatives for at most a
// second (schedule-context.ts) and forgets them when a place is freed; a new list is a new key,
// so a kept body is never older than the alternatives it was made from.
import type { Response } from 'express';
import type { SlotAlternative } from '../domain/slot-alternatives.ts';
import type { Locale } from '../i18n/locales.ts';
import type { AppError } from '../services/errors.ts';
import { describeError, type Refusal } from './refusal.ts';

const JSON_TYPE = 'application/json; charset=utf-8';

/** Bodies of "full" answers, by the alternatives they offer, then by their message. */
const fullBodies = new WeakMap<readonly SlotAlternative[], Map<string, Buffer>>();

function serialize(refusal: Refusal): Buffer {
  const { code, message } = refusal;
  const fields = Object.keys(refusal.fields).length ? refusal.fields : undefined;
  const offers = refusal.error?.offers ?? {};
  return Buffer.from(JSON.stringify({ error: { code, message, ...(fields ? { fields } : {}), ...offers } }));
}

/** The body of a refusal's JSON answer. */
export function jsonRefusalBody(refusal: Refusal): Buffer {
  const error = refusal.error;
  const alternatives = error?.offers.alternatives;
  // Kept only when nothing but the alternatives and the language makes it: a "full" without
  // parameters or field messages (every "full" the booking gives).
  if (
    refusal.code !== 'slot_full' ||
    !alternatives ||
    Object.keys(refusal.fields).length ||
    Object.keys(refusal.params).length
  )
    return serialize(refusal);
  let bodies = fullBodies.get(alternatives);
  if (!bodies) {
    bodies = new Map();
    fullBodies.set(alternatives, bodies);
  }
  // Besides the alternatives, the message (in the visitor's language) is all that differs.
  let body = bodies.get(refusal.message);
  if (!body) {
    body = serialize(refusal);
    bodies.set(refusal.message, body);
  }
  return body;
}

/**
 * Writes a refusal as the API's JSON answer, with the headers Express's `res.json` gave it
 * (`Content-Type`, `Content-Length`; no ETag on dynamic answers), and no body to a HEAD.
 */
export function sendJsonRefusal(res: Response, refusal: Refusal): void {
  const body = jsonRefusalBody(refusal);
  res.statusCode = refusal.status;
  res.setHeader('Content-Type', JSON_TYPE);
  res.setHeader('Content-Length', String(body.length));
  if (res.req.method === 'HEAD') res.end();
  else res.end(body);
}

/**
 * A "full" from the API's booking, answered where it was found rather than passed down the
 * router to the error handler: the same status, body, headers and request metrics as the
 * error handler gives it. Nothing is answered when the request was answered meanwhile (at its
 * deadline).
 */
export function answerFull(res: Response, error: AppError, locale: Locale): void {
  if (res.headersSent) return;
  const refusal = describeError(error, locale);
  // For the request metrics (a "full" answer is counted by its code), as the error handler says.
  res.locals.refusalCode = refusal.code;
  sendJsonRefusal(res, refusal);
}
