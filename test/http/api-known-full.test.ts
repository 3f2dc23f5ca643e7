// A slot this process has just found full is answered "full" by the API as soon as the request
// is read and well formed: before the partners' attempts are counted and their ID numbers
// checked, and without writing anything. What the schema refuses is refused as before, and a
// retry of a booking that was made gets its booking back.
import assert from 'node:assert/strict';
import mongoose, { type Connection } from 'mongoose';
import request from 'supertest';
import { translate } from '../../src/i18n/translate.ts';
import { AppointmentModel } from '../../src/models/appointment.model.ts';
import { SlotModel } from '../../src/models/slot.model.ts';
import { couple } from '../helpers/ids.ts';
import { testDbName, testMongoUri } from '../helpers/mongo.ts';
import { appLogged, buildTestApp, createOffice, resetDatabase, type TestApp } from '../helpers/test-app.ts';

const NOW = '2026-08-03T02:00:00.000Z'; // Mon 10:00 in Chengdu
const DAY = '2026-08-10'; // a Monday
const WRITES = new Set(['insert', 'update', 'findAndModify', 'delete']);

describe('the API and a slot remembered full', () => {
  let t: TestApp;
  let officeId: string;
  let side: Connection;
  const written: string[] = [];
  before(async () => {
    // A second connection that shows the commands the database is sent.
    side = await mongoose
      .createConnection(testMongoUri(), { dbName: testDbName('app'), monitorCommands: true })
      .asPromise();
    side.getClient().on('commandStarted', (e) => {
      if (WRITES.has(e.commandName)) written.push(`${e.commandName} ${e.command[e.commandName]}`);
    });
  });
  after(async () => {
    await side?.close();
  });
  beforeEach(async () => {
    await resetDatabase();
    // Offices, days and slot ids kept, as a running app keeps them.
    t = await buildTestApp({ now: NOW, env: { SCHEDULE_CACHE_MS: '60000' } });
    officeId = (await createOffice())._id.toString();
  });

  const book = (body: object, opts: { key?: string; lang?: string } = {}) => {
    const req = request(t.app).post('/api/v1/appointments');
    if (opts.key) req.set('Idempotency-Key', opts.key);
    if (opts.lang) req.set('Accept-Language', opts.lang);
    return req.send(body);
  };
  const ask = (c: object, start = '10:00') => ({ officeId, date: DAY, start, ...c });

  /** The 10:00 slot with no place left, and found full by its counter once (so remembered). */
  async function rememberedFull(): Promise<{ alternatives: unknown[] }> {
    const slot = await SlotModel.findOne({ office: officeId, date: DAY, start: '10:00' }).lean();
    if (slot) await SlotModel.updateOne({ _id: slot._id }, { $set: { remaining: 0, booked: slot.capacity } });
    else {
      // No booking yet: the slot is stored by the first request that asks for it.
      await book(ask(couple()), { key: 'first-of-the-slot-0001' }).expect(201);
      return rememberedFull();
    }
    const res = await book(ask(couple())).expect(409);
    assert.equal(res.body.error.code, 'slot_full');
    return res.body.error;
  }

  it('answers 409 slot_full with the alternatives, without counting the attempts or writing anything', async () => {
    const counters = await rememberedFull();
    assert.equal(counters.alternatives.length, 6);
    const c = couple();
    written.length = 0;
    // More than the 20 attempts a couple has in 10 minutes: none of them is counted.
    for (let i = 0; i < 25; i++) {
      const res = await book(ask(c), { lang: i === 0 ? 'en' : undefined });
      assert.equal(res.status, 409, `attempt ${i + 1}`);
      assert.equal(res.body.error.code, 'slot_full');
      assert.deepEqual(res.body.error.alternatives, counters.alternatives, "as the counter's answer offered");
      const lang = i === 0 ? 'en' : 'zh-CN';
      assert.equal(res.body.error.message, translate(lang, 'booking.slot_full'));
    }
    assert.deepEqual(written, [], 'nothing written: no attempt counted, no place asked for');
    // The couple's allowance is whole: it books another slot at once.
    await book(ask(c, '09:00')).expect(201);
  });

  it('answers as the counter\'s own "full" does: the same status, body, headers, metrics and log line', async () => {
    // The same container, its requests logged where the test reads them, and its metrics served.
    const { app, lines } = appLogged(t);
    await book(ask(couple()), { key: 'first-of-the-slot-0001' }).expect(201);
    const slot = await SlotModel.findOne({ office: officeId, date: DAY, start: '10:00' }).lean();
    await SlotModel.updateOne({ _id: slot!._id }, { $set: { remaining: 0, booked: slot!.capacity } });
    const post = (lang: string) =>
      request(app)
        .post('/api/v1/appointments')
        .set('Accept-Language', lang)
        .set('X-Request-Id', `full-${lang}`)
        .send(ask(couple()));
    // Found full by the counter, down the whole booking path to the error handler; then remembered.
    const slow = await post('en').expect(409);
    assert.ok(t.container.services.booking.remembersFullSlots(), 'remembered full');
    written.length = 0;
    const fast = await post('en').expect(409);
    assert.deepEqual(written, [], 'answered from memory');
    assert.equal(fast.text, slow.text);
    const { alternatives } = slow.body.error;
    assert.ok(alternatives.length > 0);
    assert.equal(
      fast.text,
      JSON.stringify({
        error: { code: 'slot_full', message: translate('en', 'booking.slot_full'), alternatives },
      }),
    );
    // The counter's answer came after the couple's attempt was counted, and says what is left of
    // its allowance; a remembered "full" counts nothing (above), so it has no such headers.
    const headers = (res: request.Response) =>
      Object.entries(res.headers).filter(([name]) => name !== 'date' && !name.startsWith('ratelimit'));
    assert.deepEqual(headers(fast), headers(slow));
    assert.ok(slow.headers.ratelimit && !fast.headers.ratelimit);
    assert.equal(fast.headers['content-type'], 'application/json; charset=utf-8');
    assert.equal(Number(fast.headers['content-length']), Buffer.byteLength(fast.text));
    // In Chinese as well, from the same remembered slot.
    const zh = await post('zh-CN').expect(409);
    assert.equal(zh.body.error.message, translate('zh-CN', 'booking.slot_full'));
    assert.deepEqual(zh.body.error.alternatives, alternatives);
    // A HEAD is no booking: the API's 404, as before.
    await request(app).head('/api/v1/appointments').expect(404);

    await new Promise((resolve) => setImmediate(resolve));
    const logged = lines.filter((l) => String((l.req as { id?: string })?.id).startsWith('full-'));
    assert.deepEqual(
      logged.map((l) => [l.level, l.msg, l.req, l.res]),
      ['en', 'en', 'zh-CN'].map((lang) => [
        30,
        'request completed',
        { id: `full-${lang}`, method: 'POST', url: '/api/v1/appointments' },
        { statusCode: 409 },
      ]),
    );
    const { metrics } = t.container;
    const full = (await metrics.full.get()).values;
    assert.deepEqual(
      full.map((v) => v.value),
      [3],
    );
    const answered = (await metrics.httpRequests.get()).values.filter((v) => v.labels.status === '409');
    assert.deepEqual(
      answered.map((v) => [v.labels, v.value]),
      [[{ method: 'POST', route: '/api/v1/appointments', status: '409' }, 3]],
    );
  });

  it('answers the same "full" whether what it reads is kept or must be read again first', async () => {
    await rememberedFull();
    const kept = await book(ask(couple()), { lang: 'en' }).expect(409);
    // The office, its day, its slots and the alternatives forgotten (a staff change elsewhere):
    // read again before the answer, which is the same, and still nothing is written.
    t.container.services.schedule.invalidate(officeId);
    written.length = 0;
    const readFirst = await book(ask(couple()), { lang: 'en' }).expect(409);
    const keptAgain = await book(ask(couple()), { lang: 'en' }).expect(409);
    assert.deepEqual(written, []);
    assert.equal(readFirst.text, kept.text);
    assert.equal(keptAgain.text, kept.text);
    assert.equal(readFirst.headers['content-length'], kept.headers['content-length']);
    // Another slot of the same day, not full, is booked as ever.
    await book(ask(couple(), '09:00')).expect(201);
  });

  it('tells a couple already booked that the slot is full, as before', async () => {
    const c = couple();
    await book(ask(c, '09:00')).expect(201);
    await rememberedFull();
    const res = await book(ask(c)).expect(409);
    assert.equal(res.body.error.code, 'slot_full');
    assert.equal(await AppointmentModel.countDocuments({ 'partners.name': c.partners[0]!.name }), 1);
  });

  it('refuses what the schema refuses as before; the partners are checked once a place may be had', async () => {
    await rememberedFull();
    const c = couple();
    const noName = await book(ask({ ...c, partners: [{ ...c.partners[0], name: '' }, c.partners[1]] }));
    assert.equal(noName.status, 422);
    assert.equal(noName.body.error.code, 'invalid');
    assert.ok(noName.body.error.fields['partners.0.name']);
    const badEmail = await book(ask({ ...c, email: 'not an address' }));
    assert.equal(badEmail.status, 422);
    assert.ok(badEmail.body.error.fields.email);
    const badKey = await book(ask(c), { key: 'short' });
    assert.equal(badKey.status, 422);
    assert.ok(badKey.body.error.fields['Idempotency-Key']);
    // A name of nothing visible, a date that is no calendar day, a code of five digits: the
    // schema's own refusals, field by field, before the slot is looked at.
    const invisible = await book(
      ask({ ...c, partners: [c.partners[0], { ...c.partners[1], name: '\u200b' }] }),
    );
    assert.equal(invisible.status, 422);
    assert.deepEqual(Object.keys(invisible.body.error.fields), ['partners.1.name']);
    const noDay = await book({ ...ask(c), date: '2026-02-30' });
    assert.equal(noDay.status, 422);
    assert.deepEqual(Object.keys(noDay.body.error.fields), ['date']);
    const shortCode = await book(ask({ ...c, verificationCode: '12345' }));
    assert.equal(shortCode.status, 422);
    assert.deepEqual(Object.keys(shortCode.body.error.fields), ['verificationCode']);
    // A code of the right form is the slot's to answer first: full, whatever the code.
    assert.equal((await book(ask({ ...c, verificationCode: '000000' }))).body.error.code, 'slot_full');
    // A well-formed request with an ID number whose check character is wrong: the slot is full
    // whoever asks; the number is refused where a place is left.
    const wrongCheck = c.partners[0]!.idNumber.endsWith('1') ? '2' : '1';
    const typo = {
      ...c,
      partners: [
        { ...c.partners[0], idNumber: c.partners[0]!.idNumber.slice(0, -1) + wrongCheck },
        c.partners[1],
      ],
    };
    assert.equal((await book(ask(typo))).body.error.code, 'slot_full');
    const open = await book(ask(typo, '09:00'));
    assert.equal(open.status, 422);
    assert.ok(open.body.error.fields['partners.0.idNumber']);
  });

  it('answers a retry of a booking made with its booking, even once the slot is full', async () => {
    const c = couple();
    const made = await book(ask(c), { key: 'couple-retry-key-0001' }).expect(201);
    await rememberedFull();
    const again = await book(ask(c), { key: 'couple-retry-key-0001' }).expect(200);
    assert.equal(again.body.reference, made.body.reference);
    assert.equal(again.body.manageToken, made.body.manageToken);
    // The key is not a credential: another couple presenting it is refused, as before.
    const other = await book(ask(couple()), { key: 'couple-retry-key-0001' }).expect(409);
    assert.equal(other.body.error.code, 'conflict');
    // A key that made nothing: the slot is full.
    const fresh = await book(ask(c), { key: 'couple-fresh-key-0002' }).expect(409);
    assert.equal(fresh.body.error.code, 'slot_full');
    assert.equal(await AppointmentModel.countDocuments({ 'partners.name': c.partners[0]!.name }), 1);
  });
});
