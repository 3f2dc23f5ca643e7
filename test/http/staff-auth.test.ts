import assert from 'node:assert/strict';
import * as cheerio from 'cheerio';
import request from 'supertest';
import { AuditLogModel } from '../../src/models/audit-log.model.ts';
import { StaffUserModel } from '../../src/models/staff-user.model.ts';
import { browser } from '../helpers/forms.ts';
import { buildTestApp, resetDatabase, type TestApp } from '../helpers/test-app.ts';
import { createWorld, NOW, PASSWORD, signIn, type World } from './staff-fixtures.ts';

const SESSION = 'staff.sid';

function sessionCookie(res: request.Response): string | undefined {
  const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  return cookies.find((c) => c.startsWith(`${SESSION}=`))?.split(';')[0];
}

describe('staff sign-in', () => {
  let t: TestApp;
  let w: World;
  beforeEach(async () => {
    await resetDatabase();
    t = await buildTestApp({ now: NOW });
    w = await createWorld();
  });

  it('sends a visitor to the login page and back after signing in', async () => {
    const anon = await request(t.app).get('/staff/offices').expect(303);
    assert.equal(anon.headers.location, '/staff/login?next=%2Fstaff%2Foffices');
    const b = browser(t.app);
    const { $ } = await b.get('/staff/login?next=%2Fstaff%2Foffices');
    assert.equal($('input[name=next]').val(), '/staff/offices');
    const res = await b.post('/staff/login', {
      _csrf: $('input[name=_csrf]').val(),
      email: 'Registrar-A@Example.com ',
      password: PASSWORD,
      next: '/staff/offices',
    });
    assert.equal(res.res.status, 303);
    assert.equal(res.res.headers.location, '/staff/offices');
    const cookie = ([] as string[])
      .concat(res.res.headers['set-cookie'] ?? [])
      .find((c) => c.startsWith(SESSION));
    assert.ok(cookie, 'a session cookie is set');
    assert.match(cookie, /Path=\/staff/);
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Lax/);
    const page = await b.get('/staff/offices');
    assert.equal(page.res.status, 200);
    assert.match(page.$('.staff-user').text(), /registrar-a/);
  });

  it('never redirects outside the console after login', async () => {
    const b = browser(t.app);
    const csrf = await b.csrfFrom('/staff/login');
    for (const next of ['https://evil.example/', '//evil.example/staff', '/offices', '/staff\\@evil']) {
      const res = await b.agent
        .post('/staff/login')
        .type('form')
        .send({ _csrf: csrf, email: 'admin@example.com', password: PASSWORD, next });
      assert.equal(res.headers.location, '/staff', `next=${next}`);
    }
  });

  it('refuses a wrong password with the same message as an unknown e-mail', async () => {
    const b = browser(t.app);
    const csrf = await b.csrfFrom('/staff/login');
    const wrong = await b.post('/staff/login', {
      _csrf: csrf,
      email: 'admin@example.com',
      password: 'nope nope nope',
    });
    const unknown = await b.post('/staff/login', {
      _csrf: csrf,
      email: 'nobody@example.com',
      password: 'nope nope nope',
    });
    assert.equal(wrong.res.status, 401);
    assert.equal(unknown.res.status, 401);
    assert.equal(wrong.$('[role=alert]').text().trim(), '邮箱或密码不正确。');
    assert.equal(unknown.$('[role=alert]').text().trim(), wrong.$('[role=alert]').text().trim());
    assert.equal(sessionCookie(wrong.res), undefined, 'no session for a failed login');
  });

  it('slows an address for 15 minutes after 5 failures in a row there, even for the right password', async () => {
    const b = browser(t.app);
    const csrf = await b.csrfFrom('/staff/login');
    for (let i = 0; i < 5; i++) {
      const res = await b.post('/staff/login', {
        _csrf: csrf,
        email: 'registrar-a@example.com',
        password: `wrong ${i} password`,
      });
      assert.equal(res.res.status, 401, `attempt ${i + 1}`);
    }
    const stored = await StaffUserModel.findOne({ email: 'registrar-a@example.com' }).lean();
    assert.equal(stored?.lockedUntil, undefined, 'the account itself is not locked: that is far beyond');
    assert.equal(stored?.failedLogins, 5);
    const locked = await b.post('/staff/login', {
      _csrf: csrf,
      email: 'registrar-a@example.com',
      password: PASSWORD,
    });
    assert.equal(locked.res.status, 429);
    assert.match(locked.$('[role=alert]').text(), /登录失败次数过多.*15 分钟后再试/);
    assert.equal(await AuditLogModel.countDocuments({ action: 'account.locked' }), 0);

    t.clock.advance(15 * 60_000 + 1);
    const again = await b.post('/staff/login', {
      _csrf: csrf,
      email: 'registrar-a@example.com',
      password: PASSWORD,
    });
    assert.equal(again.res.status, 303, 'the wait ends by itself');
    const after = await StaffUserModel.findOne({ email: 'registrar-a@example.com' }).lean();
    assert.equal(after?.failedLogins, 0);
    assert.equal(after?.lockedUntil, undefined);
  });

  it('remembers the console language at sign-in, for the staff mails', async () => {
    const b = browser(t.app);
    const csrf = await b.csrfFrom('/staff/login?lang=en');
    const res = await b.post('/staff/login', {
      _csrf: csrf,
      email: 'registrar-a@example.com',
      password: PASSWORD,
    });
    assert.equal(res.res.status, 303);
    const stored = await StaffUserModel.findOne({ email: 'registrar-a@example.com' }).lean();
    assert.equal(stored?.language, 'en');
  });

  it('slows an unknown e-mail exactly as an account, so the wait reveals nothing', async () => {
    const b = browser(t.app);
    const csrf = await b.csrfFrom('/staff/login');
    for (let i = 0; i < 5; i++) {
      const res = await b.post('/staff/login', {
        _csrf: csrf,
        email: 'ghost@example.com',
        password: `wrong ${i} password`,
      });
      assert.equal(res.res.status, 401, `attempt ${i + 1}`);
    }
    const locked = await b.post('/staff/login', {
      _csrf: csrf,
      email: 'ghost@example.com',
      password: PASSWORD,
    });
    assert.equal(locked.res.status, 429);
    assert.match(locked.$('[role=alert]').text(), /登录失败次数过多.*15 分钟后再试/);
  });

  it('gives a new session id at every sign-in and forgets the old one', async () => {
    const b = browser(t.app);
    const csrf = await b.csrfFrom('/staff/login');
    const first = await b.agent
      .post('/staff/login')
      .type('form')
      .send({ _csrf: csrf, email: 'admin@example.com', password: PASSWORD });
    const before = sessionCookie(first);
    assert.ok(before);
    const second = await b.agent
      .post('/staff/login')
      .type('form')
      .send({ _csrf: csrf, email: 'admin@example.com', password: PASSWORD });
    const after = sessionCookie(second);
    assert.ok(after);
    assert.notEqual(after, before, 'the session id changes at login');
    // The old id (e.g. one planted before login) no longer signs anyone in.
    const old = await request(t.app).get('/staff/accounts').set('Cookie', before);
    assert.equal(old.status, 303);
    assert.match(String(old.headers.location), /^\/staff\/login/);
    const current = await request(t.app).get('/staff/accounts').set('Cookie', after);
    assert.equal(current.status, 200);
  });

  it('ends a session idle for more than 30 minutes', async () => {
    const b = await signIn(t, 'registrar-a@example.com');
    t.clock.advance(29 * 60_000);
    assert.equal((await b.agent.get('/staff')).status, 200, 'still signed in after 29 minutes');
    t.clock.advance(29 * 60_000);
    assert.equal((await b.agent.get('/staff')).status, 200, 'activity keeps the session alive');
    t.clock.advance(31 * 60_000);
    const res = await b.agent.get('/staff');
    assert.equal(res.status, 303);
    assert.match(String(res.headers.location), /^\/staff\/login/);
    // Signing in again with the expired cookie still in the browser works.
    t.clock.advance(31 * 60_000);
    const again = await b.agent
      .post('/staff/login')
      .type('form')
      .send({ _csrf: b.csrf, email: 'registrar-a@example.com', password: PASSWORD });
    assert.equal(again.status, 303);
    assert.equal(again.headers.location, '/staff');
    assert.equal((await b.agent.get('/staff')).status, 200);
  });

  it('signs a deactivated account out at once', async () => {
    const b = await signIn(t, 'registrar-a@example.com');
    assert.equal((await b.agent.get('/staff')).status, 200);
    await StaffUserModel.updateOne({ email: 'registrar-a@example.com' }, { $set: { active: false } });
    assert.equal((await b.agent.get('/staff')).status, 303);
  });

  it('signs out with a POST and the session is gone', async () => {
    const b = await signIn(t, 'admin@example.com');
    const out = await b.agent.post('/staff/logout').type('form').send({ _csrf: b.csrf });
    assert.equal(out.status, 303);
    assert.equal(out.headers.location, '/staff/login');
    assert.equal((await b.agent.get('/staff')).status, 303);
  });

  it('rejects a form without a valid CSRF token', async () => {
    const b = await signIn(t, 'admin@example.com');
    const res = await b.agent.post('/staff/logout').type('form').send({});
    assert.equal(res.status, 403);
    const forged = await b.agent
      .post(`/staff/offices/${w.officeA}/windows`)
      .type('form')
      .send({ _csrf: 'forged', name: 'X' });
    assert.equal(forged.status, 403);
    assert.match(cheerio.load(forged.text)('main').text(), /页面已过期/);
  });

  it('limits sign-in attempts per account', async () => {
    const b = browser(t.app);
    const csrf = await b.csrfFrom('/staff/login');
    let last = 0;
    for (let i = 0; i < 21; i++) {
      const res = await b.agent
        .post('/staff/login')
        .type('form')
        .send({ _csrf: csrf, email: 'ghost@example.com', password: 'wrong password' });
      last = res.status;
    }
    assert.equal(last, 429);
  });
});

describe('one-time password links', () => {
  let t: TestApp;
  beforeEach(async () => {
    await resetDatabase();
    t = await buildTestApp({ now: NOW });
    await createWorld();
  });

  it('an administrator creates an account; the link sets a password once', async () => {
    const admin = await signIn(t, 'admin@example.com');
    const form = await admin.get('/staff/accounts/new');
    const officeA = form.$('input[name=offices]').first().val() as string;
    const created = await admin.post('/staff/accounts', {
      _csrf: admin.csrf,
      email: 'new.clerk@example.com',
      name: '新同事',
      role: 'registrar',
      offices: officeA,
    });
    assert.equal(created.res.status, 303);
    const page = await admin.get(created.res.headers.location as string);
    const link = page.$('#one-time-link').text().trim();
    assert.match(link, /^http:\/\/localhost:3000\/staff\/password\/[A-Za-z0-9_-]{43}$/);
    const again = await admin.get(created.res.headers.location as string);
    assert.equal(again.$('#one-time-link').length, 0, 'the link is shown once');
    const stored = await StaffUserModel.findOne({ email: 'new.clerk@example.com' }).lean();
    assert.equal(stored?.passwordHash, '');
    assert.ok(
      stored?.passwordSetTokenHash && !link.includes(stored.passwordSetTokenHash),
      'only a hash of the token is stored',
    );

    const path = new URL(link).pathname;
    const clerk = browser(t.app);
    const { $ } = await clerk.get(path);
    const short = await clerk.post(path, {
      _csrf: $('input[name=_csrf]').val(),
      password: 'short',
      confirm: 'short',
    });
    assert.equal(short.res.status, 422);
    const set = await clerk.post(path, {
      _csrf: $('input[name=_csrf]').val(),
      password: 'a long enough secret',
      confirm: 'a long enough secret',
    });
    assert.equal(set.res.status, 303);
    assert.equal((await clerk.get(path)).res.status, 404, 'the link works once');
    await signIn(t, 'new.clerk@example.com', 'a long enough secret');
  });

  it('deactivating an account refuses its sign-in', async () => {
    const admin = await signIn(t, 'admin@example.com');
    const user = await StaffUserModel.findOne({ email: 'registrar-b@example.com' }).lean();
    const res = await admin.post(`/staff/accounts/${user!._id}/deactivate`, { _csrf: admin.csrf });
    assert.equal(res.res.status, 303);
    await assert.rejects(signIn(t, 'registrar-b@example.com'), /sign-in of registrar-b/);
    const own = await StaffUserModel.findOne({ email: 'admin@example.com' }).lean();
    await admin.post(`/staff/accounts/${own!._id}/deactivate`, { _csrf: admin.csrf });
    assert.equal(
      (await StaffUserModel.findById(own!._id).lean())?.active,
      true,
      'an administrator cannot lock themselves out',
    );
    assert.equal(await AuditLogModel.countDocuments({ action: 'account.deactivate' }), 1);
  });
});
