// A full slot never throws away what was typed: the booking form comes back with every value
// and the nearest open slots of that day and of the next open days, each one tap (a submit
// button that posts the same values to its slot). The API keeps its 409 and adds the same
// alternatives to its body. An "already booked" refusal links to the look-up.
import assert from 'node:assert/strict';
import request from 'supertest';
import { AppointmentModel } from '../../src/models/appointment.model.ts';
import { SlotModel } from '../../src/models/slot.model.ts';
import { browser, formFields } from '../helpers/forms.ts';
import { couple } from '../helpers/ids.ts';
import { buildTestApp, createOffice, resetDatabase, type TestApp } from '../helpers/test-app.ts';

const NOW = '2026-08-03T02:00:00.000Z'; // Mon 10:00 in Chengdu
const DAY = '2026-08-10'; // a Monday
const BOOK_PATH = `/offices/jinjiang/days/${DAY}/book`;

/** The slot of DAY at `start` (Chengdu time), with no place left (or `remaining`). */
async function fullSlot(officeId: string, start: string, date = DAY, remaining = 0) {
  const [h, m] = start.split(':').map(Number) as [number, number];
  const startsAt = new Date(`${date}T${String(h - 8).padStart(2, '0')}:${String(m).padStart(2, '0')}:00Z`);
  await SlotModel.create({
    office: officeId,
    date,
    start,
    end: `${String(m === 30 ? h + 1 : h).padStart(2, '0')}:${m === 30 ? '00' : '30'}`,
    startsAt,
    endsAt: new Date(startsAt.getTime() + 30 * 60_000),
    capacity: 12,
    booked: 12 - remaining,
    remaining,
  });
}

describe('a full slot', () => {
  let t: TestApp;
  let officeId: string;
  beforeEach(async () => {
    await resetDatabase();
    t = await buildTestApp({ now: NOW });
    officeId = (await createOffice())._id.toString();
  });

  async function openForm(start: string) {
    const b = browser(t.app);
    const { $ } = await b.get(`${BOOK_PATH}?start=${start}`);
    return {
      b,
      fields: {
        _csrf: String($('input[name=_csrf]').val()),
        idempotencyKey: String($('input[name=idempotencyKey]').val()),
        start,
      },
    };
  }

  it('shows the form again with everything typed and the nearest open slots, each one tap that books them', async () => {
    // The form was opened while a place was left; the slot filled before it was sent (a race).
    const { b, fields } = await openForm('10:00');
    await fullSlot(officeId, '10:00');
    const c = couple();
    const typed = { ...fields, ...formFields({ partners: c.partners }), email: c.email, language: 'zh-CN' };
    const { res, $ } = await b.post(BOOK_PATH, typed);
    assert.equal(res.status, 409);
    assert.match($('.flash-error').text(), /名额已满/);
    for (const i of [0, 1]) {
      for (const f of ['name', 'idNumber', 'phone'] as const)
        assert.equal(
          $(`input[name="partners[${i}][${f}]"]`).val(),
          c.partners[i]![f],
          `partner ${i} ${f} kept`,
        );
    }
    assert.equal($('input[name=email]').val(), c.email);
    assert.equal($('input[name=idempotencyKey]').val(), fields.idempotencyKey);
    // The token just checked comes back as it was: neither signed nor set again.
    assert.equal($('input[name=_csrf]').val(), fields._csrf);
    const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
    assert.equal(cookies.filter((c) => c.startsWith('csrf=')).length, 0, 'no new CSRF cookie');

    const offered = $('button.alternative')
      .toArray()
      .map((el) => `${$(el).attr('data-date')} ${$(el).attr('data-start')}`);
    assert.deepEqual(
      offered.slice(0, 3),
      [`${DAY} 09:00`, `${DAY} 09:30`, `${DAY} 10:30`],
      'the nearest, in the order of the day',
    );
    assert.deepEqual(
      offered.slice(3),
      ['2026-08-11 10:00', '2026-08-12 10:00', '2026-08-13 10:00'],
      'then the same time on the next open days',
    );
    // Every alternative is a submit button of the typed form, posting to its own day.
    const next = $('button.alternative[data-date="2026-08-11"]');
    assert.equal(next.attr('formaction'), '/offices/jinjiang/days/2026-08-11/book');
    assert.equal(next.attr('name'), 'start');
    assert.equal(next.closest('form').find('input[name="partners[0][name]"]').length, 1);
    assert.equal($('form.booking-form input[type=hidden][name=start]').length, 0, 'no second start field');

    // One tap: the browser sends the typed form with the button's start to its formaction.
    const picked = await b.post('/offices/jinjiang/days/2026-08-11/book', { ...typed, start: '10:00' });
    assert.equal(picked.res.status, 303);
    const a = await AppointmentModel.findOne().lean();
    assert.equal(a!.date, '2026-08-11');
    assert.equal(a!.start, '10:00');
    assert.equal(a!.partners[0]!.name, c.partners[0]!.name);
  });

  it('says so in English too', async () => {
    const b = browser(t.app);
    const { $: page } = await b.get(`${BOOK_PATH}?start=10:00&lang=en`);
    await fullSlot(officeId, '10:00');
    const c = couple();
    const { res, $ } = await b.post(BOOK_PATH, {
      _csrf: page('input[name=_csrf]').val(),
      idempotencyKey: page('input[name=idempotencyKey]').val(),
      start: '10:00',
      ...formFields({ partners: c.partners }),
      email: c.email,
      language: 'en',
    });
    assert.equal(res.status, 409);
    assert.match($('#alternatives-heading').text(), /Choose another slot/);
    assert.match($('button.alternative').first().text(), /Book .*09:00–09:30 \(12 left\)/);
  });

  it('a form sent again after its first post took the last place leads to its confirmation, though the slot is full by now', async () => {
    await fullSlot(officeId, '10:00', DAY, 1);
    const first = await openForm('10:00');
    const c = couple();
    const typed = {
      ...first.fields,
      ...formFields({ partners: c.partners }),
      email: c.email,
      language: 'zh-CN',
    };
    const booked = await first.b.post(BOOK_PATH, typed);
    assert.equal(booked.res.status, 303);
    // Another couple is told "full": the slot is now remembered full by the process.
    const other = await openForm('10:00');
    const late = couple();
    const refused = await other.b.post(BOOK_PATH, {
      ...other.fields,
      ...formFields({ partners: late.partners }),
      email: late.email,
      language: 'zh-CN',
    });
    assert.equal(refused.res.status, 409);
    // The first couple's phone sends its form again (its answer was lost): its booking, not "full".
    const again = await first.b.post(BOOK_PATH, typed);
    assert.equal(again.res.status, 303);
    assert.equal(again.res.headers.location, booked.res.headers.location);
    const confirmation = await first.b.get(String(again.res.headers.location));
    assert.equal(confirmation.res.status, 200);
    assert.equal(await AppointmentModel.countDocuments(), 1);
  });

  it('the API keeps its 409 slot_full and lists the alternatives in its body', async () => {
    await fullSlot(officeId, '10:00');
    const res = await request(t.app)
      .post('/api/v1/appointments')
      .send({ officeId, date: DAY, start: '10:00', ...couple() })
      .expect(409);
    assert.equal(res.body.error.code, 'slot_full');
    assert.deepEqual(res.body.error.alternatives[0], {
      date: DAY,
      start: '09:00',
      end: '09:30',
      remaining: 12,
      sameDay: true,
    });
    assert.equal(res.body.error.alternatives.length, 6);
  });

  it('an "already booked" refusal links to the look-up', async () => {
    const c = couple();
    await request(t.app)
      .post('/api/v1/appointments')
      .send({ officeId, date: DAY, start: '09:00', ...c })
      .expect(201);
    const { b, fields } = await openForm('10:00');
    const { res, $ } = await b.post(BOOK_PATH, {
      ...fields,
      ...formFields({ partners: c.partners }),
      email: c.email,
      language: 'zh-CN',
    });
    assert.equal(res.status, 409);
    assert.equal($('.flash-error a.already-booked-lookup').attr('href'), '/lookup');
  });
});
