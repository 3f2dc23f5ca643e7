// The API's JSON error answer, `{ "error": { code, message, fields?, ...offers } }`, written one
// way for every refusal: by the error handler, and by the API's "full" answered as soon as a
// booking asks for a slot remembered full (routes/booking/api-routes.ts), so both are the same
// bytes under the same headers. On a peak day most answers are that "full": its body (the
// message in the visitor's language and the open slots offered instead) is serialized once per
// list of alternatives and message, and the API's own "full" (answerFull) finds the status and
// body kept for them without describing the error again. The schedule keeps a slot's
// alternatives for at most a second (schedule-context.ts) and forgets them when a place is
// freed; a new list is a new key, so a kept body is never older than the alternatives it was
// made from.
import type { Response } from 'express';
import type { SlotAlternative } from '../domain/slot-alternatives.ts';
import type { Locale } from '../i18n/locales.ts';
import { translate } from '../i18n/translate.ts';
import type { AppError } from '../services/errors.ts';
import { describeError, type Refusal } from './refusal.ts';

const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * Status and body of "full" answers, by the alternatives they offer, then by their message (in
 * the visitor's language): the error handler's and the API's own "full" keep and find them here.
 */
const fullAnswers = new WeakMap<readonly SlotAlternative[], Map<string, { status: number; body: Buffer }>>();

function serialize(refusal: Refusal): Buffer {
  const { code, message } = refusal;
  const fields = Object.keys(refusal.fields).length ? refusal.fields : undefined;
  const offers = refusal.error?.offers ?? {};
  return Buffer.from(JSON.stringify({ error: { code, message, ...(fields ? { fields } : {}), ...offers } }));
}

/**
 * The alternatives that, with its message (key and language), are all that makes a refusal's
 * answer: those of a "full" without parameters or field messages (every "full" the booking
 * gives); undefined for any other refusal.
 */
function madeOfAlternatives(
  code: string,
  alternatives: readonly SlotAlternative[] | undefined,
  params: object,
  fields: object,
): readonly SlotAlternative[] | undefined {
  return code === 'slot_full' && !Object.keys(params).length && !Object.keys(fields).length
    ? alternatives
    : undefined;
}

/** The body of a refusal's JSON answer. */
export function jsonRefusalBody(refusal: Refusal): Buffer {
  const error = refusal.error;
  const alternatives = madeOfAlternatives(
    refusal.code,
    error?.offers.alternatives,
    refusal.params,
    refusal.fields,
  );
  if (!alternatives) return serialize(refusal);
  let answers = fullAnswers.get(alternatives);
  if (!answers) {
    answers = new Map();
    fullAnswers.set(alternatives, answers);
  }
  // Besides the alternatives, the message (in the visitor's language) is all that differs.
  let kept = answers.get(refusal.message);
  if (!kept) {
    kept = { status: refusal.status, body: serialize(refusal) };
    answers.set(refusal.message, kept);
  }
  return kept.body;
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
 * error handler gives it. A "full" answered before for its alternatives and message is not
 * described again. Nothing is answered when the request was answered meanwhile (at its
 * deadline).
 */
export function answerFull(res: Response, error: AppError, locale: Locale): void {
  if (res.headersSent) return;
  // For the request metrics (a "full" answer is counted by its code), as the error handler says.
  res.locals.refusalCode = error.code;
  const alternatives = madeOfAlternatives(error.code, error.offers.alternatives, error.params, error.fields);
  const kept = alternatives && fullAnswers.get(alternatives)?.get(translate(locale, error.messageKey));
  if (kept) sendJson(res, kept.status, kept.body);
  else sendJsonRefusal(res, describeError(error, locale));
}
