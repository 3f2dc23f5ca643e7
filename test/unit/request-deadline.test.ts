// A request whose handler never answers (a database call stuck on a connection whose server
// died) is answered 503 at its deadline, in the user's language, as the API's JSON error or
// as a page; what the handler does afterwards is not sent and changes nothing.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import express from 'express';
import pino from 'pino';
import request from 'supertest';
import { createStorageHealth } from '../../src/lib/database-errors.ts';
import { errorHandler } from '../../src/web/middleware/error-handler.ts';
import { requestDeadline } from '../../src/web/middleware/request-deadline.ts';

function appWith(handler: express.RequestHandler) {
  const app = express();
  const answerError = errorHandler({ logger: pino({ level: 'silent' }), storage: createStorageHealth() });
  app.use(requestDeadline(answerError, 100));
  app.post('/api/v1/appointments', handler);
  app.get('/day', handler);
  app.use(answerError);
  return app;
}

describe('request deadline', () => {
  it('answers a request whose handler never answers with 503 "try again" (API: JSON)', async () => {
    const res = await request(appWith(() => undefined))
      .post('/api/v1/appointments')
      .send({});
    assert.equal(res.status, 503);
    assert.equal(res.body.error.code, 'unavailable');
    assert.match(res.body.error.message, /[\u4e00-\u9fff]/, 'in Chinese by default');
    assert.equal(res.headers['retry-after'], '5');
  });

  it('answers a page request with an error page, and a late answer of the handler is not sent', async () => {
    let late: unknown;
    const app = appWith((_req, res, next) => {
      setTimeout(() => {
        try {
          res.type('html').send('<p>late</p>');
        } catch (err) {
          late = err;
          next(err);
        }
      }, 300);
    });
    const res = await request(app).get('/day').set('accept', 'text/html');
    assert.equal(res.status, 503);
    assert.doesNotMatch(res.text, /late/);
    await new Promise((r) => setTimeout(r, 400));
    assert.ok(late, 'the late answer was refused by the response, not sent');
  });

  it('answers each stuck request at its own deadline, leaving those answered in time alone', async () => {
    // Requests come one after another while others are answered; each stuck one still gets
    // its 503, the quick ones their own answer, and a stuck one coming after the list emptied too.
    const app = express();
    const answerError = errorHandler({ logger: pino({ level: 'silent' }), storage: createStorageHealth() });
    app.use(requestDeadline(answerError, 100));
    app.get('/stuck', () => undefined);
    app.get('/quick', (_req, res) => void res.json({ ok: true }));
    app.use(answerError);
    const server = app.listen(0);
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
      const started = performance.now();
      const firstWave = [fetch(`${url}/stuck`), fetch(`${url}/quick`)];
      await pause(40);
      const secondWave = [fetch(`${url}/quick`), fetch(`${url}/stuck`), fetch(`${url}/quick`)];
      const answers = await Promise.all([...firstWave, ...secondWave]);
      assert.deepEqual(
        answers.map((a) => a.status),
        [503, 200, 200, 503, 200],
      );
      assert.ok(performance.now() - started >= 100, 'no request is answered 503 before its deadline');
      await pause(150);
      const late = await fetch(`${url}/stuck`);
      assert.equal(late.status, 503, 'a request coming after the others were answered has its deadline too');
    } finally {
      server.close();
    }
  });

  it('leaves a request answered in time alone', async () => {
    const res = await request(appWith((_req, res) => void res.json({ ok: true }))).post(
      '/api/v1/appointments',
    );
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { ok: true });
  });
});
