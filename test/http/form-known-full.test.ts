// The booking form and a slot remembered full: once the form's CSRF token is checked and what
// was typed is well formed, a slot this process has just found full is answered "full" (409,
// the form again with what was typed and the slots still open) before the couple's attempts
// are counted and their ID numbers checked. A form the schema
// refuses is refused as before, a form without its token is refused before anything, and a
// form sent again after it booked leads to its booking.
import assert from 'node:assert/strict';
import mongoose from 'mongoose';
import { AppointmentModel } from '../../src/models/appointment.model.ts';
import { SlotModel } from '../../src/models/slot.model.ts';
import { browser, formFields } from '../helpers/forms.ts';
import { couple } from '../helpers/ids.ts';
import { buildTestApp, createOffice, resetDatabase, type TestApp } from '../helpers/test-app.ts';

const NOW = '2026-08-03T02:00:00.000Z'; // Mon 10:00 in Chengdu
const DAY = '2026-08-10'; // a Monday
const BOOK_PATH = `/offices/jinjiang/days/${DAY}/book`;

describe('the booking form and a slot remembered full', () => {
  let t: TestApp;
  beforeEach(async () => {
    await resetDatabase();
    // Offices, days and slot ids kept, as a running app keeps them.
    t = await buildTestApp({ now: NOW, env: { SCHEDULE_CACHE_MS: '60000' } });
    await createOffice();
  });

  /** A phone with the booking form of `start` open: its cookies, token and key. */
  async function openForm(start = '10:00', lang?: string) {
    const b = browser(t.app);
    const { $ } = await b.get(`${BOOK_PATH}?start=${start}${lang ? `&lang=${lang}` : ''}`);
    const fields = {
      _csrf: String($('input[name=_csrf]').val()),
      idempotencyKey: String($('input[name=idempotencyKey]').val()),
      start,
    };
    return { b, fields };
  }

  const typed = (c = couple(), language = 'zh-CN') => ({
    ...formFields({ partners: c.partners }),
    email: c.email,
    language,
  });

  /** The 10:00 slot with no place left, found full by its counter once (so remembered). */
  async function rememberedFull() {
    const first = await openForm();
    assert.equal((await first.b.post(BOOK_PATH, { ...first.fields, ...typed() })).res.status, 303);
    await SlotModel.updateOne({ date: DAY, start: '10:00' }, { $set: { remaining: 0, booked: 12 } });
    const other = await openForm();
    assert.equal((await other.b.post(BOOK_PATH, { ...other.fields, ...typed() })).res.status, 409);
  }

  it('answers 409 with the form as typed, without counting the attempts', async () => {
    await rememberedFull();
    const { b, fields } = await openForm();
    const c = couple();
    // More than the 20 attempts a couple has in 10 minutes: none of them is counted.
    for (let i = 0; i < 25; i++) {
      const { res, $ } = await b.post(BOOK_PATH, { ...fields, ...typed(c) });
      assert.equal(res.status, 409, `attempt ${i + 1}`);
      assert.match($('.flash-error').text(), /名额已满/);
      assert.equal($('input[name="partners[1][idNumber]"]').val(), c.partners[1]!.idNumber);
      assert.equal($('input[name=_csrf]').val(), fields._csrf);
      assert.ok($('button.alternative').length > 0, 'the slots still open are offered');
    }
    assert.equal(await AppointmentModel.countDocuments(), 1, 'no place taken');
    // The couple's allowance is whole: it books another slot at once.
    const { res } = await b.post(BOOK_PATH, { ...fields, ...typed(c), start: '10:30' });
    assert.equal(res.status, 303);
  });

  it('refuses what the schema refuses first (422, the fields named), as before', async () => {
    await rememberedFull();
    const { b, fields } = await openForm();
    const form = { ...fields, ...typed(), 'partners[0][name]': '' };
    const { res, $ } = await b.post(BOOK_PATH, form);
    assert.equal(res.status, 422);
    assert.ok($('#p0-name').attr('aria-invalid'), 'the empty name is marked');
  });

  it('checks the CSRF token before anything', async () => {
    await rememberedFull();
    const { b, fields } = await openForm();
    const { res } = await b.post(BOOK_PATH, { ...fields, _csrf: 'forged', ...typed() });
    assert.equal(res.status, 403);
  });

  it('leads a form sent again after it booked to its booking, not "full"', async () => {
    await SlotModel.create({
      office: (await mongoose.connection.db!.collection('offices').findOne({}))!._id,
      date: DAY,
      start: '10:00',
      end: '10:30',
      startsAt: new Date('2026-08-10T02:00:00Z'),
      endsAt: new Date('2026-08-10T02:30:00Z'),
      capacity: 12,
      booked: 11,
      remaining: 1,
    });
    const first = await openForm();
    const form = { ...first.fields, ...typed() };
    const booked = await first.b.post(BOOK_PATH, form);
    assert.equal(booked.res.status, 303);
    const other = await openForm();
    assert.equal((await other.b.post(BOOK_PATH, { ...other.fields, ...typed() })).res.status, 409);
    const again = await first.b.post(BOOK_PATH, form);
    assert.equal(again.res.status, 303);
    assert.equal(again.res.headers.location, booked.res.headers.location);
    assert.equal(await AppointmentModel.countDocuments(), 1);
  });
});
