// A kept day page or month calendar, reloaded, is answered before the pages' routes
// (kept-page-answer.ts): with the same status, headers, cookies and bytes as the page its route
// sends, counted under the route, limited per address, and never when the visitor's request asks
// for more than a plain reload (a language, a flash, a condition) or the schedule's caches no
// longer hold what the page was rendered from.
import assert from 'node:assert/strict';
import * as cheerio from 'cheerio';
import request from 'supertest';
import { PAGE_MEMORY_MS } from '../../src/web/page-cache.ts';
import { appLogged, buildTestApp, createOffice, resetDatabase, type TestApp } from '../helpers/test-app.ts';

// Monday 3 August 2026, 10:00 in Chengdu (02:00 UTC). The test process runs in another TZ.
const NOW = '2026-08-03T02:00:00.000Z';
const DAY = '2026-08-10';
const DAY_PAGE = `/offices/jinjiang/days/${DAY}`;
const MONTH_PAGE = '/offices/jinjiang?month=2026-08';
const THIS_MONTH = '/offices/jinjiang';

/** The answer's headers but those of its moment and of its visitor (Date, request id, cookies). */
const sameFor = (res: request.Response) => {
  const { date: _date, 'set-cookie': _cookies, 'x-request-id': _id, ...rest } = res.headers;
  return rest;
};
const cookies = (res: request.Response) => [res.headers['set-cookie'] ?? []].flat();
/** A cookie as set, its value and the moment it expires (by the system's clock) left out. */
const cookieShape = (set: string) => set.replace(/=[^;]*/, '=…').replace(/; Expires=[^;]*/, '');
const lang = (res: request.Response) => cheerio.load(res.text)('html').attr('lang');

describe('kept pages answered before their routes', () => {
  let t: TestApp;
  let officeId: string;
  /** How many times the routes asked the schedule for the office (an answer from the kept page asks nothing). */
  let officeReads: number;
  beforeEach(async () => {
    await resetDatabase();
    t = await buildTestApp({ now: NOW, env: { SCHEDULE_CACHE_MS: '60000' } });
    officeId = String((await createOffice())._id);
    const { schedule } = t.container.services;
    const getOffice = schedule.getOffice;
    officeReads = 0;
    schedule.getOffice = (idOrSlug) => {
      officeReads++;
      return getOffice(idOrSlug);
    };
  });

  for (const page of [DAY_PAGE, MONTH_PAGE, THIS_MONTH]) {
    it(`answers ${page} again with the same status, headers, bytes and cookies as its route`, async () => {
      const rendered = await request(t.app).get(page).expect(200);
      assert.equal(officeReads, 1);
      const kept = await request(t.app).get(page).expect(200);
      assert.equal(officeReads, 1, 'the route was not asked again');
      assert.equal(kept.text, rendered.text);
      assert.deepEqual(sameFor(kept), sameFor(rendered));
      assert.deepEqual(
        cookies(kept).map(cookieShape),
        cookies(rendered).map(cookieShape),
        'a new browser its id',
      );
      const visitor = /vid=([^;]+)/.exec(cookies(kept)[0] ?? '')?.[1];
      assert.notEqual(visitor, /vid=([^;]+)/.exec(cookies(rendered)[0] ?? '')?.[1], 'of its own');

      const known = await request(t.app).get(page).set('Cookie', `vid=${visitor}`).expect(200);
      assert.deepEqual(cookies(known), [], 'a browser that has its id is given none');
      assert.equal(known.text, rendered.text);
    });
  }

  it('answers each visitor in the language it chose, and a language asked in the URL the whole way', async () => {
    await request(t.app).get(DAY_PAGE).expect(200);
    await request(t.app).get(DAY_PAGE).set('Cookie', 'lang=en').expect(200);
    const reads = officeReads;
    assert.equal(lang(await request(t.app).get(DAY_PAGE).set('Cookie', 'lang=en').expect(200)), 'en');
    assert.equal(lang(await request(t.app).get(DAY_PAGE).expect(200)), 'zh-CN');
    assert.equal(officeReads, reads, 'both kept');

    const asked = await request(t.app).get(`${DAY_PAGE}?lang=en`).expect(200);
    assert.equal(lang(asked), 'en');
    assert.ok(
      cookies(asked).some((c) => c.startsWith('lang=en')),
      'the choice remembered, as the route does',
    );
  });

  it('leaves to the route a page whose office or days the caches no longer hold, and one of another moment', async () => {
    const before = await request(t.app).get(DAY_PAGE).expect(200);
    t.container.services.schedule.invalidate(officeId);
    await request(t.app).get(DAY_PAGE).expect(200);
    assert.equal(officeReads, 2, 'the office read again: the page rendered from it');
    t.clock.advance(PAGE_MEMORY_MS);
    const later = await request(t.app).get(DAY_PAGE).expect(200);
    assert.equal(officeReads, 3, 'the moment has passed');
    assert.equal(later.text, before.text);
  });

  it('counts a kept answer under its route and logs it as the route does', async () => {
    // The same container (and so the same kept pages), its requests logged where the test reads them.
    const { app, lines } = appLogged(t);
    await request(app).get(DAY_PAGE).set('X-Request-Id', 'rendered').expect(200);
    await request(app).get(DAY_PAGE).set('X-Request-Id', 'kept').expect(200);
    assert.equal(officeReads, 1);
    await new Promise((resolve) => setImmediate(resolve));
    const line = (id: string) => {
      const found = lines.find((l) => (l.req as { id?: string } | undefined)?.id === id) as
        | { req: { url: string }; res: { statusCode: number }; msg: string }
        | undefined;
      return found && { url: found.req.url, status: found.res.statusCode, msg: found.msg };
    };
    assert.deepEqual(line('kept'), { url: DAY_PAGE, status: 200, msg: 'request completed' });
    assert.deepEqual(line('kept'), line('rendered'));
    const counted = (await t.container.metrics.httpRequests.get()).values.filter(
      (v) => v.labels.route === '/offices/:slug/days/:date' && v.labels.status === '200',
    );
    assert.equal(
      counted.reduce((n, v) => n + v.value, 0),
      2,
    );
  });

  it('answers a conditional request, a HEAD and a visitor with a flash the whole way, as before', async () => {
    const rendered = await request(t.app).get(DAY_PAGE).expect(200);
    const reads = officeReads;
    await request(t.app).get(DAY_PAGE).set('If-None-Match', '*').expect(304);
    await request(t.app).head(DAY_PAGE).expect(200);
    const flashed = await request(t.app).get(DAY_PAGE).set('Cookie', 'flash=x').expect(200);
    assert.equal(flashed.text, rendered.text, 'an unsigned flash is no flash');
    assert.equal(officeReads, reads + 3, 'each went to the route');
  });
});

describe('kept pages and the per-address limit', () => {
  beforeEach(resetDatabase);

  it('counts a kept answer against the address, and refuses it in the visitor language', async () => {
    const t = await buildTestApp({
      now: NOW,
      env: { SCHEDULE_CACHE_MS: '60000', RATE_LIMIT_PER_MINUTE: '3' },
    });
    await createOffice();
    for (let i = 0; i < 3; i++) await request(t.app).get(DAY_PAGE).set('Cookie', 'lang=en').expect(200);
    const refused = await request(t.app).get(DAY_PAGE).set('Cookie', 'lang=en').expect(429);
    assert.equal(lang(refused), 'en');
    assert.match(String(refused.headers['content-type']), /text\/html/);
    assert.ok(refused.headers['retry-after'] || refused.headers.ratelimit, 'told when to come back');
  });
});
