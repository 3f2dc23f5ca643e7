// A body as nearly every client sends it (its type spelled the plain way, not compressed, not
// chunked, its length given and within the limit) is read here, without body-parser's general
// machinery: its type parsed twice over, a charset decoder, a stream reader with a closure per
// event and per request. On a peak day most requests are bookings answered "full", and reading
// their small bodies cost about as much as answering them. Anything else (another charset, a
// compressed or chunked body, a length over the limit, a request already read) goes to
// body-parser as before. What is read here ends as body-parser's would: the value its parser
// gives, and the same refusals, by status and type (json-body.ts, form-body.ts).
import { isUtf8 } from 'node:buffer';
import type { IncomingMessage } from 'node:http';
import type { NextFunction, Request, RequestHandler } from 'express';

const DIGITS = /^\d+$/;

/** A refusal as body-parser makes it: its status and type are what the error handler and tests read. */
export function refusal(
  message: string,
  type: string,
  error: Error = new Error(message),
  status = 400,
): Error {
  return Object.assign(error, { status, statusCode: status, expose: true, type });
}

/**
 * The body's text, as body-parser's decoder gives it: a byte order mark dropped. `checked` (the
 * bytes, or what a form's escapes stand for) must be UTF-8: a body that is not would be stored
 * with U+FFFD for its bad bytes (utf8-body.ts), so it is refused.
 */
export function utf8Text(bytes: Buffer, checked: Buffer = bytes): string {
  if (!isUtf8(checked)) throw refusal('request body is not valid UTF-8', 'encoding.invalid');
  const text = bytes.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** What is read here: the type's plain spellings, the limit, and the bytes' value (or a refusal thrown). */
export interface PlainBody {
  type: RegExp;
  /** In bytes: a longer body goes to body-parser, which refuses it (413) as before. */
  limit: number;
  parse: (bytes: Buffer) => unknown;
}

/** Whether body-parser would take the request as read already (on-finished's test). */
function finished(req: IncomingMessage & { upgrade?: boolean }): boolean {
  const socket = req.socket;
  return Boolean(req.upgrade || !socket || !socket.writable || (req.complete && !req.readable));
}

const READING = Symbol('plain body');

interface Reading {
  next: NextFunction;
  parse: PlainBody['parse'];
  length: number;
  received: number;
  /** One chunk (most bodies), or several. */
  chunks: Buffer | Buffer[] | undefined;
  over: boolean;
}

type Read = Request & { [READING]?: Reading };

// One set of listeners for every request (the request is `this`), not closures per request.
function onData(this: Read, chunk: Buffer) {
  const r = this[READING];
  if (!r || r.over) return;
  r.received += chunk.length;
  if (r.chunks === undefined) r.chunks = chunk;
  else if (Buffer.isBuffer(r.chunks)) r.chunks = [r.chunks, chunk];
  else r.chunks.push(chunk);
}

const NOTHING = Buffer.alloc(0);

function onEnd(this: Read) {
  const r = this[READING];
  if (!r || r.over) return;
  r.over = true;
  if (r.received !== r.length)
    return failed(this, r, refusal('request size did not match content length', 'request.size.invalid'));
  const bytes =
    r.chunks === undefined
      ? NOTHING
      : Buffer.isBuffer(r.chunks)
        ? r.chunks
        : Buffer.concat(r.chunks, r.received);
  try {
    this.body = r.parse(bytes);
  } catch (err) {
    return r.next(err);
  }
  r.next();
}

function onAborted(this: Read) {
  const r = this[READING];
  if (!r || r.over) return;
  r.over = true;
  failed(this, r, refusal('request aborted', 'request.aborted'));
}

function onError(this: Read, err: Error) {
  const r = this[READING];
  if (!r || r.over) return;
  r.over = true;
  failed(this, r, refusal(err.message, 'request.error', err));
}

/** As body-parser: the rest of the request read off before the refusal is passed on. */
function failed(req: Read, r: Reading, err: Error) {
  if (finished(req)) return r.next(err);
  req.once('close', () => r.next(err));
  req.resume();
}

/** The body read here when it is `plain`'s kind; any other request goes to `fallback` (body-parser). */
export function plainBodyFirst(fallback: RequestHandler, plain: PlainBody): RequestHandler {
  const { type, limit, parse } = plain;
  return (req, res, next) => {
    const h = req.headers;
    const declared = h['content-length'];
    if (
      declared === undefined ||
      h['transfer-encoding'] !== undefined ||
      h['content-encoding'] !== undefined ||
      !type.test(h['content-type'] ?? '') ||
      !DIGITS.test(declared) ||
      Number(declared) > limit ||
      finished(req)
    )
      return fallback(req, res, next);
    // As body-parser: a request it read has a body, if only an undefined one.
    if (!Reflect.has(req, 'body')) req.body = undefined;
    (req as Read)[READING] = {
      next,
      parse,
      length: Number(declared),
      received: 0,
      chunks: undefined,
      over: false,
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('aborted', onAborted);
    req.on('error', onError);
  };
}
