// What a body parser makes of a request, sent byte for byte: the app's body parsers and
// body-parser's own parsers as they were configured, each behind an API of its own, their
// answers and what their route or error handler saw kept, so that a test can compare them
// (test/http/api-json-body.test.ts, test/http/form-body.test.ts).
import assert from 'node:assert/strict';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import type { StorageHealth } from '../../src/lib/database-errors.ts';
import { createLogger } from '../../src/logger.ts';
import { bodyHygiene } from '../../src/web/middleware/body-hygiene.ts';
import { bodyParsers } from '../../src/web/middleware/body-parsers.ts';
import { errorHandler } from '../../src/web/middleware/error-handler.ts';
import { localeMiddleware } from '../../src/web/middleware/locale.ts';
import { inOneLayer } from '../../src/web/middleware/one-layer.ts';
import { verifyFormUtf8, verifyJsonUtf8 } from '../../src/web/middleware/utf8-body.ts';

const storage: StorageHealth = { note: () => undefined, failed: () => false, recovered: () => undefined };
const answerError = errorHandler({ logger: createLogger('silent'), storage });

/** The body parsers as they were: every JSON body and every form to body-parser's own parsers. */
export function bodyParserAsItWas(): RequestHandler {
  const form = express.urlencoded({
    extended: true,
    limit: '100kb',
    parameterLimit: 200,
    verify: verifyFormUtf8,
  });
  const json = express.json({ limit: '100kb', verify: verifyJsonUtf8 });
  return (req, res, next) => {
    if (/^application\/json\s*(?:;|$)/i.test(req.headers['content-type'] ?? '')) return json(req, res, next);
    form(req, res, (err?: unknown) => (err ? next(err) : json(req, res, next)));
  };
}

export interface Seen {
  /** The body the route was given, as JSON; undefined when no route was reached. */
  body?: string;
  /** What the parser passed on instead. */
  error?: { status: unknown; type: unknown };
}

/** An API as the app's, on a port of its own; what its route and error handler saw is kept. */
export async function serve(parsers: RequestHandler) {
  const seen: Seen[] = [];
  const app = express();
  app.set('etag', false);
  app.disable('x-powered-by');
  const api = express.Router();
  api.use(inOneLayer(localeMiddleware({ secureCookies: false, pages: false }), parsers, bodyHygiene()));
  api.all('/echo', (req, res) => {
    const body = req.body === undefined ? 'undefined' : JSON.stringify(req.body);
    seen.push({ body });
    res.json({ body: req.body ?? null });
  });
  const spy: ErrorRequestHandler = (err, _req, _res, next) => {
    seen.push({ error: { status: err?.status, type: err?.type } });
    next(err);
  };
  api.use(spy, answerError);
  app.use('/api/v1', api);
  const server = http.createServer(app);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, seen, port: (server.address() as AddressInfo).port };
}

export type Served = Awaited<ReturnType<typeof serve>>;

export interface Sent {
  headers: Record<string, string>;
  body?: Buffer | string;
  method?: string;
  /** Sent in chunks, without a Content-Length. */
  chunked?: boolean;
}

export interface Answer {
  status: number;
  headers: Record<string, unknown>;
  text: string;
  seen: Seen[];
}

export function send(to: Served, sent: Sent): Promise<Answer> {
  const before = to.seen.length;
  return new Promise((resolve, reject) => {
    const body = sent.body === undefined ? undefined : Buffer.from(sent.body);
    const headers: Record<string, string> = { ...sent.headers };
    if (body && !sent.chunked) headers['Content-Length'] = String(body.length);
    if (sent.chunked) headers['Transfer-Encoding'] = 'chunked';
    const req = http.request(
      { port: to.port, host: '127.0.0.1', path: '/api/v1/echo', method: sent.method ?? 'POST', headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const { date: _date, ...rest } = res.headers;
          resolve({
            status: res.statusCode ?? 0,
            headers: rest,
            text: Buffer.concat(chunks).toString(),
            seen: to.seen.slice(before),
          });
        });
      },
    );
    req.on('error', reject);
    if (body && sent.chunked) {
      // Two chunks: a body that does not come in one piece.
      const half = Math.floor(body.length / 2);
      req.write(body.subarray(0, half));
      req.write(body.subarray(half));
      req.end();
    } else req.end(body);
  });
}

/** A comparer of the answers of `now` and `asItWas`: the same status, headers, body and what the app saw. */
export function sameAnswers(servers: () => [Served, Served]) {
  return async function same(sent: Sent, label: string): Promise<Answer> {
    const [now, asItWas] = servers();
    const [a, b] = [await send(now, sent), await send(asItWas, sent)];
    assert.equal(a.status, b.status, `${label}: status`);
    assert.deepEqual(a.headers, b.headers, `${label}: headers`);
    assert.equal(a.text, b.text, `${label}: body`);
    assert.deepEqual(a.seen, b.seen, `${label}: what the route or the error handler saw`);
    return a;
  };
}

/** What the app saw of a body of `type` cut short by a client that went away after `start`. */
export async function cutShort(to: Served, type: string, start: string): Promise<Seen[]> {
  const count = to.seen.length;
  const socket = net.connect(to.port, '127.0.0.1');
  await once(socket, 'connect');
  socket.write(
    `POST /api/v1/echo HTTP/1.1\r\nHost: localhost\r\nContent-Type: ${type}\r\n` +
      `Content-Length: 100\r\n\r\n${start}`,
  );
  await new Promise((resolve) => setTimeout(resolve, 50));
  socket.destroy();
  const deadline = Date.now() + 2_000;
  while (to.seen.length === count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  return to.seen.slice(count);
}

/**
 * The app's body parsers and body-parser's as they were, each served for the tests of a
 * `describe` (started before them, closed after), and the comparer of their answers.
 */
export function servedSideBySide() {
  const both = {} as { now: Served; asItWas: Served };
  before(async () => {
    both.now = await serve(bodyParsers());
    both.asItWas = await serve(bodyParserAsItWas());
  });
  after(() => {
    both.now?.server.close();
    both.asItWas?.server.close();
  });
  return { both, same: sameAnswers(() => [both.now, both.asItWas]) };
}
