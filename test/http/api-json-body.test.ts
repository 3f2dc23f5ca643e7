// A body sent as JSON is read and parsed by the app's body parsers (body-parsers.ts) exactly as
// body-parser's JSON parser read and parsed it: the same value for every body it took, and the
// same refusal, status, body and headers, for every body it refused (over the limit, malformed,
// not UTF-8, another charset, compressed, cut short). Each request here is sent, byte for byte,
// to the API as it is and to an API whose JSON goes to body-parser's parser as it was
// configured, and the answers are compared; the refusals are also pinned by their status.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import zlib from 'node:zlib';
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

/** The body parsers as they were: every JSON body to body-parser's own JSON parser. */
function bodyParserAsItWas(): RequestHandler {
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

interface Seen {
  /** The body the route was given, as JSON; undefined when no route was reached. */
  body?: string;
  /** What the parser passed on instead. */
  error?: { status: unknown; type: unknown };
}

/** An API as the app's, on a port of its own; what its route and error handler saw is kept. */
async function serve(parsers: RequestHandler) {
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

type Served = Awaited<ReturnType<typeof serve>>;

interface Sent {
  headers: Record<string, string>;
  body?: Buffer | string;
  method?: string;
  /** Sent in chunks, without a Content-Length. */
  chunked?: boolean;
}

interface Answer {
  status: number;
  headers: Record<string, unknown>;
  text: string;
  seen: Seen[];
}

function send(to: Served, sent: Sent): Promise<Answer> {
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

const JSON_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'Application/JSON;Charset="UTF-8"',
  'application/json ; charset=utf-8',
  'application/json; charset=UTF-8; foo=bar',
  'application/json; foo=bar',
];

const BOM = '\ufeff';
const big = (n: number) => `{"a":"${'x'.repeat(n - 8)}"}`;

/** Bodies of every kind a JSON parser meets, well formed or not. */
const BODIES: [string, Buffer | string][] = [
  ['an object', '{"a":1,"b":["x"],"c":{"d":"名字"}}'],
  ['an array', '[1,2]'],
  ['an empty body', ''],
  ['whitespace only', ' \t\r\n'],
  ['whitespace first', ' \n{"a":1}'],
  ['a byte order mark first', `${BOM}{"a":1}`],
  ['a string', '"x"'],
  ['a number', '1'],
  ['null', 'null'],
  ['cut short', '{"a":'],
  ['trailing garbage', '{"a":1} x'],
  ['a bad literal', 'tru'],
  ['prototype-named keys', '{"__proto__":{"x":1},"a":{"constructor":1,"b":2}}'],
  ['Latin-1 bytes', Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xe9, 0x22, 0x7d])],
  ['a lone surrogate escaped', '{"a":"\\ud800"}'],
  [
    'an overlong UTF-8 byte sequence',
    Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc0, 0xaf, 0x22, 0x7d]),
  ],
  ['at the limit', big(102_400)],
  ['one byte over the limit', big(102_401)],
  ['far over the limit', big(300_000)],
];

describe('the API reads a JSON body as body-parser did', () => {
  let now: Served;
  let asItWas: Served;
  before(async () => {
    now = await serve(bodyParsers());
    asItWas = await serve(bodyParserAsItWas());
  });
  after(() => {
    now?.server.close();
    asItWas?.server.close();
  });

  /** The same answer, and the same body or refusal seen by the app, from both. */
  async function same(sent: Sent, label: string): Promise<Answer> {
    const [a, b] = [await send(now, sent), await send(asItWas, sent)];
    assert.equal(a.status, b.status, `${label}: status`);
    assert.deepEqual(a.headers, b.headers, `${label}: headers`);
    assert.equal(a.text, b.text, `${label}: body`);
    assert.deepEqual(a.seen, b.seen, `${label}: what the route or the error handler saw`);
    return a;
  }

  it('takes and refuses every body as before, whatever the spelling of its type', async () => {
    for (const type of JSON_TYPES)
      for (const [name, body] of BODIES)
        await same({ headers: { 'Content-Type': type }, body }, `${type}, ${name}`);
  });

  it('pins what it refuses: 413 over the limit, 400 malformed or not UTF-8, {} for an empty body', async () => {
    const post = (body: Buffer | string) =>
      send(now, { headers: { 'Content-Type': 'application/json' }, body });
    assert.equal((await post(big(102_400))).status, 200);
    const tooLarge = await post(big(102_401));
    assert.equal(tooLarge.status, 413);
    assert.equal(JSON.parse(tooLarge.text).error.code, 'too_large');
    for (const bad of [
      '{"a":',
      '"x"',
      ' ',
      'tru',
      Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xe9, 0x22, 0x7d]),
    ]) {
      const res = await post(bad);
      assert.equal(res.status, 400, String(bad));
      assert.equal(JSON.parse(res.text).error.code, 'bad_request');
    }
    assert.deepEqual(JSON.parse((await post('')).text), { body: {} });
    assert.deepEqual(JSON.parse((await post(`${BOM}{"a":1}`)).text), { body: { a: 1 } });
    // No body at all (no length, not chunked: a GET as Node sends it): nothing parsed.
    const none = await send(now, { method: 'GET', headers: { 'Content-Type': 'application/json' } });
    assert.deepEqual(none.seen, [{ body: 'undefined' }]);
  });

  it('takes a body in chunks, of any length, as before', async () => {
    for (const [name, body] of BODIES)
      await same(
        { headers: { 'Content-Type': 'application/json' }, body, chunked: true },
        `chunked, ${name}`,
      );
  });

  it('answers other charsets as before: UTF-16 read, others 415', async () => {
    const json = '{"a":"名字"}';
    const cases: [string, Buffer | string][] = [
      ['utf-16le', Buffer.from(json, 'utf16le')],
      ['utf-16', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(json, 'utf16le')])],
      ['utf-7', json],
      ['utf-32', json],
      ['utf-foo', json],
      ['latin1', json],
      ['iso-8859-1', json],
      ['', json],
    ];
    for (const [charset, body] of cases)
      await same({ headers: { 'Content-Type': `application/json; charset=${charset}` }, body }, charset);
    const latin1 = await send(now, {
      headers: { 'Content-Type': 'application/json; charset=latin1' },
      body: json,
    });
    assert.equal(latin1.status, 415);
    assert.equal(JSON.parse(latin1.text).error.code, 'bad_request');
  });

  it('answers compressed bodies as before: gzip, deflate and br read, identity as none, others 415', async () => {
    const json = Buffer.from('{"a":"名字"}');
    const cases: [string, Buffer][] = [
      ['gzip', zlib.gzipSync(json)],
      ['GZIP', zlib.gzipSync(json)],
      ['deflate', zlib.deflateSync(json)],
      ['br', zlib.brotliCompressSync(json)],
      ['identity', json],
      ['Identity', json],
      ['', json],
      ['compress', json],
      ['gzip, gzip', zlib.gzipSync(zlib.gzipSync(json))],
      ['gzip', json],
      ['gzip', zlib.gzipSync(Buffer.from(big(102_401)))],
      ['gzip', zlib.gzipSync(Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xe9, 0x22, 0x7d]))],
    ];
    for (const [encoding, body] of cases)
      await same(
        { headers: { 'Content-Type': 'application/json', 'Content-Encoding': encoding }, body },
        `Content-Encoding: ${encoding}`,
      );
    const gzip = await send(now, {
      headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' },
      body: zlib.gzipSync(json),
    });
    assert.deepEqual(JSON.parse(gzip.text), { body: { a: '名字' } });
    const other = await send(now, {
      headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'compress' },
      body: json,
    });
    assert.equal(other.status, 415);
  });

  it('reads a JSON body whatever the method, as before', async () => {
    for (const method of ['GET', 'PUT', 'DELETE', 'PATCH']) {
      await same({ method, headers: { 'Content-Type': 'application/json' }, body: '{"a":1}' }, method);
      await same({ method, headers: { 'Content-Type': 'application/json' } }, `${method} without a body`);
    }
  });

  it('refuses a body cut short by a client that went away (400), and gives the route nothing', async () => {
    for (const to of [now, asItWas]) {
      const count = to.seen.length;
      const socket = net.connect(to.port, '127.0.0.1');
      await once(socket, 'connect');
      socket.write(
        'POST /api/v1/echo HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n' +
          'Content-Length: 100\r\n\r\n{"a":',
      );
      await new Promise((resolve) => setTimeout(resolve, 50));
      socket.destroy();
      const deadline = Date.now() + 2_000;
      while (to.seen.length === count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      assert.deepEqual(to.seen.slice(count), [{ error: { status: 400, type: 'request.aborted' } }]);
    }
  });
});
