// Rotating APP_SECRET (docs/deploy.md, "The application secret"): what the old secret signed or
// derived — cookies, staff sessions, CSRF forms, lottery status links, manage links of retried
// bookings, verification codes — still works after a restart with APP_SECRET=new and
// APP_SECRET_PREVIOUS=old, and ID fingerprints, under a key of their own, still match their
// people. Once the old secret is removed, what it signed stops working, except links already
// sent, which are stored as hashes and never depended on the secret.
import assert from 'node:assert/strict';
import * as cheerio from 'cheerio';
import request from 'supertest';
import { idFingerprintSecret } from '../../src/db.ts';
import { createSystemRandom } from '../../src/lib/clock.ts';
import type { SecretKeys } from '../../src/lib/secret-keys.ts';
import { AppointmentModel } from '../../src/models/appointment.model.ts';
import { createVerificationService } from '../../src/services/verification/verification-codes.ts';
import { couple } from '../helpers/ids.ts';
import { buildTestApp, createOffice, resetDatabase, type TestApp } from '../helpers/test-app.ts';
import { lastCode, recordingSender } from '../integration/verification-support.ts';
import { DAY as LOTTERY_DAY, lotteryOffice } from './lottery-support.ts';
import { createUser } from './staff-fixtures.ts';

const NOW = '2026-08-03T02:00:00.000Z';
const DAY = '2026-08-10';
const OLD = 'the-old-secret-0123456789-abcdefghijklmn';
const NEW = 'the-new-secret-0123456789-abcdefghijklmn';
/** Before: one secret, which also keyed the ID fingerprints. */
const BEFORE: SecretKeys = { secret: OLD };
/** The rolling restart: the new secret signs, the old one still verifies, fingerprints keep their key. */
const ROTATED: SecretKeys = { secret: NEW, previousSecrets: [OLD], fingerprintSecret: OLD };
/** After the longest-lived token: the old secret removed. */
const RETIRED: SecretKeys = { secret: NEW, fingerprintSecret: OLD };

const started = (secrets: SecretKeys) => buildTestApp({ now: NOW, secrets });

/** The cookies a response set, as a Cookie header for a request to another process. */
function cookiesOf(...responses: request.Response[]): string {
  const jar = new Map<string, string>();
  for (const res of responses) {
    const set = res.headers['set-cookie'] as unknown as string[] | undefined;
    for (const line of set ?? []) {
      const pair = line.split(';')[0]!;
      jar.set(pair.slice(0, pair.indexOf('=')), pair);
    }
  }
  return [...jar.values()].join('; ');
}

const csrfOf = (res: request.Response) => String(cheerio.load(res.text)('input[name=_csrf]').val());

async function bookOnline(t: TestApp, c = couple(), idempotencyKey?: string) {
  const office = await createOffice();
  return t.container.services.booking.book({
    officeId: office._id.toString(),
    date: DAY,
    start: '10:00',
    partners: c.partners,
    email: c.email,
    language: 'zh-CN',
    channel: 'online',
    ...(idempotencyKey ? { idempotencyKey } : {}),
  });
}

describe('rotating the application secret', function () {
  this.timeout(30_000);
  beforeEach(resetDatabase);

  it('a signed look-up cookie and a CSRF form from before the rotation still work after it, and stop once the old secret is removed', async () => {
    const before = await started(BEFORE);
    const c = couple();
    const booked = await bookOnline(before, c);
    const form = await request(before.app).get('/lookup').expect(200);
    const found = await request(before.app)
      .post('/lookup')
      .set('Cookie', cookiesOf(form))
      .type('form')
      .send({
        _csrf: csrfOf(form),
        reference: booked.appointment.reference,
        phoneLast4: c.partners[0]!.phone.slice(-4),
      })
      .expect(303);
    const signedAccess = cookiesOf(found);
    assert.match(signedAccess, /appt=s%3A/, 'a signed access cookie');
    const openedForm = await request(before.app).get('/lookup').expect(200);

    const rotated = await started(ROTATED);
    const page = await request(rotated.app).get('/booking/r').set('Cookie', signedAccess);
    assert.equal(page.status, 200, 'the look-up cookie signed with the old secret opens the booking');
    assert.ok(page.text.includes(booked.appointment.reference));
    /** The form opened before the rotation, sent to `t` (a reference that does not exist: 404 past the CSRF check). */
    const sendOpenedForm = (t: TestApp) =>
      request(t.app)
        .post('/lookup')
        .set('Cookie', cookiesOf(openedForm))
        .type('form')
        .send({ _csrf: csrfOf(openedForm), reference: 'ZZZZ-ZZZZ', phoneLast4: '0000' });
    const posted = await sendOpenedForm(rotated);
    assert.equal(posted.status, 404, 'the form opened before the rotation passes the CSRF check');

    const retired = await started(RETIRED);
    assert.equal((await request(retired.app).get('/booking/r').set('Cookie', signedAccess)).status, 404);
    const refused = await sendOpenedForm(retired);
    assert.equal(refused.status, 403, 'a CSRF token of the removed secret is refused');
  });

  it('a staff session signed with the old secret stays signed in after the rotation, and ends once it is removed', async () => {
    const user = await createUser('clerk@example.com', 'admin', []);
    const before = await started(BEFORE);
    const login = await request(before.app).get('/staff/login').expect(200);
    const signedIn = await request(before.app)
      .post('/staff/login')
      .set('Cookie', cookiesOf(login))
      .type('form')
      .send({ _csrf: csrfOf(login), email: user.email, password: 'correct horse battery staple' });
    assert.equal(signedIn.headers.location, '/staff');
    const session = cookiesOf(signedIn);
    assert.match(session, /staff\.sid=/);

    const rotated = await started(ROTATED);
    assert.equal((await request(rotated.app).get('/staff').set('Cookie', session)).status, 200);
    const retired = await started(RETIRED);
    const out = await request(retired.app).get('/staff').set('Cookie', session);
    assert.notEqual(out.status, 200);
    assert.match(String(out.headers.location), /^\/staff\/login/);
  });

  it('a lottery status link and a retried booking show the links made under the old secret, which open after the rotation', async () => {
    const before = await started(BEFORE);
    const office = await lotteryOffice(before);
    const c = couple();
    const input = {
      officeId: office._id.toString(),
      date: LOTTERY_DAY,
      partners: c.partners,
      email: c.email,
      language: c.language,
      preference: { kind: 'any' as const },
      channel: 'api' as const,
      idempotencyKey: 'lottery-retry-1',
    };
    const applied = await before.container.services.lottery.apply(input);
    const statusLink = `/lottery/a/${applied.token}`;
    const other = couple();
    const booked = await before.container.services.booking.book({
      officeId: office._id.toString(),
      date: DAY,
      start: '10:00',
      partners: other.partners,
      email: other.email,
      language: 'zh-CN',
      channel: 'online',
      idempotencyKey: 'booking-retry-1',
    });
    const retryBooking = (t: TestApp) =>
      t.container.services.booking.book({
        officeId: office._id.toString(),
        date: DAY,
        start: '10:00',
        partners: other.partners,
        language: 'zh-CN',
        channel: 'online',
        idempotencyKey: 'booking-retry-1',
      });

    const rotated = await started(ROTATED);
    const id = applied.application._id.toString();
    assert.equal(await rotated.container.services.lottery.statusPath(id), statusLink);
    assert.equal((await rotated.container.services.lottery.apply(input)).token, applied.token);
    assert.equal((await request(rotated.app).get(statusLink)).status, 200);
    const lookedUp = await rotated.container.services.lottery.statusPathByReference(
      applied.application.reference,
      c.partners[0]!.phone.slice(-4),
    );
    assert.equal(lookedUp, statusLink);
    const retried = await retryBooking(rotated);
    assert.equal(retried.created, false);
    assert.equal(retried.manageToken, booked.manageToken, 'the retry is shown the link it was first given');
    assert.equal((await request(rotated.app).get(`/booking/${retried.manageToken}`)).status, 200);

    // With the old secret removed, the links already sent still open (they are stored as hashes),
    // but they can no longer be made again: a retry or a new message would carry a dead link.
    const retired = await started(RETIRED);
    assert.equal((await request(retired.app).get(statusLink)).status, 200);
    assert.equal((await request(retired.app).get(`/booking/${booked.manageToken}`)).status, 200);
    assert.notEqual(await retired.container.services.lottery.statusPath(id), statusLink);
    assert.notEqual((await retryBooking(retired)).manageToken, booked.manageToken);
  });

  it('a verification code sent just before the rotation checks after it, and not once the old secret is removed', async () => {
    const sender = recordingSender();
    const clock = () => new Date(NOW);
    const service = (keys: SecretKeys) =>
      createVerificationService({
        clock,
        random: createSystemRandom(),
        ...keys,
        sender,
        sms: { provider: undefined, templates: {}, signName: '锦江区民政局' },
      });
    const phone = '13800138000';
    const sent = (address: string) =>
      service(BEFORE).issue({ phone, purpose: 'lookup', address, locale: 'zh-CN' });
    assert.equal((await sent('192.0.2.1')).outcome, 'sent');
    assert.equal(await service(ROTATED).check({ phone, purpose: 'lookup', code: lastCode(sender) }), 'ok');
    // The next code may be sent a minute later.
    const later = () => new Date(Date.parse(NOW) + 120_000);
    const sentLater = await createVerificationService({
      clock: later,
      random: createSystemRandom(),
      ...BEFORE,
      sender,
      sms: { provider: undefined, templates: {}, signName: '锦江区民政局' },
    }).issue({ phone, purpose: 'lookup', address: '192.0.2.1', locale: 'zh-CN' });
    assert.equal(sentLater.outcome, 'sent');
    const retired = createVerificationService({
      clock: later,
      random: createSystemRandom(),
      ...RETIRED,
      sender,
      sms: { provider: undefined, templates: {}, signName: '锦江区民政局' },
    });
    assert.equal(await retired.check({ phone, purpose: 'lookup', code: lastCode(sender) }), 'wrong');
  });

  it('ID fingerprints keep their key: a person booked before the rotation cannot book again after it', async () => {
    const before = await started(BEFORE);
    const c = couple();
    const booked = await bookOnline(before, c);
    const rotated = await started(ROTATED);
    await assert.rejects(
      rotated.container.services.booking.book({
        officeId: booked.appointment.office.toString(),
        date: '2026-08-11',
        start: '10:00',
        partners: c.partners,
        email: c.email,
        language: 'zh-CN',
        channel: 'online',
      }),
      (err: { code?: string }) => err.code === 'already_booked',
    );
    assert.equal(await AppointmentModel.countDocuments({}), 1);
  });

  it('refuses to start with a fingerprint key other than the one the stored fingerprints were made with', async () => {
    assert.equal(
      await idFingerprintSecret(undefined, OLD),
      OLD,
      'the first start keeps the application secret',
    );
    // APP_SECRET changed without ID_FINGERPRINT_SECRET set to the old one: refused, naming what to set.
    await assert.rejects(
      idFingerprintSecret(undefined, NEW),
      /APP_SECRET is not the key the stored ID fingerprints/,
    );
    await assert.rejects(idFingerprintSecret(NEW, NEW), /ID_FINGERPRINT_SECRET is not the key/);
    assert.equal(await idFingerprintSecret(OLD, NEW), OLD);
  });
});
