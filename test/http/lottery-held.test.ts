// A couple holding a lottery application is told when it books or applies elsewhere, and may
// withdraw the application there and then; the look-up finds lottery references; the status
// page shows its own private link and says that a winner holding another booking is passed over.
import assert from 'node:assert/strict';
import { DayPlanModel } from '../../src/models/day-plan.model.ts';
import { LotteryApplicationModel } from '../../src/models/lottery-application.model.ts';
import { browser } from '../helpers/forms.ts';
import { buildTestApp, resetDatabase, type TestApp } from '../helpers/test-app.ts';
import { apply, lotteryOffice, NOW } from './lottery-support.ts';

describe('a lottery application held while booking elsewhere', () => {
  let t: TestApp;
  let officeId: string;
  beforeEach(async () => {
    await resetDatabase();
    t = await buildTestApp({ now: NOW });
    officeId = (await lotteryOffice(t))._id.toString();
  });

  it('the confirmation of another booking warns and withdraws the application on request', async () => {
    const applied = await apply(t, officeId);
    const booked = await t.container.services.booking.book({
      officeId,
      date: '2026-08-12',
      start: '09:00',
      ...applied.couple,
      channel: 'online',
    });
    const b = browser(t.app);
    const base = `/booking/${booked.manageToken}`;
    const page = await b.get(`${base}/confirmation`);
    const warning = page.$('.held-lottery');
    assert.match(warning.text(), new RegExp(`${applied.application.reference}.*会被跳过`));
    const form = warning.find('form');
    assert.equal(form.attr('action'), `${base}/lottery-withdraw`);
    const posted = await b.post(`${base}/lottery-withdraw`, {
      _csrf: form.find('input[name=_csrf]').val(),
      reference: applied.application.reference,
      back: 'confirmation',
    });
    assert.equal(posted.res.status, 303);
    assert.equal(posted.res.headers.location, `${base}/confirmation`);
    const stored = await LotteryApplicationModel.findById(applied.application._id).lean();
    assert.equal(stored!.status, 'withdrawn');
    const after = await b.get(`${base}/confirmation`);
    assert.equal(after.$('.held-lottery').length, 0);
  });

  it('applying for another lottery day shows the first application, with a real withdraw', async () => {
    const first = await apply(t, officeId);
    const other = '2026-08-20';
    await DayPlanModel.create({
      office: officeId,
      date: other,
      kind: 'peak',
      label: { zh: '次日', en: 'Next' },
    });
    await t.container.services.lottery.configureDay(officeId, other, {
      mode: 'lottery',
      opensAt: '2026-08-03T09:00',
      closesAt: '2026-08-10T17:00',
      drawAt: '2026-08-11T10:00',
      confirmHours: 24,
    });
    const second = await t.container.services.lottery.apply({
      officeId,
      date: other,
      ...first.couple,
      preference: { kind: 'any' },
      channel: 'online',
    });
    const b = browser(t.app);
    const base = `/lottery/a/${second.token}`;
    const page = await b.get(base);
    const held = page.$('.held-lottery');
    assert.match(held.text(), new RegExp(first.application.reference));
    const posted = await b.post(`${base}/withdraw-other`, {
      _csrf: held.find('input[name=_csrf]').val(),
      reference: first.application.reference,
    });
    assert.equal(posted.res.status, 303);
    assert.equal((await LotteryApplicationModel.findById(first.application._id).lean())!.status, 'withdrawn');
    assert.equal((await LotteryApplicationModel.findById(second.application._id).lean())!.status, 'applied');
  });

  it('the look-up by reference and phone digits opens a lottery application', async () => {
    const applied = await apply(t, officeId);
    const b = browser(t.app);
    const token = await b.csrfFrom('/lookup');
    const found = await b.post('/lookup', {
      _csrf: token,
      reference: applied.application.reference.toLowerCase(),
      phoneLast4: applied.couple.partners[1]!.phone.slice(-4),
    });
    assert.equal(found.res.status, 303);
    assert.equal(found.res.headers.location, `/lottery/a/${applied.token}`);
    const wrong = await b.post('/lookup', {
      _csrf: token,
      reference: applied.application.reference,
      phoneLast4: '0000',
    });
    assert.equal(wrong.res.status, 404);
  });

  it('the status page shows its private link and says a winner holding another booking is passed over', async () => {
    const applied = await apply(t, officeId);
    const b = browser(t.app);
    const page = await b.get(`/lottery/a/${applied.token}`);
    assert.equal(page.$('a.status-link').text(), `${t.container.config.baseUrl}/lottery/a/${applied.token}`);
    assert.match(page.$('.passed-over-note').text(), /已持有其他有效预约.*会被跳过/);

    await t.container.services.booking.book({
      officeId,
      date: '2026-08-12',
      start: '09:00',
      ...applied.couple,
      channel: 'online',
    });
    const holding = await b.get(`/lottery/a/${applied.token}?lang=en`);
    assert.match(holding.$('.holds-booking').text(), /already hold an active booking on .*passed over/);
  });
});
