// A roster that keeps pace on a big day: every button comes back to its own row (a fragment
// anchor on the redirect), and a no-show is asked for only once the slot is over, and confirmed.
import assert from 'node:assert/strict';
import { AppointmentModel } from '../../src/models/appointment.model.ts';
import { buildTestApp, resetDatabase, type TestApp } from '../helpers/test-app.ts';
import { book, createWorld, NOW, signIn, TODAY, type World } from './staff-fixtures.ts';

type Signed = Awaited<ReturnType<typeof signIn>>;
const post = (b: Signed, path: string, body: Record<string, unknown> = {}) =>
  b.post(path, { _csrf: b.csrf, ...body });

describe('a roster that keeps pace', () => {
  let t: TestApp;
  let w: World;
  let roster: string;
  beforeEach(async () => {
    await resetDatabase();
    t = await buildTestApp({ now: NOW });
    w = await createWorld();
    roster = `/staff/offices/${w.officeA}/roster?date=${TODAY}`;
  });

  const statusOf = async (id: unknown) => (await AppointmentModel.findById(id).lean())?.status;

  it('brings each action back to the same row', async () => {
    const { appointment } = await book(t, w.officeA, TODAY, '11:00');
    const id = appointment._id.toString();
    t.clock.set('2026-08-03T02:50:00.000Z'); // 10:50 in Chengdu
    const b = await signIn(t, 'registrar-a@example.com');
    const page = await b.get(roster);
    const row = page.$(`#appt-${id}`);
    assert.equal(row.length, 1, 'each row has its anchor');
    assert.equal(row.find('form[action$="/check-in"] input[name=back]').val(), roster);

    for (const [path, status] of [
      ['check-in', 'arrived'],
      ['serve', 'served'],
      ['undo', 'arrived'],
    ] as const) {
      const done = await post(b, `/staff/appointments/${id}/${path}`, { back: roster });
      assert.equal(done.res.status, 303);
      assert.equal(done.res.headers.location, `${roster}#appt-${id}`, path);
      assert.equal(await statusOf(id), status);
    }
    // A refusal comes back to the row too.
    const refused = await post(b, `/staff/appointments/${id}/check-in`, { back: roster });
    assert.equal(refused.res.headers.location, `${roster}#appt-${id}`);
    // From the appointment's own page, back to that page, without an anchor.
    const own = `/staff/appointments/${id}`;
    const fromPage = await post(b, `/staff/appointments/${id}/undo`, { back: own });
    assert.equal(fromPage.res.headers.location, own);
  });

  it('offers a no-show only once the slot has ended, never as a red button, and asks first', async () => {
    const { appointment } = await book(t, w.officeA, TODAY, '11:00');
    const id = appointment._id.toString();
    t.clock.set('2026-08-03T03:15:00.000Z'); // 11:15: the 11:00-11:30 slot is under way
    let b = await signIn(t, 'registrar-a@example.com');
    let page = await b.get(roster);
    assert.equal(page.$(`#appt-${id} form[action$="/no-show"]`).length, 0, 'not offered during the slot');
    assert.equal(page.$(`#appt-${id} form[action$="/check-in"]`).length, 1);

    // The server refuses it too, with the time it may be recorded from.
    const early = await post(b, `/staff/appointments/${id}/no-show`, { back: roster, confirm: 'yes' });
    assert.equal(early.res.headers.location, `${roster}#appt-${id}`);
    assert.equal(
      (await b.get(early.res.headers.location as string)).$('.flash-error').text().trim(),
      '该时段 11:30 结束后才能记为爽约。',
    );
    assert.equal(await statusOf(id), 'booked');

    t.clock.set('2026-08-03T03:31:00.000Z'); // 11:31
    b = await signIn(t, 'registrar-a@example.com');
    page = await b.get(roster);
    const button = page.$(`#appt-${id} form[action$="/no-show"] button`);
    assert.equal(button.length, 1, 'offered once the slot is over');
    assert.doesNotMatch(button.attr('class') ?? '', /danger|primary|go/);

    // Without a confirmation the button only asks.
    const asked = await post(b, `/staff/appointments/${id}/no-show`, { back: roster });
    assert.equal(asked.res.status, 303);
    assert.equal(await statusOf(id), 'booked');
    const confirm = await b.get(asked.res.headers.location as string);
    assert.equal(confirm.res.status, 200);
    assert.match(confirm.$('h1').text(), new RegExp(appointment.reference));
    const yes = confirm.$('form[action$="/no-show"]');
    assert.equal(yes.find('input[name=confirm]').val(), 'yes');
    assert.equal(yes.find('input[name=back]').val(), roster);
    assert.equal(
      confirm.$('form a.button').attr('href'),
      `${roster}#appt-${id}`,
      'a way back without marking',
    );

    const marked = await post(b, `/staff/appointments/${id}/no-show`, { back: roster, confirm: 'yes' });
    assert.equal(marked.res.headers.location, `${roster}#appt-${id}`);
    assert.equal(await statusOf(id), 'no_show');
  });

  it('asks in English too', async () => {
    const { appointment } = await book(t, w.officeA, TODAY, '11:00');
    t.clock.set('2026-08-03T03:15:00.000Z');
    const b = await signIn(t, 'registrar-a@example.com');
    await b.get('/staff?lang=en');
    const early = await post(b, `/staff/appointments/${appointment._id}/no-show`, { confirm: 'yes' });
    assert.equal(
      (await b.get(early.res.headers.location as string)).$('.flash-error').text().trim(),
      'A no-show can be recorded only after the slot ends at 11:30.',
    );
  });

  it('keeps the office scope: a registrar of office B cannot act on office A', async () => {
    const { appointment } = await book(t, w.officeA, TODAY, '11:00');
    t.clock.set('2026-08-03T03:31:00.000Z');
    const b = await signIn(t, 'registrar-b@example.com');
    const page = await b.get(`/staff/appointments/${appointment._id}/no-show`);
    assert.equal(page.res.status, 403);
    const res = await post(b, `/staff/appointments/${appointment._id}/no-show`, { confirm: 'yes' });
    assert.equal(res.res.status, 403);
    assert.equal(await statusOf(appointment._id), 'booked');
  });
});
