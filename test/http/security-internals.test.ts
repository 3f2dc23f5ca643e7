// No internals in any answer. An attacker sends what a browser never would: an absolute
// request target with an impossible port, a malformed Host header, a path that cannot be
// decoded, a body that is not JSON; and a page whose own rendering fails. Each answers 4xx
// or a plain 500 page, in development as in production, and never with a stack trace, a file
// path or a template excerpt.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import net from 'node:net';
import express from 'express';
import { appWith, buildTestApp, PRODUCTION_ENV, resetDatabase } from '../helpers/test-app.ts';

const NOW = '2026-08-03T02:00:00.000Z';

/** Sends raw bytes (a request no HTTP client library would build) and reads the whole answer. */
function rawRequest(port: number, text: string): Promise<{ status: number; head: string; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(text));
    let out = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => {
      out += d;
    });
    socket.on('error', reject);
    socket.on('close', () => {
      const split = out.indexOf('\r\n\r\n');
      const head = split < 0 ? out : out.slice(0, split);
      resolve({
        status: Number(/^HTTP\/1\.1 (\d{3})/.exec(out)?.[1] ?? 0),
        head,
        body: split < 0 ? '' : out.slice(split + 4),
      });
    });
  });
}

const INTERNALS = [
  /\bat [\w.<>]+ \(/, // a stack frame
  /node_modules/,
  /\/work\/|\/src\/|\/views\//,
  /\.(ts|ejs|js):\d+/,
  /ReferenceError|TypeError|SyntaxError/,
];

function assertNoInternals(text: string, what: string) {
  for (const pattern of INTERNALS) assert.doesNotMatch(text, pattern, `${what}: ${pattern}`);
}

for (const env of ['development', 'production'] as const) {
  describe(`security: no internals in any answer (NODE_ENV=${env})`, () => {
    let server: Server;
    let port: number;

    before(async () => {
      await resetDatabase();
      const t = await buildTestApp({
        now: NOW,
        env: env === 'production' ? PRODUCTION_ENV : { NODE_ENV: env },
      });
      // Two routes that fail the way a bug would: an error naming a file, a page that cannot render.
      const broken = express.Router();
      broken.get('/throws', () => {
        throw new Error(`ENOENT: no such file, open '/work/wt/src/secret.ts'`);
      });
      broken.get('/bad-view', (_req, res) => res.renderPage('no/such/view'));
      server = createServer(appWith(t, [{ path: '/broken', router: broken }]));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as net.AddressInfo).port;
    });
    after(() => new Promise<void>((resolve) => server.close(() => resolve())));

    const get = (target: string, host = 'localhost', extra = '') =>
      `GET ${target} HTTP/1.1\r\nHost: ${host}\r\n${extra}Connection: close\r\n\r\n`;

    const refused: [string, string, number][] = [
      ['an absolute target with an impossible port', get('http://a:99999/offices', 'a'), 400],
      ['the same on the JSON API', get('http://a:99999/api/v1/offices', 'a'), 400],
      ['an absolute target that is not http', get('ftp://a/offices', 'a'), 400],
      ['a Host with an impossible port', get('/offices', 'a:99999'), 400],
      ['a Host with an unclosed bracket', get('/', '[::1'), 400],
      ['a Host with a space', get('/', 'a b'), 400],
      ['a Host with a path', get('/api/v1/offices', 'a/b'), 400],
      ['a path that cannot be decoded', get('/booking/%E0%A4%A'), 400],
      ['a path that looks like a host', get('//a:99999/offices'), 404],
      [
        'a JSON body that is not JSON',
        `POST /api/v1/appointments HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 9\r\nConnection: close\r\n\r\n{"a": [1,`,
        400,
      ],
    ];
    for (const [what, text, status] of refused) {
      it(`answers ${status} to ${what}, with nothing of the server's insides`, async () => {
        const res = await rawRequest(port, text);
        assert.equal(res.status, status, `${what}: ${res.head.split('\r\n')[0]}`);
        assertNoInternals(res.body, what);
      });
    }

    it('answers an absolute target with a valid authority as its path', async () => {
      const res = await rawRequest(port, get(`http://localhost:${port}/api/v1/offices`));
      assert.equal(res.status, 200);
      assert.equal(res.body, '[]');
    });

    it('answers a failing route with the plain 500 page, in the visitor language', async () => {
      for (const path of ['/broken/throws', '/broken/bad-view']) {
        const res = await rawRequest(port, get(path));
        assert.equal(res.status, 500, path);
        assert.match(res.body, /系统暂时出现问题/, `${path}: the localized message`);
        assertNoInternals(res.body, path);
      }
      const json = await rawRequest(port, get('/broken/throws', 'localhost', 'Accept: application/json\r\n'));
      assert.equal(json.status, 500);
      assert.deepEqual(JSON.parse(json.body).error.code, 'internal');
      assertNoInternals(json.body, 'JSON 500');
    });
  });
}
