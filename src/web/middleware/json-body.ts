// A JSON body as nearly every client sends it (`application/json`, UTF-8 if a charset is named,
// not compressed, its length given) is read and parsed here, without body-parser's general
// machinery: its type parsed twice over, a charset decoder, a stream reader with a closure per
// event and per request. On a peak day most requests are bookings answered "full", and reading
// their small bodies cost about as much as answering them. Anything else (another charset, a
// compressed or chunked body, a length over the limit, a request already read) goes to
// body-parser as before. What is read here ends as body-parser's would: the same value (a byte
// order mark dropped, an empty body as {}), and the same refusals, by status and type (a body
// not UTF-8, not an object or array, malformed, or cut short by a client that went away: 400).
import { isUtf8 } from 'node:buffer';
import type { IncomingMessage } from 'node:http';
import type { NextFunction, Request, RequestHandler } from 'express';

/** The types read here: what other spelling a client sends goes to body-parser. */
const PLAIN_JSON = /^application\/json(?:; ?charset=utf-8)?$/i;
const DIGITS = /^\d+$/;

/** A refusal as body-parser makes it: its status and type are what the error handler and tests read. */
function refusal(message: string, type: string, error: Error = new Error(message)): Error {
  return Object.assign(error, { status: 400, statusCode: 400, expose: true, type });
}

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

/** Whether body-parser would take the request as read already (on-finished's test). */
function finished(req: IncomingMessage & { upgrade?: boolean }): boolean {
  const socket = req.socket;
  return Boolean(req.upgrade || !socket || !socket.writable || (req.complete && !req.readable));
}

const READING = Symbol('json body');

interface Reading {
  next: NextFunction;
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

function onEnd(this: Read) {
  const r = this[READING];
  if (!r || r.over) return;
  r.over = true;
  if (r.received !== r.length)
    return failed(this, r, refusal('request size did not match content length', 'request.size.invalid'));
  const bytes =
    r.chunks === undefined
      ? Buffer.alloc(0)
      : Buffer.isBuffer(r.chunks)
        ? r.chunks
        : Buffer.concat(r.chunks, r.received);
  // A body that is not UTF-8 would be stored with U+FFFD for its bad bytes (utf8-body.ts).
  if (!isUtf8(bytes)) return failed(this, r, refusal('request body is not valid UTF-8', 'encoding.invalid'));
  let text = bytes.toString('utf8');
  // body-parser's decoder drops a byte order mark.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  try {
    this.body = parseJsonBody(text);
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

/**
 * `fallback` (body-parser's JSON parser) for what is not read here; `limit` is its limit in
 * bytes: a longer body goes to it, which refuses it (413) as before.
 */
export function plainJsonFirst(fallback: RequestHandler, limit: number): RequestHandler {
  return (req, res, next) => {
    const h = req.headers;
    const declared = h['content-length'];
    if (
      declared === undefined ||
      h['transfer-encoding'] !== undefined ||
      h['content-encoding'] !== undefined ||
      !PLAIN_JSON.test(h['content-type'] ?? '') ||
      !DIGITS.test(declared) ||
      Number(declared) > limit ||
      finished(req)
    )
      return fallback(req, res, next);
    // As body-parser: a request it read has a body, if only an undefined one.
    if (!Reflect.has(req, 'body')) req.body = undefined;
    (req as Read)[READING] = { next, length: Number(declared), received: 0, chunks: undefined, over: false };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('aborted', onAborted);
    req.on('error', onError);
  };
}
