// Security headers and cookie attributes on every kind of answer: pages, forms, the private
// manage page, error pages, JSON and static files; HSTS and secure cookies behind https.
import assert from 'node:assert/strict';
import * as cheerio from 'cheerio';
import request from 'supertest';
import { couple } from '../helpers/ids.ts';
import { type RunningServer, startTestServer } from '../helpers/server.ts';
import { createOffice, resetDatabase } from '../helpers/test-app.ts';

const NOW = '2026-08-03T02:00:00.000Z';
const DAY = '2026-08-10';

function csp(res: request.Response): Map<string, string> {
  const header = String(res.headers['content-security-policy'] ?? '');
  return new Map(
    header
      .split(';')
      .map((d) => d.trim())
      .filter(Boolean)
      .map((d) => {
        const [name, ...values] = d.split(/\s+/);
        return [name!, values.join(' ')];
      }),
  );
}

function assertHardened(res: request.Response, what: string) {
  const policy = csp(res);
  assert.equal(policy.get('default-src'), "'self'", `${what}: default-src`);
  assert.equal(policy.get('script-src'), "'self'", `${what}: script-src (no inline scripts)`);
  assert.equal(policy.get('style-src'), "'self'", `${what}: style-src`);
  assert.equal(policy.get('frame-ancestors'), "'none'", `${what}: frame-ancestors`);
  assert.equal(policy.get('form-action'), "'self'", `${what}: form-action`);
  assert.equal(policy.get('object-src'), "'none'", `${what}: object-src`);
  assert.equal(policy.get('base-uri'), "'self'", `${what}: base-uri`);
  assert.equal(res.headers['x-content-type-options'], 'nosniff', `${what}: nosniff`);
  assert.equal(res.headers['x-frame-options'], 'SAMEORIGIN', `${what}: x-frame-options`);
  assert.equal(res.headers['referrer-policy'], 'no-referrer', `${what}: referrer-policy`);
  assert.equal(res.headers['cross-origin-opener-policy'], 'same-origin', `${what}: COOP`);
  assert.equal(res.headers['cross-origin-resource-policy'], 'same-origin', `${what}: CORP`);
  assert.equal(res.headers['x-powered-by'], undefined, `${what}: x-powered-by`);
  assert.equal(res.headers['access-control-allow-origin'], undefined, `${what}: no CORS`);
}

describe('security: headers and cookies', function () {
  this.timeout(30_000);
  let server: RunningServer | undefined;

  beforeEach(async () => {
    await resetDatabase();
    await createOffice();
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('every kind of answer carries the hardening headers; the manage page is never cached', async () => {
    server = await startTestServer({ now: NOW });
    const s = server;
    const created = await request(s.url)
      .post('/api/v1/appointments')
      .send({
        officeId: (await request(s.url).get('/api/v1/offices')).body[0].id,
        date: DAY,
        start: '09:00',
        ...couple(),
      })
      .expect(201);
    const manage = `/booking/${created.body.manageToken}`;
    const answers: [string, request.Response][] = [
      ['home', await request(s.url).get('/').expect(200)],
      ['form', await request(s.url).get(`/offices/jinjiang/days/${DAY}/book?start=09:00`).expect(200)],
      ['manage', await request(s.url).get(manage).expect(200)],
      ['calendar file', await request(s.url).get(`${manage}/calendar.ics`).expect(200)],
      ['404 page', await request(s.url).get('/nope').expect(404)],
      ['403 page', await request(s.url).post('/lookup').type('form').send({}).expect(403)],
      ['JSON', await request(s.url).get('/api/v1/offices').expect(200)],
      ['JSON error', await request(s.url).get('/api/v1/appointments/ZZZZ-ZZZZ').expect(404)],
      ['stylesheet', await request(s.url).get('/public/css/app.css').expect(200)],
    ];
    for (const [what, res] of answers) assertHardened(res, what);
    for (const path of [manage, `${manage}/move`, `${manage}/calendar.ics`]) {
      const res = await request(s.url).get(path).expect(200);
      assert.equal(res.headers['cache-control'], 'no-store', `${path} may be cached`);
      assert.equal(
        res.headers['referrer-policy'],
        'no-referrer',
        `${path} would leak its token in a Referer`,
      );
    }
    const api = await request(s.url)
      .get(`/api/v1/appointments/${created.body.reference}`)
      .set('Authorization', `Bearer ${created.body.manageToken}`)
      .expect(200);
    assert.equal(api.headers['cache-control'], 'no-store');
    // Over plain http (local development) there is no HSTS and cookies are not Secure.
    const home = answers[0]![1];
    assert.equal(home.headers['strict-transport-security'], undefined);
    const cookies = ([] as string[]).concat(home.headers['set-cookie'] ?? []);
    assert.ok(cookies.length >= 1, 'the home page sets the visitor cookie');
    for (const c of cookies) {
      assert.match(c, /;\s*HttpOnly/i, `${c} is readable by scripts`);
      assert.match(c, /;\s*SameSite=Lax/i, `${c} is sent cross-site`);
    }
    // The pages load nothing from elsewhere.
    const $ = cheerio.load(answers[1]![1].text);
    $('script[src], link[href], img[src], form[action]').each((_i, el) => {
      const url = $(el).attr('src') ?? $(el).attr('href') ?? $(el).attr('action') ?? '';
      assert.ok(url.startsWith('/'), `${url} is not same-origin`);
    });
  });

  it('behind https: HSTS, Secure cookies and the __Host- prefix for the CSRF cookie', async () => {
    server = await startTestServer({ now: NOW, env: { BASE_URL: 'https://yuyue.example.gov.cn' } });
    const res = await request(server.url).get(`/offices/jinjiang/days/${DAY}/book?start=09:00`).expect(200);
    assert.match(String(res.headers['strict-transport-security']), /max-age=\d{7,}/);
    assert.ok(csp(res).has('upgrade-insecure-requests'));
    const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
    assert.ok(
      cookies.some((c) => c.startsWith('__Host-csrf=')),
      `no __Host-csrf cookie in ${cookies.join(' | ')}`,
    );
    for (const c of cookies) assert.match(c, /;\s*Secure/i, `${c} is not Secure`);
  });
});
