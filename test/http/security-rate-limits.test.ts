// Rate limits as an attacker meets them: the per-address ceiling (pages and JSON, with a
// localized answer and a Retry-After), and the limits keyed on a person (booking attempts
// per pair of ID numbers), which apply even when the per-address ceiling is off.
import assert from 'node:assert/strict';
import * as cheerio from 'cheerio';
import request from 'supertest';
import { translate } from '../../src/i18n/translate.ts';
import { PASSWORD, staffUser } from '../browser/fixtures.ts';
import { formFields } from '../helpers/forms.ts';
import { couple } from '../helpers/ids.ts';
import { type RunningServer, startTestServer } from '../helpers/server.ts';
import { createOffice, resetDatabase } from '../helpers/test-app.ts';
import { snapshotDb } from './fuzz-support.ts';

const NOW = '2026-08-03T02:00:00.000Z';
const DAY = '2026-08-10';

describe('security: rate limits', function () {
  this.timeout(30_000);
  let server: RunningServer | undefined;
  let officeId: string;

  beforeEach(async () => {
    await resetDatabase();
    officeId = (await createOffice())._id.toString();
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('the per-address ceiling answers 429 with a localized page or JSON, and spares health checks', async () => {
    server = await startTestServer({ now: NOW, env: { RATE_LIMIT_PER_MINUTE: '5' } });
    const agent = request.agent(server.url);
    for (let i = 0; i < 5; i++) await agent.get('/').expect(200);
    const page = await agent.get('/offices/jinjiang');
    assert.equal(page.status, 429);
    assert.match(String(page.headers['content-type']), /text\/html/);
    const text = cheerio.load(page.text)('.error-card').text();
    assert.ok(
      text.includes(
        translate('zh-CN', 'error.rate_limited', {
          seconds: Number(page.headers['retry-after'] ?? 60) || 60,
        }).slice(0, 6),
      ),
      text,
    );
    assert.ok(
      Number(page.headers['retry-after']) > 0 || page.headers.ratelimit,
      'the client is told when to come back',
    );
    const en = await agent.get('/?lang=en');
    assert.equal(en.status, 429);
    assert.match(cheerio.load(en.text)('.error-card').text(), /Too many requests/);
    const api = await request(server.url).get('/api/v1/offices');
    assert.equal(api.status, 429);
    assert.equal(api.body.error.code, 'rate_limited');
    await request(server.url).get('/healthz').expect(200);
  });

  it('staff sign-in: the fifth wrong password slows that address, even against the right one, in the visitor’s language', async () => {
    server = await startTestServer({ now: NOW });
    await staffUser('registrar@example.com', 'registrar', [officeId]);
    const agent = request.agent(server.url);
    const csrf = String(
      cheerio
        .load((await agent.get('/staff/login')).text)('input[name=_csrf]')
        .val(),
    );
    const login = (password: string, email = 'registrar@example.com', lang = '') =>
      agent.post(`/staff/login${lang}`).type('form').send({ _csrf: csrf, email, password });
    for (let i = 0; i < 5; i++) {
      const res = await login(`wrong password ${i}`);
      assert.equal(res.status, 401, `attempt ${i + 1}`);
      assert.ok(
        cheerio.load(res.text)('[role=alert]').text().includes(translate('zh-CN', 'staff.login_failed')),
      );
    }
    const locked = await login(PASSWORD, 'registrar@example.com', '?lang=en');
    assert.equal(locked.status, 429);
    assert.match(
      cheerio.load(locked.text)('[role=alert]').text(),
      /Too many failed sign-ins from here: try again in 15 minutes/,
    );
    assert.equal(locked.headers.location, undefined, 'not signed in');
    // Half an hour later the right password works again.
    server.clock.advance(31 * 60_000);
    const ok = await login(PASSWORD);
    assert.equal(ok.status, 303);
  });

  it('staff sign-in: guesses are limited per account and per address, even for e-mails that do not exist', async () => {
    server = await startTestServer({ now: NOW });
    const agent = request.agent(server.url);
    const csrf = String(
      cheerio
        .load((await agent.get('/staff/login')).text)('input[name=_csrf]')
        .val(),
    );
    const login = (email: string) =>
      agent.post('/staff/login').type('form').send({ _csrf: csrf, email, password: 'guess guess guess' });
    // An e-mail without an account is slowed after five failures, exactly as an account is,
    // so neither the wait nor its absence tells which e-mails exist.
    for (let i = 0; i < 5; i++) assert.equal((await login('nobody@example.com')).status, 401);
    const perAccount = await login('NOBODY@example.com ');
    assert.equal(perAccount.status, 429, 'the same account, typed differently');
    assert.match(cheerio.load(perAccount.text)('.error-card, [role=alert]').text(), /登录失败次数过多.*分钟/);
    // Other accounts from the same address: 20 failures in 15 minutes in all.
    for (let i = 0; i < 15; i++)
      assert.equal((await login(`someone${i}@example.com`)).status, 401, `address try ${i + 7}`);
    const perAddress = await login('someone-else@example.com');
    assert.equal(perAddress.status, 429);
  });

  it('booking attempts for one pair of ID numbers are limited even with the ceiling off (RATE_LIMIT_PER_MINUTE=0)', async () => {
    server = await startTestServer({ now: NOW });
    assert.equal(server.config.rateLimitPerMinute, 0);
    const c = couple();
    c.partners[0]!.phone = 'not a phone'; // refused every time: the attempts are what counts
    const agent = request.agent(server.url);
    const csrf = String(
      cheerio
        .load((await agent.get(`/offices/jinjiang/days/${DAY}/book?start=09:00`)).text)('input[name=_csrf]')
        .val(),
    );
    const form = {
      _csrf: csrf,
      start: '09:00',
      ...formFields({ partners: c.partners }),
      email: c.email,
      language: 'zh-CN',
    };
    for (let i = 0; i < 20; i++) {
      const res = await agent.post(`/offices/jinjiang/days/${DAY}/book`).type('form').send(form);
      assert.equal(res.status, 422, `attempt ${i + 1}`);
    }
    const before = await snapshotDb();
    // The same two people, typed differently (lower-case, partners swapped), from another browser, by the API.
    const swapped = {
      ...form,
      ...formFields({
        partners: [c.partners[1], { ...c.partners[0], idNumber: c.partners[0]!.idNumber.toLowerCase() }],
      }),
    };
    const web = await request(server.url)
      .post(`/offices/jinjiang/days/${DAY}/book`)
      .type('form')
      .send(swapped);
    assert.equal(web.status, 403, 'no CSRF token: refused before anything else'); // a new browser needs its own token
    const blocked = await agent.post(`/offices/jinjiang/days/${DAY}/book`).type('form').send(swapped);
    assert.equal(blocked.status, 429);
    assert.ok(
      cheerio.load(blocked.text)('.error-card').text().includes(translate('zh-CN', 'booking.rate_limited')),
    );
    // The API shares the count: the same two people are refused there too, at once.
    const body = { officeId, date: DAY, start: '09:00', ...c };
    const api = await request(server.url)
      .post('/api/v1/appointments')
      .set('Accept-Language', 'en')
      .send(body);
    assert.equal(api.status, 429);
    assert.equal(api.body.error.message, translate('en', 'booking.rate_limited'));
    assert.equal(await snapshotDb(), before);
  });
});
