// Lockouts cannot be turned against their owners. Tried as the attacker would: five wrong
// passwords a quarter of an hour, for an hour, to keep the administrator out; wrong tokens and
// wrong phone digits against a booking reference, to keep its couple out. The guesser is
// slowed at its own address; the owner, with the right password, token or digits from its
// own address, always gets in. Only far beyond that is an account locked as a whole, for
// longer each time, with an unlock link mailed to it and an audit entry.
//
// Addresses are told apart by X-Forwarded-For, which the app trusts from loopback (TRUST_PROXY).
import assert from 'node:assert/strict';
import { randomBytes, scryptSync } from 'node:crypto';
import * as cheerio from 'cheerio';
import request from 'supertest';
import { AppointmentModel } from '../../src/models/appointment.model.ts';
import { AuditLogModel } from '../../src/models/audit-log.model.ts';
import { OutboxMessageModel } from '../../src/models/outbox-message.model.ts';
import { StaffUserModel } from '../../src/models/staff-user.model.ts';
import { ACCOUNT_LOCK_FAILURES } from '../../src/services/staff/staff-auth-service.ts';
import { LOGIN_FAILURES_PER_ADDRESS, LOGIN_FAILURES_PER_PAIR } from '../../src/web/limits/login-throttle.ts';
import { LOOKUP_FAILURES_PER_PAIR } from '../../src/web/limits/lookup-guard.ts';
import { couple } from '../helpers/ids.ts';
import { buildTestApp, createOffice, resetDatabase, type TestApp } from '../helpers/test-app.ts';
import { createUser, NOW, PASSWORD } from './staff-fixtures.ts';

/**
 * The password in password.ts's stored form, with a small scrypt cost: these tests fail to
 * sign in hundreds of times, and verifying reads the cost from the stored hash.
 */
function quickHash(password: string): string {
  const salt = randomBytes(16);
  const key = scryptSync(password.normalize('NFKC'), salt, 32, { N: 1024, r: 8, p: 1 });
  return ['scrypt', 1024, 8, 1, salt.toString('base64url'), key.toString('base64url')].join('$');
}

const ATTACKER = '203.0.113.9';
const OWNER = '198.51.100.7';
const DAY = '2026-08-10';

describe('security: lockouts that protect the owner', () => {
  let t: TestApp;
  beforeEach(async () => {
    await resetDatabase();
    t = await buildTestApp({ now: NOW });
  });

  describe('staff sign-in', function () {
    // Every attempt hashes a password (a missing account too, so both take the same time):
    // dozens of them outlast the default timeout on a loaded machine.
    this.timeout(120_000);
    let csrf: string;
    let agent: ReturnType<typeof request.agent>;
    beforeEach(async () => {
      await createUser('admin@example.com', 'admin', [], { passwordHash: quickHash(PASSWORD) });
      agent = request.agent(t.app);
      csrf = String(
        cheerio
          .load((await agent.get('/staff/login')).text)('input[name=_csrf]')
          .val(),
      );
    });
    const login = (from: string, password: string, email = 'admin@example.com', lang = '') =>
      agent
        .post(`/staff/login${lang}`)
        .set('X-Forwarded-For', from)
        .type('form')
        .send({ _csrf: csrf, email, password });
    const alert = (res: request.Response) => cheerio.load(res.text)('[role=alert]').text();

    it('five wrong passwords a quarter of an hour, for an hour, never keep the owner out', async () => {
      for (let round = 0; round < 4; round++) {
        for (let i = 0; i < LOGIN_FAILURES_PER_PAIR; i++) {
          assert.equal((await login(ATTACKER, `guess ${round}.${i}`)).status, 401);
        }
        const slowed = await login(ATTACKER, PASSWORD);
        assert.equal(slowed.status, 429, 'the guesser is slowed, even with the right password');
        assert.match(alert(slowed), /登录失败次数过多.*分钟后再试/);
        const owner = await login(OWNER, PASSWORD);
        assert.equal(owner.status, 303, `round ${round + 1}: the owner signs in from its own address`);
        t.clock.advance(15 * 60_000);
      }
      const stored = await StaffUserModel.findOne({ email: 'admin@example.com' }).lean();
      assert.equal(stored!.lockedUntil, undefined, 'the account itself was never locked');
    });

    it('an e-mail without an account is slowed exactly as one with an account', async () => {
      for (let i = 0; i < LOGIN_FAILURES_PER_PAIR; i++) {
        assert.equal((await login(ATTACKER, 'guess', 'nobody@example.com')).status, 401);
      }
      const real = await (async () => {
        for (let i = 0; i < LOGIN_FAILURES_PER_PAIR; i++) await login(ATTACKER, 'guess');
        return login(ATTACKER, 'guess');
      })();
      const ghost = await login(ATTACKER, 'guess', ' NOBODY@example.com');
      assert.equal(ghost.status, 429);
      assert.equal(alert(ghost), alert(real));
    });

    it('one address guessing many accounts is slowed; other addresses are not', async () => {
      for (let i = 0; i < LOGIN_FAILURES_PER_ADDRESS; i++) {
        assert.equal((await login(ATTACKER, 'guess', `someone${i}@example.com`)).status, 401, `try ${i + 1}`);
      }
      assert.equal((await login(ATTACKER, PASSWORD)).status, 429);
      assert.equal((await login(OWNER, PASSWORD)).status, 303);
    });

    it('far beyond that the account locks, mails an unlock link, audits, and the link lets the owner in', async () => {
      for (let n = 0; n < ACCOUNT_LOCK_FAILURES; n++) {
        const from = `192.0.2.${Math.floor(n / LOGIN_FAILURES_PER_PAIR) + 1}`;
        assert.equal((await login(from, `guess ${n}`)).status, 401, `failure ${n + 1}`);
      }
      const locked = await login(OWNER, PASSWORD, 'admin@example.com', '?lang=en');
      assert.equal(locked.status, 429, 'locked as a whole: the right password waits too');
      assert.match(alert(locked), /account is locked for 15 minutes/);
      const stored = await StaffUserModel.findOne({ email: 'admin@example.com' }).lean();
      assert.equal(stored!.lockedUntil!.toISOString(), new Date(Date.parse(NOW) + 15 * 60_000).toISOString());
      const audit = await AuditLogModel.findOne({ action: 'account.locked' }).lean();
      assert.ok(audit, 'an audit entry');
      assert.equal(audit!.target, `staff:${stored!._id}`);

      const mail = await OutboxMessageModel.findOne({ to: 'admin@example.com' }).lean();
      assert.ok(mail, 'an unlock mail through the mailer');
      const link = /http:\/\/localhost:3000(\/staff\/unlock\/[A-Za-z0-9_-]{43})/.exec(mail!.text)?.[1];
      assert.ok(link, `an unlock link in: ${mail!.text}`);
      assert.ok(mail!.html.includes(link!), 'and in the HTML');

      // Opening the link changes nothing (a mail scanner may open it); its button unlocks.
      const page = await agent.get(link!);
      assert.equal(page.status, 200);
      assert.ok((await StaffUserModel.findOne({ email: 'admin@example.com' }).lean())!.lockedUntil);
      const token = String(cheerio.load(page.text)('input[name=_csrf]').val());
      const unlocked = await agent.post(link!).type('form').send({ _csrf: token });
      assert.equal(unlocked.status, 303);
      assert.equal(unlocked.headers.location, '/staff/login');
      assert.equal(await AuditLogModel.countDocuments({ action: 'account.unlocked' }), 1);
      assert.equal((await login(OWNER, PASSWORD)).status, 303);
      // The link works once.
      assert.equal((await agent.post(link!).type('form').send({ _csrf: token })).status, 404);
    });

    it('each lock without a sign-in in between lasts longer; a sign-in starts again from the shortest', async () => {
      const lockOnce = async (round: number) => {
        for (let n = 0; n < ACCOUNT_LOCK_FAILURES; n++) {
          await login(`10.${round}.${Math.floor(n / LOGIN_FAILURES_PER_PAIR)}.1`, 'guess');
        }
        const s = await StaffUserModel.findOne({ email: 'admin@example.com' }).lean();
        return (s!.lockedUntil!.getTime() - t.clock().getTime()) / 60_000;
      };
      assert.equal(await lockOnce(1), 15);
      t.clock.advance(16 * 60_000);
      assert.equal(await lockOnce(2), 30);
      t.clock.advance(31 * 60_000);
      assert.equal(await lockOnce(3), 60);
      t.clock.advance(61 * 60_000);
      assert.equal((await login(OWNER, PASSWORD)).status, 303);
      assert.equal(await lockOnce(4), 15);
    });

    it('an e-mail without an account locks as a whole exactly as an account does, and nothing is mailed', async () => {
      for (let n = 0; n < ACCOUNT_LOCK_FAILURES; n++) {
        await login(`192.0.2.${Math.floor(n / LOGIN_FAILURES_PER_PAIR) + 1}`, 'guess', 'ghost@example.com');
      }
      const ghost = await login(OWNER, PASSWORD, 'ghost@example.com', '?lang=en');
      assert.equal(ghost.status, 429);
      assert.match(alert(ghost), /account is locked for 15 minutes/);
      assert.equal(await OutboxMessageModel.countDocuments(), 0);
    });
  });

  describe('booking look-ups', () => {
    let reference: string;
    let token: string;
    let phoneLast4: string;
    beforeEach(async () => {
      const officeId = (await createOffice())._id.toString();
      const c = couple();
      const res = await request(t.app)
        .post('/api/v1/appointments')
        .send({ officeId, date: DAY, start: '09:00', ...c })
        .expect(201);
      reference = res.body.reference;
      token = res.body.manageToken;
      phoneLast4 = c.partners[1]!.phone.slice(-4);
    });
    const get = (from: string, bearer: string) =>
      request(t.app)
        .get(`/api/v1/appointments/${reference}`)
        .set('X-Forwarded-For', from)
        .set('Authorization', `Bearer ${bearer}`);

    it('wrong tokens against a reference never refuse the holder of the right one, from any address', async () => {
      let last = 0;
      for (let i = 0; i < 30; i++) last = (await get(ATTACKER, `wrong-token-${i}`.padEnd(43, 'x'))).status;
      assert.equal(last, 429, 'the guesser is slowed');
      for (const from of [OWNER, ATTACKER]) {
        const mine = await get(from, token);
        assert.equal(mine.status, 200, `the holder of the token, from ${from}`);
      }
      const cancelled = await request(t.app)
        .post(`/api/v1/appointments/${reference}/cancel`)
        .set('X-Forwarded-For', ATTACKER)
        .set('Authorization', `Bearer ${token}`);
      assert.equal(cancelled.status, 200);
      assert.equal((await AppointmentModel.findOne({ reference }).lean())!.status, 'cancelled');
    });

    it('wrong phone digits on the look-up form slow the guesser, not the couple', async () => {
      const agent = request.agent(t.app);
      const csrf = String(
        cheerio
          .load((await agent.get('/lookup')).text)('input[name=_csrf]')
          .val(),
      );
      const lookup = (from: string, digits: string) =>
        agent
          .post('/lookup')
          .set('X-Forwarded-For', from)
          .type('form')
          .send({ _csrf: csrf, reference, phoneLast4: digits });
      const wrong = phoneLast4 === '0000' ? '0001' : '0000';
      for (let i = 0; i < LOOKUP_FAILURES_PER_PAIR; i++)
        assert.equal((await lookup(ATTACKER, wrong)).status, 404);
      assert.equal(
        (await lookup(ATTACKER, phoneLast4)).status,
        429,
        'no more guesses from there, right or wrong',
      );
      const owner = await lookup(OWNER, phoneLast4);
      assert.equal(owner.status, 303, 'the couple looks its booking up');
      // The API's token look-up is not slowed for the couple either.
      assert.equal((await get(OWNER, token)).status, 200);
    });
  });
});
