import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import express from 'express';
import request from 'supertest';
import { createLogger } from '../../src/logger.ts';
import { requestLog } from '../../src/web/middleware/request-log.ts';

function appWithLog(level: string) {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  const app = express();
  app.use(requestLog(createLogger(level, stream)));
  app.get('/healthz', (_req, res) => res.json({ ok: true }));
  app.get('/booking/:token', (req, res) => res.json({ id: req.id }));
  app.get('/missing', (_req, res) => res.status(404).json({}));
  app.get('/broken', (_req, res) => res.status(500).json({}));
  app.get('/slow', () => undefined);
  app.post('/full', (_req, res) => res.status(409).json({}));
  return { app, lines };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('request log', () => {
  it('logs one line per request with id, method, scrubbed path, status and time', async () => {
    const { app, lines } = appWithLog('info');
    const token = 'AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcde';
    const res = await request(app)
      .get(`/booking/${token}?phone=13812345678`)
      .set('X-Request-Id', 'kiosk-42')
      .expect(200);
    assert.equal(res.body.id, 'kiosk-42');
    await settle();
    assert.equal(lines.length, 1);
    const line = lines[0] as { req: Record<string, unknown>; res: Record<string, unknown> } & Record<
      string,
      unknown
    >;
    assert.deepEqual(line.req, { id: 'kiosk-42', method: 'GET', url: '/booking/[token]' });
    assert.deepEqual(line.res, { statusCode: 200 });
    assert.equal(typeof line.responseTime, 'number');
    assert.equal(line.msg, 'request completed');
    assert.ok(!JSON.stringify(lines).includes(token) && !JSON.stringify(lines).includes('13812345678'));
  });

  it('logs a path asked again and again as it logged it the first time, scrubbed or plain', async () => {
    const { app, lines } = appWithLog('info');
    const token = 'ZyXwVuTsRqPoNmLkJiHgFeDcBa9876543210-_zyxwv';
    const paths = [
      `/booking/${token}`,
      '/booking/plain',
      `/booking/${token}`,
      '/booking/plain',
      '/booking/plain?x=1',
    ];
    for (const path of paths) await request(app).get(path).expect(200);
    await settle();
    assert.deepEqual(
      lines.map((l) => (l.req as { url: string }).url),
      ['/booking/[token]', '/booking/plain', '/booking/[token]', '/booking/plain', '/booking/plain'],
    );
  });

  it('logs a request the caller gave up on as aborted', async () => {
    const { app, lines } = appWithLog('info');
    const server = app.listen(0);
    try {
      const { port } = server.address() as AddressInfo;
      await new Promise<void>((resolve) => {
        const req = http.get({ port, path: '/slow' });
        req.on('error', () => resolve());
        setTimeout(() => req.destroy(), 50);
      });
      for (let i = 0; i < 50 && lines.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    } finally {
      server.close();
    }
    assert.equal(lines.length, 1);
    assert.equal(lines[0]!.msg, 'request aborted');
    assert.equal(lines[0]!.level, 40);
  });

  it('gives each request a fresh id when the caller sends none', async () => {
    const { app } = appWithLog('info');
    const a = await request(app).get('/booking/x').expect(200);
    const b = await request(app).get('/booking/x').expect(200);
    assert.match(a.body.id, /^[0-9a-f-]{36}$/);
    assert.notEqual(a.body.id, b.body.id);
  });

  it('logs 4xx at warn and 5xx at error, health probes never, and nothing below the level', async () => {
    const { app, lines } = appWithLog('warn');
    await request(app).get('/healthz').expect(200);
    await request(app).get('/booking/x').expect(200);
    await request(app).get('/missing').expect(404);
    await request(app).get('/broken').expect(500);
    await settle();
    assert.deepEqual(
      lines.map((l) => [l.level, (l.res as { statusCode: number }).statusCode]),
      [
        [40, 404],
        [50, 500],
      ],
    );
  });

  it('logs a 409 at info, and each of requests answered together on its own line', async () => {
    const { app, lines } = appWithLog('info');
    await Promise.all([
      request(app).post('/full').set('X-Request-Id', 'a').expect(409),
      request(app).get('/missing').set('X-Request-Id', 'b').expect(404),
      request(app).get('/booking/x').set('X-Request-Id', 'c').expect(200),
      request(app).get('/healthz').set('X-Request-Id', 'd').expect(200),
    ]);
    await settle();
    const seen = lines
      .map((l) => {
        const req = l.req as { id: string; method: string; url: string };
        return `${req.id} ${req.method} ${req.url} ${(l.res as { statusCode: number }).statusCode} ${l.level} ${l.msg}`;
      })
      .sort();
    assert.deepEqual(seen, [
      'a POST /full 409 30 request completed',
      'b GET /missing 404 40 request completed',
      'c GET /booking/x 200 30 request completed',
    ]);
  });
});
