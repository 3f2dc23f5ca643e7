// The database goes away under the running app and comes back: while it is down every
// request that needs it fails fast with a clear 503 (a localized page, or JSON for the API)
// and the process stays up; once the engine is started again on the same port and data
// directory, the same app instance answers again, with nothing lost — no restart.
import assert from 'node:assert/strict';
import * as cheerio from 'cheerio';
import mongoose from 'mongoose';
import request from 'supertest';
import { connectDatabase, databaseReachable, ensureIndexes } from '../../src/db.ts';
import { translate } from '../../src/i18n/translate.ts';
import { AppointmentModel } from '../../src/models/appointment.model.ts';
import { until } from '../helpers/faults.ts';
import { formFields } from '../helpers/forms.ts';
import { couple } from '../helpers/ids.ts';
import { type RunningServer, type SpawnedEngine, spawnEngine, startTestServer } from '../helpers/server.ts';
import { createOffice } from '../helpers/test-app.ts';
import { assertCountersConsistent } from '../http/fuzz-support.ts';

const NOW = '2026-08-03T02:00:00.000Z';
const DAY = '2026-08-10';

describe('faults: the database stops and starts again under the running app', function () {
  this.timeout(120_000);
  let engine: SpawnedEngine;
  let server: RunningServer;
  let officeId: string;

  before(async () => {
    engine = await spawnEngine();
    // This suite's app talks to its own engine, not the shared test server.
    await mongoose.disconnect();
    await connectDatabase(engine.uri, 'faults');
    await ensureIndexes();
    officeId = (await createOffice())._id.toString();
    server = await startTestServer({
      now: NOW,
      connect: false,
      readiness: async (container) => {
        const db = await databaseReachable(container.storage);
        return { ok: db, checks: { database: db } };
      },
    });
  });
  after(async () => {
    await server?.close();
    await mongoose.disconnect();
    await engine?.dispose();
  });

  it('answers 503 while the engine is down and recovers by itself when it is back', async () => {
    const api = () => request(server.url);
    const first = await api()
      .post('/api/v1/appointments')
      .send({ officeId, date: DAY, start: '09:00', ...couple() })
      .expect(201);
    await api().get('/readyz').expect(200);
    // A couple has the booking form open when the database goes away.
    const typist = request.agent(server.url);
    const bookPath = `/offices/jinjiang/days/${DAY}/book`;
    const formPage = cheerio.load((await typist.get(`${bookPath}?start=09:30`).expect(200)).text);
    const typed = couple();
    const filled = {
      _csrf: String(formPage('input[name=_csrf]').val()),
      idempotencyKey: String(formPage('input[name=idempotencyKey]').val()),
      start: '09:30',
      ...formFields({ partners: typed.partners }),
      email: typed.email,
      language: 'zh-CN',
    };

    await engine.stop();

    // Pages: a localized 503 page, in Chinese by default and in English on request.
    const agent = request.agent(server.url);
    const [zh, en, json, ready, health] = await Promise.all([
      agent.get('/offices/jinjiang'),
      request(server.url).get('/offices/jinjiang?lang=en'),
      api()
        .post('/api/v1/appointments')
        .send({ officeId, date: DAY, start: '09:30', ...couple() }),
      api().get('/readyz'),
      api().get('/healthz'),
    ]);
    assert.equal(zh.status, 503);
    assert.equal(zh.headers['retry-after'], '5');
    assert.ok(
      cheerio.load(zh.text)('.error-card').text().includes(translate('zh-CN', 'error.503')),
      zh.text.slice(0, 300),
    );
    assert.equal(en.status, 503);
    assert.ok(cheerio.load(en.text)('.error-card').text().includes(translate('en', 'error.503')));
    // The API: JSON with a code a kiosk can act on.
    assert.equal(json.status, 503);
    assert.deepEqual(json.body, { error: { code: 'unavailable', message: translate('zh-CN', 'error.503') } });
    // Readiness tells the load balancer; liveness says the process itself is fine (no restart).
    assert.equal(ready.status, 503);
    assert.deepEqual(ready.body.checks, { database: false });
    assert.equal(health.status, 200);
    // A form posted while the database is down is refused as a whole, not half-done.
    const manage = await api().get(`/booking/${first.body.manageToken}`);
    assert.equal(manage.status, 503);
    // The booking form comes back as it was sent (same idempotency key), saying why, in Chinese.
    const sent = await typist.post(bookPath).type('form').send(filled);
    assert.equal(sent.status, 503);
    const $sent = cheerio.load(sent.text);
    assert.equal($sent('form.booking-form').length, 1, sent.text.slice(0, 400));
    assert.ok($sent('.flash-error').text().includes(translate('zh-CN', 'error.503')));
    for (const [name, value] of Object.entries(filled).filter(([n]) => n !== '_csrf'))
      assert.equal($sent(`[name="${name}"]`).val(), value, `the form keeps ${name}`);
    // Any other form refused for the same reason offers to send it again as it was.
    const cancel = await typist
      .post(`/booking/${first.body.manageToken}/cancel`)
      .type('form')
      .send({ _csrf: filled._csrf });
    assert.equal(cancel.status, 503);
    const again = cheerio.load(cancel.text)('form.resubmit');
    assert.equal(again.attr('action'), `/booking/${first.body.manageToken}/cancel`);
    assert.ok(again.find('input[name=_csrf]').val(), 'with a CSRF token of its own');

    await engine.start();

    // The same app instance answers again once the driver has reconnected.
    await until('the app to answer again', async () =>
      (await api().get('/readyz')).status === 200 ? true : undefined,
    );
    await api().get('/offices/jinjiang').expect(200);
    // Sent again once the database is back, the kept form books once.
    const resent = await typist.post(bookPath).type('form').send(filled);
    assert.equal(resent.status, 303, resent.text.slice(0, 400));
    const page = await api().get(`/booking/${first.body.manageToken}`).expect(200);
    assert.ok(page.text.includes(first.body.reference), 'the booking made before the outage is still there');
    const after = await api()
      .post('/api/v1/appointments')
      .send({ officeId, date: DAY, start: '09:30', ...couple() });
    assert.equal(after.status, 201, after.text);
    assert.equal(
      await AppointmentModel.countDocuments({ status: 'booked' }),
      3,
      'nothing written while the engine was down; the kept form booked once',
    );
    await assertCountersConsistent();
  });
});
