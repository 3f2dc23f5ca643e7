// Bad input to every state-changing route the app has, found in its router (so the staff
// console, ceremonies, the lottery and whatever comes next are covered without editing this
// file): generated form bodies built from the field names the views and schemas use, sent
// by a signed-in administrator with a valid CSRF token, on real ids. Whatever is sent: never a
// 5xx; a refusal says why (a localized page, or an error flash after a redirect) and changes
// nothing in the database; a success leaves the slot counters consistent.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as cheerio from 'cheerio';
import fc from 'fast-check';
import request from 'supertest';
import { PASSWORD, staffUser } from '../browser/fixtures.ts';
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
import {
  assertCountersConsistent,
  assertSameDb,
  dateLike,
  nastyString,
  rejectionMessage,
  snapshotDb,
} from './fuzz-support.ts';

const NOW = '2026-08-03T02:00:00.000Z'; // Monday 10:00 in Chengdu
const TODAY = '2026-08-03';
const DAY = '2026-08-10';
const RUNS = Number(process.env.FUZZ_ROUTE_RUNS ?? 25);

function files(dir: string, ext: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? files(path.join(dir, e.name), ext)
      : e.name.endsWith(ext)
        ? [path.join(dir, e.name)]
        : [],
  );
}

/** Every field name a form or a schema mentions: what a person (or a script) could post. */
function fieldNames(): string[] {
  const names = new Set<string>();
  for (const f of files(path.join(ROOT, 'views'), '.ejs')) {
    for (const m of readFileSync(f, 'utf8').matchAll(/name="([A-Za-z][A-Za-z0-9_]*)"/g)) names.add(m[1]!);
    for (const m of readFileSync(f, 'utf8').matchAll(/\['([a-z][A-Za-z0-9]*)', '[a-z]+\.[a-z_.]+'/g))
      names.add(m[1]!);
  }
  for (const f of files(path.join(ROOT, 'src/web/schemas'), '.ts')) {
    for (const m of readFileSync(f, 'utf8').matchAll(/^\s+([a-z][A-Za-z0-9]*):\s/gm)) names.add(m[1]!);
  }
  for (const skip of [
    '_csrf',
    'viewport',
    'robots',
    'format-detection',
    'color-scheme',
    'error',
    'path',
    'page',
  ])
    names.delete(skip);
  return [...names].sort();
}

/** Values that look right often enough to get past the first check. */
const plausible = fc.constantFrom(
  '1',
  '2',
  '0',
  '7',
  '30',
  '-1',
  '999999',
  '09:00',
  '16:00',
  '08:30-12:00, 13:30-18:00',
  TODAY,
  DAY,
  '2026-08-19',
  '2026-08-10T09:00',
  '2026-08-09T17:00',
  'peak',
  'closed',
  'special',
  'preview',
  'apply',
  'open',
  'draft',
  'held',
  'closed',
  'up',
  'down',
  'yes',
  'no',
  'on',
  'true',
  'registrar',
  'coordinator',
  'admin',
  'zh-CN',
  'en',
  'Asia/Shanghai',
  'someone@example.com',
  '七夕',
);

function decodeFlash(res: request.Response): { kind?: string; key?: string } | undefined {
  for (const c of ([] as string[]).concat(res.headers['set-cookie'] ?? [])) {
    const m = /^flash=([^;]*)/.exec(c);
    if (!m?.[1]) continue;
    const raw = decodeURIComponent(m[1]);
    const json = raw.startsWith('s:') ? raw.slice(2, raw.lastIndexOf('.')) : raw;
    try {
      return JSON.parse(json);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

describe('bad input to every state-changing route (generated)', function () {
  this.timeout(300_000);
  let server: RunningServer;
  let agent: ReturnType<typeof request.agent>;
  let csrf: string;
  let routes: AppRoute[];
  const params: Record<string, Record<string, string>> = {};
  const names = fieldNames();

  before(async () => {
    await resetDatabase();
    server = await startTestServer({ now: NOW });
    const office = await createOffice();
    await createOffice({ slug: 'wuhou', name: { zh: '武侯区婚姻登记处', en: 'Wuhou' } });
    const officeId = office._id.toString();
    const admin = await staffUser('admin@example.com', 'admin', []);
    await staffUser('registrar@example.com', 'registrar', [officeId]);
    const { StaffUserModel } = await import('../../src/models/staff-user.model.ts');
    const registrarId = String(
      (await StaffUserModel.findOne({ email: 'registrar@example.com' }).lean())!._id,
    );
    const { booking, ceremonies } = server.container.services;
    const book = async (date: string, start: string) =>
      booking.book({ officeId, date, start, ...couple(), channel: 'staff', actor: 'test' });
    server.clock.set('2026-08-02T02:00:00.000Z');
    const today = await book(TODAY, '10:30');
    server.clock.set(NOW);
    const onDay = [await book(DAY, '09:00'), await book(DAY, '10:00'), await book(DAY, '11:00')];
    const ceremony = await ceremonies.create(
      officeId,
      {
        date: DAY,
        start: '16:00',
        durationMinutes: 45,
        title: { zh: '集体颁证仪式', en: 'Group ceremony' },
        hall: { zh: '颁证大厅', en: 'Hall' },
        seats: 2,
        minCouples: 1,
        signupDeadline: '2026-08-09T17:00',
        offerHours: 24,
      },
      { status: 'open', actor: 'test' },
    );
    const ceremonyId = String((ceremony as { _id?: unknown })._id ?? (ceremony as { id?: unknown }).id);

    agent = request.agent(server.url);
    csrf = String(
      cheerio
        .load((await agent.get('/staff/login')).text)('input[name=_csrf]')
        .val(),
    );
    await agent
      .post('/staff/login')
      .type('form')
      .send({ _csrf: csrf, email: admin, password: PASSWORD })
      .expect(303);
    for (const b of onDay.slice(0, 2)) {
      await agent
        .post(`/staff/ceremonies/${ceremonyId}/add`)
        .type('form')
        .send({ _csrf: csrf, reference: b.appointment.reference })
        .expect(303);
    }
    // An office's windows are made from its template on first use: use them once, so that
    // the fuzz compares the database with that done (like slot counters, see snapshotDb).
    await agent.get(`/staff/offices/${officeId}/windows`).expect(200);
    const { WindowModel } = await import('../../src/models/window.model.ts');
    const windowId = String(
      (await WindowModel.findOne({ office: officeId }).sort({ position: -1 }).lean())?._id ?? 'x',
    );
    const { CeremonySeatModel } = await import('../../src/models/ceremony-seat.model.ts');
    const seatId = String((await CeremonySeatModel.findOne({ ceremony: ceremonyId }).lean())!._id);

    const common = {
      officeId,
      date: DAY,
      slug: 'jinjiang',
      seatId,
      windowId,
      reference: onDay[2]!.appointment.reference,
    };
    params.staffAppointments = { ...common, id: today.appointment._id.toString() };
    params.staffAccounts = { ...common, id: registrarId };
    params.ceremonies = { ...common, id: ceremonyId };
    params.couple = { ...common, token: onDay[2]!.manageToken };
    params.other = { ...common, id: 'x', token: 'A'.repeat(43) };

    // Signing out and in is not input handling: tested in the security and staff suites.
    routes = appRoutes(server.app as never).filter(
      (r) =>
        ['POST', 'PUT', 'PATCH', 'DELETE'].includes(r.method) &&
        !['/staff/logout', '/staff/login'].includes(r.path),
    );
  });
  after(async () => {
    await server?.close();
  });

  function paramsFor(route: AppRoute): Record<string, string> {
    if (route.path.startsWith('/staff/appointments/')) return params.staffAppointments!;
    if (route.path.startsWith('/staff/accounts/')) return params.staffAccounts!;
    if (route.path.startsWith('/staff/ceremonies/')) return params.ceremonies!;
    if (route.path.startsWith('/booking/')) return params.couple!;
    return params.other!;
  }

  const body = fc.oneof(
    {
      weight: 4,
      arbitrary: fc.dictionary(
        fc.constantFrom(...names),
        fc.oneof(plausible, nastyString, dateLike, fc.array(plausible, { maxLength: 3 })),
        { maxKeys: 8 },
      ),
    },
    { weight: 1, arbitrary: fc.dictionary(fc.string({ maxLength: 12 }), nastyString, { maxKeys: 5 }) },
    // Nested fields (a[b]=c), some named like the methods a page calls to print a value.
    {
      weight: 1,
      arbitrary: fc.dictionary(
        fc.constantFrom(...names),
        fc.dictionary(fc.constantFrom('toString', 'valueOf', '0', 'name', '$gt', '__proto__'), nastyString, {
          maxKeys: 2,
        }),
        { maxKeys: 3 },
      ),
    },
  );

  async function fuzz(filter: (r: AppRoute) => boolean) {
    const chosen = routes.filter(filter);
    assert.ok(chosen.length > 0, 'no route matched');
    for (const route of chosen) {
      const url = fillPath(route.path, paramsFor(route));
      const api = route.path.startsWith('/api/');
      await fc.assert(
        fc.asyncProperty(body, fc.boolean(), async (form, english) => {
          const before = await snapshotDb();
          const target = `${url}${english ? (url.includes('?') ? '&' : '?') + 'lang=en' : ''}`;
          const req = agent[route.method.toLowerCase() as 'post'](target);
          const res = api ? await req.send(form) : await req.type('form').send({ ...form, _csrf: csrf });
          const what = `${route.method} ${route.path} ${JSON.stringify(form).slice(0, 300)}`;
          assert.ok(res.status < 500, `${what} answered ${res.status}: ${res.text.slice(0, 300)}`);
          assert.notEqual(res.headers.location, '/staff/login', `${what} lost the session`);
          const flash = res.status === 303 ? decodeFlash(res) : undefined;
          const refused = res.status >= 400 || flash?.kind === 'error';
          if (res.status >= 400)
            rejectionMessage(res, res.type === 'text/html' ? cheerio.load(res.text) : undefined);
          if (refused) assertSameDb(before, await snapshotDb(), `${what}: refused (${res.status}) yet it`);
          else await assertCountersConsistent();
        }),
        { numRuns: RUNS },
      );
    }
  }

  it('every page, with hostile path segments and query strings', async () => {
    const gets = appRoutes(server.app as never).filter(
      (r) => r.method === 'GET' && r.path !== '/staff/logout',
    );
    assert.ok(gets.length > 30);
    const segment = fc.oneof(
      nastyString.map((x) => encodeURIComponent(x) || 'x'),
      dateLike,
    );
    const query = fc.dictionary(
      fc.constantFrom(...names, 'lang', 'date', 'month', 'q', 'page', 'before', 'next'),
      fc.oneof(plausible, nastyString),
      { maxKeys: 4 },
    );
    for (const route of gets) {
      await fc.assert(
        fc.asyncProperty(fc.boolean(), segment, query, async (realParams, s, q) => {
          const url = fillPath(
            route.path,
            realParams ? paramsFor(route) : new Proxy({}, { get: () => decodeURIComponent(s) }),
          );
          const qs = new URLSearchParams(q as Record<string, string>).toString();
          const before = await snapshotDb();
          const res = await agent.get(`${url}${qs ? `${url.includes('?') ? '&' : '?'}${qs}` : ''}`);
          const what = `GET ${route.path} ${url} ?${qs.slice(0, 200)}`;
          assert.ok(res.status < 500, `${what} answered ${res.status}: ${res.text.slice(0, 300)}`);
          assert.notEqual(res.headers.location, '/staff/login', `${what} lost the session`);
          if (res.status >= 400 && res.type !== 'text/csv')
            rejectionMessage(res, res.type === 'text/html' ? cheerio.load(res.text) : undefined);
          assertSameDb(before, await snapshotDb(), `${what} (a page)`);
        }),
        { numRuns: Math.max(5, Math.ceil(RUNS / 2)) },
      );
    }
  });

  it('the staff console', () =>
    fuzz(
      (r) =>
        r.path.startsWith('/staff/') &&
        !r.path.startsWith('/staff/ceremonies') &&
        !r.path.startsWith('/staff/lottery'),
    ));
  it('the ceremony console', () => fuzz((r) => r.path.startsWith('/staff/ceremonies')));
  it('the lottery console', () => fuzz((r) => r.path.startsWith('/staff/lottery')));
  it('the couple’s pages', () => fuzz((r) => !r.path.startsWith('/staff/') && !r.path.startsWith('/api/')));
  it('the JSON API (with cookies but no bearer token)', () => fuzz((r) => r.path.startsWith('/api/')));
});
