// A ceremony keeps to its day: attendance is recorded on the day itself, a session is not
// opened on a day the office is closed without an explicit (audited) override, and the public
// pages never offer seats on a closed day.
import assert from 'node:assert/strict';
import { AuditLogModel } from '../../src/models/audit-log.model.ts';
import { CeremonyModel } from '../../src/models/ceremony.model.ts';
import { CeremonySeatModel } from '../../src/models/ceremony-seat.model.ts';
import { browser } from '../helpers/forms.ts';
import { buildTestApp, resetDatabase, type TestApp } from '../helpers/test-app.ts';
import { book, ceremonyInput, DAY, openCeremony } from './ceremony-fixtures.ts';
import { createWorld, NOW, signIn, type World } from './staff-fixtures.ts';

// Saturday 8 August 2026: the office's template has no Saturday, so the office is closed.
const SATURDAY = '2026-08-08';

describe('ceremonies keep to their day', () => {
  let t: TestApp;
  let w: World;
  beforeEach(async () => {
    await resetDatabase();
    t = await buildTestApp({ now: NOW });
    w = await createWorld();
  });

  /** A form of the session form page, as a coordinator would fill it. */
  function sessionForm(date: string, extra: Record<string, string> = {}) {
    const i = ceremonyInput({ date, signupDeadline: `${date}T08:00` });
    return {
      officeId: w.officeA,
      date: i.date,
      start: i.start,
      durationMinutes: String(i.durationMinutes),
      titleZh: i.title.zh,
      titleEn: i.title.en ?? '',
      hallZh: i.hall.zh,
      hallEn: i.hall.en ?? '',
      seats: String(i.seats),
      minCouples: String(i.minCouples),
      signupDeadline: i.signupDeadline,
      offerHours: String(i.offerHours),
      ...extra,
    };
  }

  it('records attendance only on the day of the ceremony, in the office zone', async () => {
    const ceremony = await openCeremony(t, w.officeA);
    const id = ceremony._id.toString();
    const couple = await book(t, w.officeA, '09:00');
    await t.container.services.ceremonies.join(id, couple.appointment, { channel: 'online' });
    const seat = (await CeremonySeatModel.findOne({ appointment: couple.appointment._id }).lean())!;
    const base = `/staff/ceremonies/${id}`;
    // A shift's sign-in lasts hours, not days: sign in at each moment.
    const at = async (iso: string) => {
      t.clock.set(iso);
      return signIn(t, 'coordinator-a@example.com');
    };

    // Two days before (Saturday 8 August, 10:00 in Chengdu).
    let b = await at('2026-08-08T02:00:00.000Z');
    const early = await b.post(`${base}/seats/${seat._id}/attendance`, { _csrf: b.csrf, attended: 'yes' });
    assert.equal(early.res.status, 303);
    const page = await b.get(early.res.headers.location as string);
    assert.equal(page.$('.flash-error').text().trim(), '只能在仪式当天（2026-08-10）记录到场。');
    assert.equal((await CeremonySeatModel.findById(seat._id).lean())?.attended, undefined);

    // 23:30 on 9 August in Chengdu is not yet the day (whatever the server's zone).
    b = await at('2026-08-09T15:30:00.000Z');
    await b.post(`${base}/seats/${seat._id}/attendance`, { _csrf: b.csrf, attended: 'yes' });
    assert.equal((await CeremonySeatModel.findById(seat._id).lean())?.attended, undefined);

    // The day itself, 15:55 in Chengdu.
    b = await at('2026-08-10T07:55:00.000Z');
    const ok = await b.post(`${base}/seats/${seat._id}/attendance`, { _csrf: b.csrf, attended: 'yes' });
    assert.match((await b.get(ok.res.headers.location as string)).$('.flash-success').text(), /到场/);
    assert.equal((await CeremonySeatModel.findById(seat._id).lean())?.attended, true);
  });

  it('says so in English too', async () => {
    const ceremony = await openCeremony(t, w.officeA);
    const couple = await book(t, w.officeA, '09:00');
    await t.container.services.ceremonies.join(ceremony._id.toString(), couple.appointment, {
      channel: 'online',
    });
    const seat = (await CeremonySeatModel.findOne({ appointment: couple.appointment._id }).lean())!;
    const b = await signIn(t, 'coordinator-a@example.com');
    await b.get('/staff?lang=en');
    const base = `/staff/ceremonies/${ceremony._id}`;
    const early = await b.post(`${base}/seats/${seat._id}/attendance`, { _csrf: b.csrf, attended: 'yes' });
    assert.match(
      (await b.get(early.res.headers.location as string)).$('.flash-error').text(),
      /Attendance can be recorded only on the day of the ceremony \(2026-08-10\)\./,
    );
  });

  it('does not open a session on a closed day unless the override is ticked, which is audited', async () => {
    const b = await signIn(t, 'coordinator-a@example.com');
    const refused = await b.post('/staff/ceremonies', {
      _csrf: b.csrf,
      ...sessionForm(SATURDAY, { status: 'open' }),
    });
    assert.equal(refused.res.status, 409);
    assert.match(refused.$('.flash-error, .form-error, [role=alert]').text(), /不办公/);
    assert.equal(refused.$('input[name=openOnClosedDay]').length, 1, 'the form offers the override');
    assert.equal(await CeremonyModel.countDocuments(), 0);

    // A draft on a closed day is fine: nobody can see it.
    const draft = await b.post('/staff/ceremonies', {
      _csrf: b.csrf,
      ...sessionForm(SATURDAY, { status: 'draft' }),
    });
    assert.equal(draft.res.status, 303);
    const id = (await CeremonyModel.findOne().lean())!._id.toString();
    // Opening it from the roster is refused the same way...
    const open = await b.post(`/staff/ceremonies/${id}/status`, { _csrf: b.csrf, status: 'open' });
    assert.match((await b.get(open.res.headers.location as string)).$('.flash-error').text(), /不办公/);
    assert.equal((await CeremonyModel.findById(id).lean())?.status, 'draft');
    // ...until the override is ticked.
    await b.post(`/staff/ceremonies/${id}/status`, { _csrf: b.csrf, status: 'open', openOnClosedDay: 'yes' });
    assert.equal((await CeremonyModel.findById(id).lean())?.status, 'open');
    const entry = await AuditLogModel.findOne({ action: 'ceremony.status' }).sort({ at: -1 }).lean();
    assert.deepEqual(entry?.after, { status: 'open', openOnClosedDay: 'yes' });

    const created = await b.post('/staff/ceremonies', {
      _csrf: b.csrf,
      ...sessionForm(SATURDAY, { status: 'open', openOnClosedDay: 'yes' }),
    });
    assert.equal(created.res.status, 303);
    const create = await AuditLogModel.findOne({ action: 'ceremony.create', 'after.status': 'open' }).lean();
    assert.equal((create!.after as Record<string, unknown>).openOnClosedDay, 'yes');

    // An open day needs no override, and says nothing of one.
    const weekday = await b.post('/staff/ceremonies', {
      _csrf: b.csrf,
      ...sessionForm(DAY, { status: 'open' }),
    });
    assert.equal(weekday.res.status, 303);
    const plain = await AuditLogModel.findOne({ action: 'ceremony.create', 'after.date': DAY }).lean();
    assert.equal((plain!.after as Record<string, unknown>).openOnClosedDay, undefined);
  });

  it('never shows seats on a closed day on the public pages', async () => {
    await openCeremony(t, w.officeA);
    await t.container.services.ceremonies.create(
      w.officeA,
      ceremonyInput({ date: SATURDAY, signupDeadline: `${SATURDAY}T08:00` }),
      { status: 'open', actor: 'test', openOnClosedDay: true },
    );
    const visitor = browser(t.app);
    for (const path of ['/offices/jinjiang', `/offices/jinjiang/days/${SATURDAY}`]) {
      const page = await visitor.get(path);
      const card = page.$('.ceremony-card').filter((_i, el) => page.$(el).text().includes('8月8日'));
      assert.equal(card.length, 1, path);
      assert.doesNotMatch(card.text(), /余 \d+ 对/, path);
      assert.match(card.find('.seats-left').text(), /不办公/, path);
      assert.equal(card.find('.notice').length, 0, `${path}: no invitation to join`);
    }
    const office = await visitor.get('/offices/jinjiang');
    const open = office.$('.ceremony-card').filter((_i, el) => office.$(el).text().includes('8月10日'));
    assert.match(open.text(), /余 7 对/, 'an open day still shows its seats');
  });
});
