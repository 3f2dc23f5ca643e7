import assert from 'node:assert/strict';
import type { Router } from 'express';
import express from 'express';
import request from 'supertest';
import { WindowModel } from '../../src/models/window.model.ts';
import { requireStaff } from '../../src/web/middleware/staff-auth.ts';
import { browser } from '../helpers/forms.ts';
import { appWith, buildTestApp, resetDatabase, type TestApp } from '../helpers/test-app.ts';
import { book, createWorld, NOW, signIn, TODAY, type World } from './staff-fixtures.ts';

type Who = 'anonymous' | 'registrarA' | 'registrarB' | 'coordinatorA' | 'admin' | 'adminB';
const WHO: Who[] = ['anonymous', 'registrarA', 'registrarB', 'coordinatorA', 'admin', 'adminB'];
/** 'L': a 303 to the login page. Numbers are exact statuses. */
type Expect = number | 'L';

interface Case {
  method: 'GET' | 'POST';
  path: string;
  body?: Record<string, unknown>;
  /**
   * anonymous, registrar of the office, registrar of another office, coordinator, administrator
   * of every office, administrator of another office only
   */
  expect: [Expect, Expect, Expect, Expect, Expect, Expect];
}

// Who may do what, on office A's pages (registrar B is "a registrar of another office").
const PLANNERS: Case['expect'] = ['L', 200, 403, 403, 200, 403];
const PLANNERS_POST: Case['expect'] = ['L', 303, 403, 403, 303, 403];
const OFFICE_STAFF: Case['expect'] = ['L', 200, 403, 200, 200, 403];
/** Only an administrator of every office (office A's accounts, creating offices). */
const GLOBAL_ADMIN: Case['expect'] = ['L', 403, 403, 403, 200, 403];
const GLOBAL_ADMIN_POST: Case['expect'] = ['L', 403, 403, 403, 303, 403];
/** Any administrator (their own scope: the account list, office B's accounts). */
const ADMINS: Case['expect'] = ['L', 403, 403, 403, 200, 200];
const ADMINS_POST: Case['expect'] = ['L', 403, 403, 403, 303, 303];

function cases(w: World, ids: { appointment: string; window: string; user: string }): Case[] {
  const userB = w.users.registrarB.id;
  const globalAdmin = w.users.admin.id;
  const A = `/staff/offices/${w.officeA}`;
  const details = {
    nameZh: '锦江区婚姻登记处',
    nameEn: 'Jinjiang',
    addressZh: '东大街 88 号',
    addressEn: '',
    phone: '',
    timezone: 'Asia/Shanghai',
    documents: '身份证 | ID card',
    active: 'on',
  };
  const rules = {
    daysAhead: 30,
    cutoffDaysBefore: 1,
    cutoffTime: '17:00',
    openTime: '00:00',
    minAgeMale: 22,
    minAgeFemale: 20,
    maxNoShows: 3,
    withinDays: 180,
    blockDays: 30,
    ceremonyBufferMinutes: 30,
  };
  const weekday = (open: boolean) => ({
    open: open ? 'on' : '',
    sessions: open ? '09:00-12:00' : '',
    slotMinutes: 30,
    windowsOpen: open ? 2 : 0,
  });
  const template = {
    step: 'preview',
    days: {
      w1: weekday(true),
      w2: weekday(true),
      w3: weekday(true),
      w4: weekday(true),
      w5: weekday(true),
      w6: weekday(false),
      w7: weekday(false),
    },
  };
  return [
    { method: 'GET', path: '/staff', expect: ['L', 200, 200, 200, 200, 200] },
    { method: 'GET', path: '/staff/offices', expect: ['L', 200, 200, 200, 200, 200] },
    { method: 'GET', path: '/staff/offices/new', expect: GLOBAL_ADMIN },
    { method: 'GET', path: `/staff/offices/${w.officeB}`, expect: ['L', 403, 200, 403, 200, 200] },
    { method: 'GET', path: A, expect: OFFICE_STAFF },
    { method: 'GET', path: `${A}/windows`, expect: PLANNERS },
    { method: 'GET', path: `${A}/template`, expect: PLANNERS },
    { method: 'GET', path: `${A}/plans`, expect: PLANNERS },
    { method: 'GET', path: `${A}/plans/2026-08-19`, expect: PLANNERS },
    { method: 'GET', path: `${A}/plans/2026-08-19?suggest=qixi`, expect: PLANNERS },
    { method: 'GET', path: `${A}/import`, expect: PLANNERS },
    { method: 'GET', path: `${A}/peak-days`, expect: PLANNERS },
    { method: 'GET', path: `${A}/days/2026-08-05/close`, expect: PLANNERS },
    { method: 'GET', path: `${A}/walk-in`, expect: PLANNERS },
    { method: 'GET', path: `${A}/roster`, expect: OFFICE_STAFF },
    { method: 'GET', path: `${A}/roster?date=${TODAY}&q=1234`, expect: OFFICE_STAFF },
    { method: 'GET', path: `${A}/roster.csv`, expect: OFFICE_STAFF },
    { method: 'GET', path: `/staff/appointments/${ids.appointment}`, expect: OFFICE_STAFF },
    { method: 'GET', path: '/staff/roster', expect: ['L', 303, 303, 303, 303, 303] },
    { method: 'GET', path: '/staff/planning', expect: ['L', 303, 303, 403, 303, 303] },
    { method: 'GET', path: '/staff/accounts', expect: ADMINS },
    { method: 'GET', path: '/staff/accounts/new', expect: ADMINS },
    { method: 'GET', path: `/staff/accounts/${ids.user}`, expect: GLOBAL_ADMIN },
    { method: 'GET', path: `/staff/accounts/${userB}`, expect: ADMINS },
    { method: 'GET', path: `/staff/accounts/${globalAdmin}`, expect: GLOBAL_ADMIN },
    { method: 'GET', path: '/staff/audit', expect: ['L', 200, 200, 403, 200, 200] },
    { method: 'GET', path: '/staff/outbox', expect: ADMINS },
    { method: 'GET', path: `/staff?office=${w.officeA}`, expect: ['L', 200, 403, 200, 200, 403] },

    { method: 'POST', path: `${A}/details`, body: details, expect: GLOBAL_ADMIN_POST },
    { method: 'POST', path: `${A}/rules`, body: rules, expect: GLOBAL_ADMIN_POST },
    { method: 'POST', path: `${A}/windows`, body: { name: 'Extra' }, expect: PLANNERS_POST },
    { method: 'POST', path: `${A}/windows/couples`, body: { couplesPerWindow: 3 }, expect: PLANNERS_POST },
    { method: 'POST', path: `${A}/windows/${ids.window}`, body: { name: '一号' }, expect: PLANNERS_POST },
    { method: 'POST', path: `${A}/template`, body: template, expect: PLANNERS },
    {
      method: 'POST',
      path: `${A}/plans/2026-08-19`,
      body: { step: 'preview', kind: 'peak', extraWindows: 2 },
      expect: PLANNERS,
    },
    { method: 'POST', path: `${A}/plans/2026-08-19/remove`, body: { step: 'preview' }, expect: PLANNERS },
    {
      method: 'POST',
      path: `${A}/import`,
      body: { step: 'preview', csv: '2026-10-01,休,国庆节' },
      expect: PLANNERS,
    },
    {
      method: 'POST',
      path: `${A}/peak-days`,
      body: { month: 9, day: 9, labelZh: '长长久久' },
      expect: PLANNERS_POST,
    },
    { method: 'POST', path: `${A}/peak-days/remove`, body: { month: 9, day: 9 }, expect: PLANNERS_POST },
    { method: 'POST', path: `${A}/days/2026-08-05/close`, body: { step: 'preview' }, expect: PLANNERS },
    {
      method: 'POST',
      path: `${A}/walk-in`,
      body: { start: '16:00' },
      expect: ['L', 422, 403, 403, 422, 403],
    },
    {
      method: 'POST',
      path: `/staff/appointments/${ids.appointment}/check-in`,
      body: {},
      expect: PLANNERS_POST,
    },
    { method: 'POST', path: `/staff/appointments/${ids.appointment}/undo`, body: {}, expect: PLANNERS_POST },
    { method: 'POST', path: `/staff/appointments/${ids.appointment}/serve`, body: {}, expect: PLANNERS_POST },
    {
      method: 'POST',
      path: `/staff/appointments/${ids.appointment}/no-show`,
      body: {},
      expect: PLANNERS_POST,
    },
    { method: 'POST', path: `${A}/windows/${ids.window}/delete`, body: {}, expect: PLANNERS_POST },
    {
      method: 'POST',
      path: '/staff/offices',
      body: { ...details, slug: 'new-office' },
      expect: GLOBAL_ADMIN_POST,
    },
    {
      method: 'POST',
      path: '/staff/accounts',
      body: { email: 'x@example.com', name: 'X', role: 'registrar', offices: w.officeA },
      expect: GLOBAL_ADMIN_POST,
    },
    {
      method: 'POST',
      path: '/staff/accounts',
      body: { email: 'y@example.com', name: 'Y', role: 'registrar', offices: w.officeB },
      expect: ADMINS_POST,
    },
    {
      method: 'POST',
      path: '/staff/accounts',
      body: { email: 'z@example.com', name: 'Z', role: 'admin' },
      expect: GLOBAL_ADMIN_POST,
    },
    {
      method: 'POST',
      path: `/staff/accounts/${ids.user}`,
      body: { name: 'Y', role: 'registrar', offices: w.officeA },
      expect: GLOBAL_ADMIN_POST,
    },
    { method: 'POST', path: `/staff/accounts/${ids.user}/link`, body: {}, expect: GLOBAL_ADMIN_POST },
    { method: 'POST', path: `/staff/accounts/${ids.user}/deactivate`, body: {}, expect: GLOBAL_ADMIN_POST },
    { method: 'POST', path: `/staff/accounts/${ids.user}/activate`, body: {}, expect: GLOBAL_ADMIN_POST },
    {
      method: 'POST',
      path: `/staff/accounts/${userB}`,
      body: { name: 'B', role: 'registrar', offices: w.officeB },
      expect: ADMINS_POST,
    },
    {
      method: 'POST',
      path: `/staff/accounts/${userB}`,
      body: { name: 'B', role: 'admin' },
      expect: GLOBAL_ADMIN_POST,
    },
    {
      method: 'POST',
      path: `/staff/accounts/${userB}`,
      body: { name: 'B', role: 'registrar', offices: [w.officeA, w.officeB] },
      expect: GLOBAL_ADMIN_POST,
    },
    { method: 'POST', path: `/staff/accounts/${userB}/link`, body: {}, expect: ADMINS_POST },
    { method: 'POST', path: `/staff/accounts/${userB}/deactivate`, body: {}, expect: ADMINS_POST },
    { method: 'POST', path: `/staff/accounts/${userB}/activate`, body: {}, expect: ADMINS_POST },
    {
      method: 'POST',
      path: `/staff/accounts/${globalAdmin}/link`,
      body: {},
      expect: ['L', 403, 403, 403, 303, 403],
    },
    // An administrator never deactivates itself: the global one gets its own page back with a message.
    {
      method: 'POST',
      path: `/staff/accounts/${globalAdmin}/deactivate`,
      body: {},
      expect: ['L', 403, 403, 403, 303, 403],
    },
  ];
}

describe('staff console access matrix', () => {
  let t: TestApp;
  let w: World;
  let ids: { appointment: string; window: string; user: string };

  beforeEach(async () => {
    await resetDatabase();
    t = await buildTestApp({ now: NOW });
    w = await createWorld();
    const { appointment } = await book(t, w.officeA, TODAY, '11:00');
    const office = await t.container.services.staff.offices.get(w.officeA);
    await t.container.services.staff.windows.ensureDefaults(office);
    ids = {
      appointment: appointment._id.toString(),
      window: String((await WindowModel.findOne({ office: w.officeA }).sort({ position: 1 }).lean())!._id),
      user: w.users.coordinatorA.id,
    };
  });

  WHO.forEach((who, column) => {
    it(`gives the ${who} the expected status on every staff route`, async () => {
      const email =
        who === 'anonymous'
          ? undefined
          : {
              registrarA: 'registrar-a@example.com',
              registrarB: 'registrar-b@example.com',
              coordinatorA: 'coordinator-a@example.com',
              admin: 'admin@example.com',
              adminB: 'admin-b@example.com',
            }[who];
      const b = email ? await signIn(t, email) : { ...browser(t.app), csrf: '' };
      const csrf = email ? b.csrf : await b.csrfFrom('/staff/login');
      const failures: string[] = [];
      for (const c of cases(w, ids)) {
        const res =
          c.method === 'GET'
            ? await b.agent.get(c.path)
            : await b.agent
                .post(c.path)
                .type('form')
                .send({ _csrf: csrf, ...c.body } as object);
        const expected = c.expect[column]!;
        const ok =
          expected === 'L'
            ? res.status === 303 && String(res.headers.location).startsWith('/staff/login?next=')
            : res.status === expected;
        if (!ok)
          failures.push(
            `${c.method} ${c.path}: expected ${expected}, got ${res.status} ${res.headers.location ?? ''}`,
          );
        if (res.status === 403) assert.match(res.text, /没有权限/, `${c.path}: a localized 403 page`);
      }
      assert.deepEqual(failures, []);
    });
  });

  it('keeps a registrar of another office out of every appointment action and export', async () => {
    const b = await signIn(t, 'registrar-b@example.com');
    const csv = await b.agent.get(`/staff/offices/${w.officeA}/roster.csv`);
    assert.equal(csv.status, 403);
    assert.doesNotMatch(csv.text, /张伟/);
  });

  it('lets routers mounted after the console under /staff see the signed-in member of staff', async () => {
    const probe: Router = express.Router();
    probe.get('/', requireStaff('coordinator', 'admin'), (req, res) => {
      res.json({ staff: req.staff });
    });
    const app = appWith(t, [{ path: '/staff/probe', router: probe }]);
    const anon = await request(app).get('/staff/probe');
    assert.equal(anon.status, 303);
    assert.equal(anon.headers.location, '/staff/login?next=%2Fstaff%2Fprobe');
    const coordinator = await signIn({ ...t, app }, 'coordinator-a@example.com');
    const seen = await coordinator.agent.get('/staff/probe').set('Accept', 'application/json');
    assert.equal(seen.status, 200);
    assert.deepEqual(seen.body.staff, {
      id: w.users.coordinatorA.id,
      email: 'coordinator-a@example.com',
      name: 'coordinator-a',
      role: 'coordinator',
      offices: [w.officeA],
    });
    const registrar = await signIn({ ...t, app }, 'registrar-a@example.com');
    assert.equal((await registrar.agent.get('/staff/probe')).status, 403);
    // A path nobody serves is still a 404, after the console let it through.
    assert.equal((await registrar.agent.get('/staff/no-such-page')).status, 404);
  });
});
