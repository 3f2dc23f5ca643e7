// What the JSON API does with a request before its route, one layer of its router (one-layer.ts,
// whose order and errors test/unit/one-layer.test.ts pins; body-parsers.ts): bodies parsed
// by their type with the same refusals as before; and a "full" answered where it is found is the
// error handler's own answer, byte for byte.
import assert from 'node:assert/strict';
import express, { type RequestHandler } from 'express';
import request from 'supertest';
import type { SlotAlternative } from '../../src/domain/slot-alternatives.ts';
import { translate } from '../../src/i18n/translate.ts';
import type { StorageHealth } from '../../src/lib/database-errors.ts';
import { createLogger } from '../../src/logger.ts';
import { AppError } from '../../src/services/errors.ts';
import { answerFull } from '../../src/web/json-refusal.ts';
import { bodyHygiene } from '../../src/web/middleware/body-hygiene.ts';
import { bodyParsers } from '../../src/web/middleware/body-parsers.ts';
import { errorHandler } from '../../src/web/middleware/error-handler.ts';
import { localeMiddleware } from '../../src/web/middleware/locale.ts';
import { inOneLayer } from '../../src/web/middleware/one-layer.ts';

const storage: StorageHealth = { note: () => undefined, failed: () => false, recovered: () => undefined };
const answerError = errorHandler({ logger: createLogger('silent'), storage });

/** An API router as the app's: its input in one layer, then the given routes, then the error handler. */
function apiWith(routes: (api: express.Router) => void, ...input: RequestHandler[]) {
  const app = express();
  app.set('etag', false);
  app.disable('x-powered-by');
  const api = express.Router();
  api.use(inOneLayer(...input));
  routes(api);
  api.use(answerError);
  app.use('/api/v1', api);
  return app;
}

const echo = (api: express.Router) =>
  api.post('/echo', (req, res) => {
    res.json({ body: req.body ?? null, locale: req.locale });
  });

const input = () => [localeMiddleware({ secureCookies: false, pages: false }), bodyParsers(), bodyHygiene()];

describe('the API before its routes', () => {
  it('parses JSON of any spelling of its type, forms, and leaves other bodies alone', async () => {
    const app = apiWith(echo, ...input());
    const json = { a: 1, b: ['x'], c: { d: '名字' } };
    for (const type of [
      'application/json',
      'application/json; charset=utf-8',
      'Application/JSON;charset=UTF-8',
    ]) {
      const res = await request(app)
        .post('/api/v1/echo')
        .set('Content-Type', type)
        .send(JSON.stringify(json));
      assert.equal(res.status, 200, type);
      assert.deepEqual(res.body.body, json, type);
    }
    const form = await request(app).post('/api/v1/echo').type('form').send('a=1&b[c]=%E5%90%8D');
    assert.deepEqual(form.body.body, { a: '1', b: { c: '名' } });
    const text = await request(app).post('/api/v1/echo').set('Content-Type', 'text/plain').send('{"a":1}');
    assert.equal(text.status, 200);
    assert.equal(text.body.body, null, 'not parsed');
    // The language still comes first.
    const en = await request(app).post('/api/v1/echo').set('Accept-Language', 'en').send({});
    assert.equal(en.body.locale, 'en');
  });

  it('refuses, in JSON and in the language asked for, what it refused before', async () => {
    const app = apiWith(echo, ...input());
    const post = (type: string, body: string | Buffer) =>
      request(app)
        .post('/api/v1/echo')
        .set('Content-Type', type)
        .set('Accept-Language', 'en')
        // Sent as given: bytes, not a serialized value.
        .serialize((raw: unknown) => raw as string)
        .send(body as string);
    const malformed = await post('application/json', '{"a":');
    assert.equal(malformed.status, 400);
    assert.equal(malformed.body.error.code, 'bad_request');
    assert.equal(malformed.body.error.message, translate('en', 'error.400'));
    const big = await post('application/json', JSON.stringify({ a: 'x'.repeat(110_000) }));
    assert.equal(big.status, 413);
    assert.equal(big.body.error.code, 'too_large');
    const bigForm = await post('application/x-www-form-urlencoded', `a=${'x'.repeat(110_000)}`);
    assert.equal(bigForm.status, 413);
    const latin1 = Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xe9, 0x22, 0x7d]); // {"a":"é"} in Latin-1
    assert.equal((await post('application/json', latin1)).status, 400);
    assert.equal((await post('application/x-www-form-urlencoded', 'a=%E9')).status, 400);
    // Prototype-named keys are dropped, in JSON and in forms.
    const hostile = await post('application/json', '{"__proto__":{"x":1},"a":{"constructor":1,"b":2}}');
    assert.deepEqual(hostile.body.body, { a: { b: 2 } });
    const hostileForm = await post('application/x-www-form-urlencoded', 'a[toString]=1&a[b]=2');
    assert.deepEqual(hostileForm.body.body, { a: { b: '2' } });
  });

  it('answers a "full" where it is found exactly as the error handler answers it', async () => {
    const alternatives: SlotAlternative[] = [
      { date: '2026-08-10', start: '10:30', end: '11:00', remaining: 3, sameDay: true },
      { date: '2026-08-11', start: '10:00', end: '10:30', remaining: 12, sameDay: false },
    ];
    const full = () => new AppError('slot_full', 'booking.slot_full', {}, {}, { alternatives });
    const app = apiWith(
      (api) => {
        api.post('/handler', () => {
          throw full();
        });
        api.post('/here', (req, res) => answerFull(res, full(), req.locale));
      },
      ...input(),
    );
    // Twice in each language: the second answer of each is the one kept from the first.
    for (const lang of ['zh-CN', 'en', 'zh-CN', 'en']) {
      const slow = await request(app).post('/api/v1/handler').set('Accept-Language', lang).send({});
      const fast = await request(app).post('/api/v1/here').set('Accept-Language', lang).send({});
      assert.equal(slow.status, 409);
      assert.equal(fast.status, 409);
      assert.equal(fast.text, slow.text);
      const headers = (res: request.Response) =>
        Object.entries(res.headers).filter(([name]) => name !== 'date');
      assert.deepEqual(headers(fast), headers(slow));
      assert.deepEqual(fast.body, {
        error: { code: 'slot_full', message: translate(lang as 'en', 'booking.slot_full'), alternatives },
      });
    }
  });
});
