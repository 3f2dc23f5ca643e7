// Cross-site request forgery: every state-changing route of the app (read from its router,
// so routes added later are covered too) refuses a request without a valid token, says so in
// the visitor's language, and changes nothing. Every form in the views carries the token.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as cheerio from 'cheerio';
import request from 'supertest';
import { translate } from '../../src/i18n/translate.ts';
import { couple } from '../helpers/ids.ts';
import {
  type AppRoute,
  appRoutes,
  fillPath,
  ROOT,
  type RunningServer,
  startTestServer,
} from '../helpers/server.ts';
import { createOffice, resetDatabase } from '../helpers/test-app.ts';
import { snapshotDb } from './fuzz-support.ts';

const NOW = '2026-08-03T02:00:00.000Z';
const DAY = '2026-08-10';
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function viewFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? viewFiles(path.join(dir, e.name))
      : e.name.endsWith('.ejs')
        ? [path.join(dir, e.name)]
        : [],
  );
}

describe('security: CSRF on every state-changing route', function () {
  this.timeout(60_000);
  let server: RunningServer;
  let routes: AppRoute[];
  let params: Record<string, string>;

  before(async () => {
    await resetDatabase();
    server = await startTestServer({ now: NOW });
    const office = await createOffice();
    const booked = await server.container.services.booking.book({
      officeId: office._id.toString(),
      date: DAY,
      start: '10:00',
      partners: couple().partners,
      email: 'victim@example.com',
      language: 'zh-CN',
      channel: 'online',
    });
    // Real values, so that a route missing its CSRF check would reach its handler and act.
    params = {
      token: booked.manageToken,
      reference: booked.appointment.reference,
      slug: 'jinjiang',
      date: DAY,
      officeId: office._id.toString(),
      id: booked.appointment._id.toString(),
      appointmentId: booked.appointment._id.toString(),
    };
    routes = appRoutes(server.app as never).filter((r) => STATE_CHANGING.has(r.method));
  });
  after(async () => {
    await server?.close();
  });

  it('finds the routes from the router (the known forms are among them)', () => {
    const keys = routes.map((r) => `${r.method} ${r.path}`);
    for (const known of [
      'POST /offices/:slug/days/:date/book',
      'POST /lookup',
      'POST /booking/:token/cancel',
      'POST /booking/:token/move',
    ]) {
      assert.ok(keys.includes(known), `${known} not found in ${keys.join(', ')}`);
    }
  });

  it('refuses each web route without a token, with a forged token, or with another visitor’s token', async () => {
    const web = routes.filter((r) => !r.path.startsWith('/api/'));
    // A genuine token and its cookies, from one visitor...
    const owner = request.agent(server.url);
    const page = await owner.get('/lookup').expect(200);
    const ownersToken = String(cheerio.load(page.text)('input[name=_csrf]').val());
    assert.ok(ownersToken.length > 20);
    // ...and a second visitor with cookies of their own.
    const other = request.agent(server.url);
    await other.get('/lookup?lang=en').expect(200);

    const before = await snapshotDb();
    const body = {
      date: '2026-08-11',
      start: '14:00',
      reference: params.reference,
      phoneLast4: '0000',
      reason: 'x',
      status: 'cancelled',
    };
    for (const route of web) {
      const url = fillPath(route.path, params);
      const attempts: [string, request.Test, 'zh-CN' | 'en'][] = [
        [
          'no cookies, no token',
          request(server.url)[route.method.toLowerCase() as 'post'](url).type('form').send(body),
          'zh-CN',
        ],
        ['cookies, no token', other[route.method.toLowerCase() as 'post'](url).type('form').send(body), 'en'],
        [
          'cookies, forged token',
          other[route.method.toLowerCase() as 'post'](url)
            .type('form')
            .send({ ...body, _csrf: 'forged-token' }),
          'en',
        ],
        [
          'cookies, another visitor’s token',
          other[route.method.toLowerCase() as 'post'](url)
            .type('form')
            .send({ ...body, _csrf: ownersToken }),
          'en',
        ],
        [
          'header token of another visitor',
          other[route.method.toLowerCase() as 'post'](url)
            .set('X-CSRF-Token', ownersToken)
            .type('form')
            .send(body),
          'en',
        ],
        ['JSON body, no token', other[route.method.toLowerCase() as 'post'](url).send(body), 'en'],
      ];
      for (const [what, attempt, locale] of attempts) {
        const res = await attempt;
        assert.equal(res.status, 403, `${route.method} ${route.path} (${what}) answered ${res.status}`);
        const text =
          res.type === 'application/json'
            ? res.body.error?.message
            : cheerio.load(res.text)('.error-card').text();
        assert.ok(
          String(text).includes(translate(locale, 'error.csrf')),
          `${route.method} ${route.path} (${what}): no localized CSRF message`,
        );
      }
    }
    assert.equal(await snapshotDb(), before, 'a refused request changed the database');
  });

  it('the JSON API is exempt only because it never acts on cookies: without its bearer token it finds nothing', async () => {
    const api = routes.filter((r) => r.path.startsWith('/api/') && r.path.includes(':reference'));
    assert.ok(api.length >= 2);
    const visitor = request.agent(server.url);
    await visitor.get(`/booking/${params.token}`).expect(200); // cookies of the booking's own browser
    const before = await snapshotDb();
    for (const [i, route] of api.entries()) {
      const res = await visitor[route.method.toLowerCase() as 'post'](fillPath(route.path, params))
        // Each from its own address: wrong tokens from one address soon answer 429 instead.
        .set('X-Forwarded-For', `192.0.2.${i + 1}`)
        .send({
          date: '2026-08-11',
          start: '14:00',
        });
      assert.equal(res.status, 404, `${route.method} ${route.path} acted on cookies (${res.status})`);
    }
    assert.equal(await snapshotDb(), before);
  });

  it('every POST form in the views carries the token, and no view needs inline script or style (the CSP forbids them)', () => {
    const files = viewFiles(path.join(ROOT, 'views'));
    assert.ok(files.length > 5);
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const rel = path.relative(ROOT, file);
      for (const form of text.match(/<form\b[^>]*>[\s\S]*?<\/form>/gi) ?? []) {
        const open = form.slice(0, form.indexOf('>') + 1);
        if (/method=["']?post/i.test(open))
          assert.match(
            form,
            /name=["']_csrf["'][^>]*value=["']<%=|csrfToken\(\)|include\([^)]*csrf/i,
            `${rel}: a POST form without the CSRF token: ${open}`,
          );
      }
      assert.doesNotMatch(text, /<script(?![^>]*\bsrc=)[^>]*>/i, `${rel}: inline <script>`);
      // Mail bodies are read by mail clients, not under the site's CSP: inline styles are how mail is styled.
      if (!rel.startsWith(path.join('views', 'emails')))
        assert.doesNotMatch(text, /\sstyle=["']|<style\b/i, `${rel}: inline style`);
      assert.doesNotMatch(text, /\son[a-z]+=["']/i, `${rel}: inline event handler`);
    }
  });
});
