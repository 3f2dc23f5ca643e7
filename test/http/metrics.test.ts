// GET /metrics: the operator's scraper reads the app in Prometheus's text format, with its
// Bearer token; nobody else learns it is there.
import assert from 'node:assert/strict';
import request from 'supertest';
import { createMetricsApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { DayPlanModel } from '../../src/models/day-plan.model.ts';
import { NotificationModel, type NotificationStatus } from '../../src/models/notification.model.ts';
import { couple } from '../helpers/ids.ts';
import { buildTestApp, createOffice, resetDatabase } from '../helpers/test-app.ts';

const NOW = '2026-08-03T02:00:00.000Z'; // Monday 10:00 in Chengdu
const QIXI = '2026-08-19';
const TOKEN = 'metrics-token-0123456789-abcdefghijkl';

/** The value of one series of the exposition, e.g. series(text, 'registry_bookings_total'). */
function series(text: string, nameAndLabels: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${nameAndLabels} `));
  return line === undefined ? undefined : Number(line.slice(nameAndLabels.length + 1));
}

describe('metrics for the operator (GET /metrics)', () => {
  beforeEach(async () => {
    await resetDatabase();
  });

  it('is not there without METRICS_TOKEN: 404, with or without a token', async () => {
    const t = await buildTestApp({ now: NOW });
    await request(t.app).get('/metrics').expect(404);
    await request(t.app).get('/metrics').set('Authorization', `Bearer ${TOKEN}`).expect(404);
  });

  it('answers 401 to a missing or wrong token, and tells nothing', async () => {
    const t = await buildTestApp({ now: NOW, env: { METRICS_TOKEN: TOKEN } });
    for (const auth of [undefined, `Bearer ${TOKEN.slice(0, -1)}x`, `Bearer ${TOKEN}x`, TOKEN]) {
      const req = request(t.app).get('/metrics');
      const res = await (auth ? req.set('Authorization', auth) : req);
      assert.equal(res.status, 401, String(auth));
      assert.equal(res.headers['www-authenticate'], 'Bearer');
      assert.ok(!res.text.includes('registry_'), 'no metric in a refusal');
    }
  });

  it('serves the format with bookings, "full" answers, places left, jobs, messages and the database', async () => {
    const t = await buildTestApp({ now: NOW, env: { METRICS_TOKEN: TOKEN } });
    const office = await createOffice();
    const officeId = office._id.toString();
    await DayPlanModel.create({
      office: office._id,
      date: QIXI,
      kind: 'peak',
      label: { zh: '七夕', en: 'Qixi' },
      sessions: [{ start: '09:00', end: '10:00' }],
      slotMinutes: 30,
      quotaPerSlot: 1,
    });
    const body = () => ({ officeId, date: QIXI, start: '09:00', ...couple() });
    const booked = await request(t.app).post('/api/v1/appointments').send(body()).expect(201);
    await request(t.app).post('/api/v1/appointments').send(body()).expect(409);
    await request(t.app)
      .get(`/api/v1/appointments/${booked.body.reference}`)
      .set('Authorization', 'Bearer x');
    await request(t.app).get(`/booking/${booked.body.manageToken}`);

    const res = await request(t.app).get('/metrics').set('Authorization', `Bearer ${TOKEN}`).expect(200);
    assert.match(res.headers['content-type']!, /^text\/plain; version=0\.0\.4/);
    const text = res.text;
    assert.match(text, /^# HELP registry_http_requests_total /m);
    assert.match(text, /^# TYPE registry_http_request_duration_seconds histogram$/m);
    assert.equal(series(text, 'registry_bookings_total'), 1);
    assert.equal(series(text, 'registry_booking_full_total'), 1);
    assert.equal(
      series(text, 'registry_http_requests_total{method="POST",route="/api/v1/appointments",status="201"}'),
      1,
    );
    assert.equal(
      series(text, 'registry_http_requests_total{method="POST",route="/api/v1/appointments",status="409"}'),
      1,
    );
    // By the route's pattern: a reference never becomes a label.
    assert.ok(text.includes('route="/api/v1/appointments/:reference"'), 'the pattern of the look-up');
    assert.ok(!text.includes(booked.body.reference), 'a reference in a label');
    assert.ok(!text.includes(booked.body.manageToken), 'a manage token in a label');
    assert.ok(text.includes('route="/booking/:token"'), 'the pattern of the manage page');
    assert.equal(
      series(
        text,
        'registry_http_request_duration_seconds_count{method="POST",route="/api/v1/appointments"}',
      ),
      2,
    );
    // Qixi's two slots of one place: one taken; today (a Monday) has its template's 13 slots of 4 windows x 3 couples.
    assert.equal(series(text, `registry_places_left{office="jinjiang",date="${QIXI}",day="peak"}`), 1);
    assert.equal(series(text, `registry_places_capacity{office="jinjiang",date="${QIXI}",day="peak"}`), 2);
    assert.equal(series(text, 'registry_places_left{office="jinjiang",date="2026-08-03",day="today"}'), 156);
    assert.equal(series(text, 'registry_database_up'), 1);
    assert.ok((series(text, 'registry_database_ping_seconds') ?? -1) >= 0);
    for (const name of ['registry_jobs_queued', 'registry_jobs_failed', 'registry_messages_last_hour'])
      assert.match(text, new RegExp(`^# TYPE ${name} gauge$`, 'm'));
    assert.match(text, /^process_cpu_user_seconds_total /m);
  });

  it('counts the messages of the last hour by channel, texts beside e-mails, every series there even at 0', async () => {
    const t = await buildTestApp({ now: NOW, env: { METRICS_TOKEN: TOKEN } });
    const message = (n: number, channel: 'email' | 'sms', status: NotificationStatus) => ({
      key: `test:${n}${channel === 'sms' ? ':sms' : ''}`,
      kind: 'confirmation',
      channel,
      spec: {},
      to: channel === 'sms' ? '13800138000' : 'couple@example.com',
      status,
      claimedAt: new Date(),
    });
    await NotificationModel.create([
      message(1, 'email', 'sent'),
      message(2, 'email', 'sent'),
      message(2, 'sms', 'sent'),
      message(3, 'sms', 'failed'),
      message(4, 'sms', 'retrying'),
      message(5, 'sms', 'skipped'),
    ]);
    const text = (await request(t.app).get('/metrics').set('Authorization', `Bearer ${TOKEN}`).expect(200))
      .text;
    const counted = (channel: string, status: string) =>
      series(text, `registry_messages_last_hour{channel="${channel}",status="${status}"}`);
    assert.equal(counted('email', 'sent'), 2);
    assert.equal(counted('email', 'failed'), 0);
    assert.equal(counted('email', 'retrying'), 0);
    assert.equal(counted('sms', 'sent'), 1);
    assert.equal(counted('sms', 'failed'), 1);
    assert.equal(counted('sms', 'retrying'), 1);
  });

  describe('on a port of its own (METRICS_PORT)', () => {
    it('serves /metrics there only, not on the main port; the token, when set, is still asked', async () => {
      const t = await buildTestApp({ now: NOW, env: { METRICS_TOKEN: TOKEN, METRICS_PORT: '9464' } });
      assert.equal(t.config.metricsPort, 9464);
      await request(t.app).get('/metrics').set('Authorization', `Bearer ${TOKEN}`).expect(404);
      const own = createMetricsApp(t.container);
      await request(own).get('/metrics').expect(401);
      const res = await request(own).get('/metrics').set('Authorization', `Bearer ${TOKEN}`).expect(200);
      assert.match(res.text, /^# TYPE registry_messages_last_hour gauge$/m);
      // Nothing else of the application is there.
      await request(own).get('/').expect(404);
      await request(own).get('/healthz').expect(404);
    });

    it('needs no token there: only the scraper reaches that port', async () => {
      const t = await buildTestApp({ now: NOW, env: { METRICS_PORT: '9464' } });
      await request(t.app).get('/metrics').expect(404);
      const res = await request(createMetricsApp(t.container)).get('/metrics').expect(200);
      assert.match(res.text, /^registry_database_up 1$/m);
    });

    it('refuses a METRICS_PORT that is PORT', () => {
      assert.throws(
        () => loadConfig({ PORT: '8080', METRICS_PORT: '8080' }),
        /METRICS_PORT: must differ from PORT/,
      );
      assert.throws(() => loadConfig({ METRICS_PORT: '3000' }), /METRICS_PORT: must differ from PORT/);
      assert.throws(() => loadConfig({ METRICS_PORT: '70000' }), /METRICS_PORT/);
    });
  });
});
