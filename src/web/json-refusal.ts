// The API's JSON error answer, `{ "error": { code, message, fields?, ...offers } }`, written one
// way for every refusal: by the error handler, and by the API's "full" answered as soon as a
// booking asks for a slot remembered full (routes/booking/api-routes.ts), so both are the same
// bytes under the same headers. On a peak day most answers are that "full": its body (the
// message in the visitor's language and the open slots offered instead) is serialized once per
// list of alternatives and language, and the API's own "full" (answerFull) takes the status and
// body kept for its alternatives, message and language without describing the error again. The
// schedule keeps a slot's alternatives for at most a second (schedule-context.ts) and forgets
// them when a place is freed; a new list is a new key, so a kept body is never older than the
// alternatives it was made from.
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

/**
 * Whether nothing but its alternatives and its message (key and language) makes a refusal's
 * answer: a "full" without parameters or field messages (every "full" the booking gives).
 */
function madeOfAlternatives(
  code: string,
  alternatives: readonly SlotAlternative[] | undefined,
  params: object,
  fields: object,
): boolean {
  return (
    code === 'slot_full' &&
    alternatives !== undefined &&
    !Object.keys(params).length &&
    !Object.keys(fields).length
  );
}

/** The body of a refusal's JSON answer. */
export function jsonRefusalBody(refusal: Refusal): Buffer {
  const error = refusal.error;
  const alternatives = error?.offers.alternatives;
  if (!alternatives || !madeOfAlternatives(refusal.code, alternatives, refusal.params, refusal.fields))
    return serialize(refusal);
  const bodies = inner(fullBodies, alternatives);
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
  sendJson(res, refusal.status, jsonRefusalBody(refusal));
}

function sendJson(res: Response, status: number, body: Buffer): void {
  res.statusCode = status;
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
  // For the request metrics (a "full" answer is counted by its code), as the error handler says.
  res.locals.refusalCode = error.code;
  const kept = keptFullAnswer(error, locale);
  if (kept) sendJson(res, kept.status, kept.body);
  else {
    const refusal = describeError(error, locale);
    remember(error, locale, refusal);
    sendJsonRefusal(res, refusal);
  }
}

/**
 * The status and body of "full" answers, by the alternatives they offer, then their message key
 * and language: what describeError and jsonRefusalBody make of them, kept (with the bodies
 * above) rather than made again for each couple refused. Only a "full" whose message has no
 * parameters and no field messages is kept: the alternatives, key and language are all it holds.
 */
const fullAnswers = new WeakMap<
  readonly SlotAlternative[],
  Map<string, Map<Locale, { status: number; body: Buffer }>>
>();

function keptFullAnswer(error: AppError, locale: Locale) {
  const alternatives = error.offers.alternatives;
  return alternatives && fullAnswers.get(alternatives)?.get(error.messageKey)?.get(locale);
}

function remember(error: AppError, locale: Locale, refusal: Refusal): void {
  const alternatives = error.offers.alternatives;
  if (!alternatives || !madeOfAlternatives(error.code, alternatives, error.params, error.fields)) return;
  const byLocale = inner(inner(fullAnswers, alternatives), error.messageKey);
  byLocale.set(locale, { status: refusal.status, body: jsonRefusalBody(refusal) });
}

/** The map kept under `key` in `outer`, made empty the first time. */
function inner<K, IK, IV>(
  outer: { get(key: K): Map<IK, IV> | undefined; set(key: K, value: Map<IK, IV>): unknown },
  key: K,
): Map<IK, IV> {
  let map = outer.get(key);
  if (!map) {
    map = new Map();
    outer.set(key, map);
  }
  return map;
}
