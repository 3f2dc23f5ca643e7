import assert from 'node:assert/strict';
import request from 'supertest';
import { CeremonySeatModel } from '../../src/models/ceremony-seat.model.ts';
import { browser } from '../helpers/forms.ts';
import { buildTestApp, createOffice, resetDatabase, type TestApp } from '../helpers/test-app.ts';
import { book, ceremonyInput, DAY, NOW, openCeremony } from './ceremony-fixtures.ts';

describe('ceremonies on the couple pages', () => {
  let t: TestApp;
  let officeId: string;
  beforeEach(async () => {
    await resetDatabase();
    t = await buildTestApp({ now: NOW });
    officeId = (await createOffice())._id.toString();
  });

  async function post(
    b: ReturnType<typeof browser>,
    page: string,
    action: string,
    form: Record<string, string> = {},
  ) {
    const token = await b.csrfFrom(page);
    return b.post(action, { _csrf: token, ...form });
  }

  it('shows upcoming ceremonies with seats left on the office and day pages, drafts never', async () => {
    await openCeremony(t, officeId, { seats: 7 });
    await t.container.services.ceremonies.create(
      officeId,
      ceremonyInput({ title: { zh: '内部草稿', en: 'Draft' } }),
      { status: 'draft' },
    );
    const b = browser(t.app);
    const office = await b.get('/offices/jinjiang');
    const cards = office.$('.ceremony-card');
    assert.equal(cards.length, 1);
    assert.match(cards.text(), /集体颁证仪式/);
    assert.match(cards.find('.seats-left').text(), /余 7 对（共 7 对）/);
    assert.match(cards.text(), /16:00–16:45/);
    assert.match(cards.text(), /15:30 前结束的登记时段/);
    assert.doesNotMatch(office.res.text, /内部草稿/);
    const day = await b.get(`/offices/jinjiang/days/${DAY}`);
    assert.equal(day.$('.ceremony-card').length, 1);
    const other = await b.get('/offices/jinjiang/days/2026-08-11');
    assert.equal(other.$('.ceremony-card').length, 0);
  });

  it('joins from the confirmation page, shows the seat, and leaves from the manage page', async () => {
    const ceremony = await openCeremony(t, officeId);
    const a = await book(t, officeId, '09:00');
    const b = browser(t.app);
    const confirmation = `/booking/${a.manageToken}/confirmation`;
    const page = await b.get(confirmation);
    const option = page.$(`.ceremony-option[data-ceremony="${ceremony._id}"]`);
    assert.equal(option.length, 1);
    assert.equal(option.find('button').text().trim(), '报名参加');

    const joined = await post(b, confirmation, `/booking/${a.manageToken}/ceremony/join`, {
      ceremonyId: ceremony._id.toString(),
      back: 'confirmation',
    });
    assert.equal(joined.res.status, 303);
    assert.equal(joined.res.headers.location, `${confirmation}#ceremony`);
    const seat = await CeremonySeatModel.findOne({ appointment: a.appointment._id }).lean();
    assert.equal(seat!.state, 'seated');
    assert.equal(seat!.channel, 'online');

    const after = await b.get(confirmation);
    assert.match(after.$('.flash-success').first().text(), /报名成功/);
    assert.equal(after.$('#ceremony .ceremony-state').attr('data-state'), 'seated');
    assert.match(after.$('#ceremony').text(), /请在 15:30 前办完结婚登记/);

    const manage = `/booking/${a.manageToken}`;
    const left = await post(b, manage, `${manage}/ceremony/leave`, { back: 'manage' });
    assert.equal(left.res.headers.location, `${manage}#ceremony`);
    const out = await CeremonySeatModel.findOne({ appointment: a.appointment._id }).lean();
    assert.equal(out!.state, 'left');
    const shown = await b.get(manage);
    assert.match(shown.$('.flash-success').text(), /您已退出集体颁证仪式/);
    assert.equal(shown.$('#ceremony .ceremony-left').attr('data-reason'), 'left');
    assert.equal(shown.$('#ceremony .ceremony-option button').text().trim(), '报名参加', 'it may join again');
  });

  it("offers the day's ceremony on every confirmation page asked for at the same moment", async () => {
    const ceremony = await openCeremony(t, officeId);
    const booked = [await book(t, officeId, '09:00'), await book(t, officeId, '09:30')];
    const pages = await Promise.all(
      [...booked, ...booked].map((a) => browser(t.app).get(`/booking/${a.manageToken}/confirmation`)),
    );
    for (const page of pages)
      assert.equal(page.$(`.ceremony-option[data-ceremony="${ceremony._id}"]`).length, 1);
  });

  it('explains why a slot that ends too late cannot join, and changes nothing when forced', async () => {
    const ceremony = await openCeremony(t, officeId);
    const late = await book(t, officeId, '15:30');
    const b = browser(t.app);
    const manage = `/booking/${late.manageToken}`;
    const page = await b.get(manage);
    const option = page.$('#ceremony .ceremony-option');
    assert.equal(option.find('form').length, 0);
    assert.match(option.find('.ceremony-problem').text(), /须在 15:30 前结束.*16:00 开始.*30 分钟/);
    const forced = await post(b, manage, `${manage}/ceremony/join`, { ceremonyId: ceremony._id.toString() });
    assert.equal(forced.res.status, 303);
    assert.equal(await CeremonySeatModel.countDocuments(), 0);
    const again = await b.get(manage);
    assert.match(again.$('.flash-error').text(), /登记时段结束太晚/);
  });

  it('waitlists when full, shows the position, and offers the freed seat to accept', async () => {
    const ceremony = await openCeremony(t, officeId, { seats: 1 });
    const id = ceremony._id.toString();
    const first = await book(t, officeId, '09:00');
    const second = await book(t, officeId, '09:30');
    await t.container.services.ceremonies.join(id, first.appointment, { channel: 'online' });
    const b = browser(t.app);
    const manage = `/booking/${second.manageToken}`;
    const page = await b.get(manage);
    assert.equal(page.$('#ceremony .ceremony-option button').text().trim(), '加入候补');
    await post(b, manage, `${manage}/ceremony/join`, { ceremonyId: id });
    const waiting = await b.get(manage);
    assert.match(waiting.$('.flash-info').text(), /排第 1 位/);
    assert.equal(waiting.$('#ceremony .ceremony-state').attr('data-state'), 'waitlisted');
    assert.match(waiting.$('#ceremony .ceremony-state').text(), /候补名单第 1 位/);

    await t.container.services.ceremonies.leave(first.appointment);
    const offered = await b.get(manage);
    assert.equal(offered.$('#ceremony .ceremony-state').attr('data-state'), 'offered');
    assert.match(offered.$('#ceremony .ceremony-state').text(), /保留至 2026年8月4日 周二 10:00/);
    await post(b, manage, `${manage}/ceremony/accept`);
    const seated = await b.get(manage);
    assert.equal(seated.$('#ceremony .ceremony-state').attr('data-state'), 'seated');
  });

  it("never shows another couple's names or references to a couple", async () => {
    const ceremony = await openCeremony(t, officeId, { seats: 1 });
    const id = ceremony._id.toString();
    const first = await book(t, officeId, '09:00');
    const second = await book(t, officeId, '09:30');
    await t.container.services.ceremonies.join(id, first.appointment, { channel: 'online' });
    await t.container.services.ceremonies.join(id, second.appointment, { channel: 'online' });
    const pages = [
      `/booking/${second.manageToken}`,
      `/booking/${second.manageToken}/confirmation`,
      '/offices/jinjiang',
      `/offices/jinjiang/days/${DAY}`,
    ];
    for (const path of pages) {
      const res = await request(t.app).get(path).expect(200);
      for (const p of first.couple.partners) assert.ok(!res.text.includes(p.name), `${path} shows ${p.name}`);
      assert.ok(!res.text.includes(first.appointment.reference), `${path} shows the other reference`);
    }
  });

  it('says so on the manage page when cancelling the appointment took the couple out', async () => {
    const ceremony = await openCeremony(t, officeId);
    const a = await book(t, officeId, '09:00');
    await t.container.services.ceremonies.join(ceremony._id.toString(), a.appointment, { channel: 'online' });
    const b = browser(t.app);
    const manage = `/booking/${a.manageToken}`;
    // A returning visitor: the CSRF cookie exists before the page with several forms is read.
    await b.get(manage);
    await post(b, manage, `${manage}/cancel`);
    const page = await b.get(manage);
    assert.equal(page.$('#ceremony .ceremony-left').attr('data-reason'), 'appointment_cancelled');
    assert.match(page.$('#ceremony .ceremony-left').text(), /因预约已取消/);
    assert.equal(
      page.$('#ceremony .ceremony-option').length,
      0,
      'a cancelled appointment is offered nothing',
    );
    await t.container.services.ceremonies.whenIdle();
    assert.equal(
      (await CeremonySeatModel.findOne({ appointment: a.appointment._id }).lean())!.leftReason,
      'appointment_cancelled',
    );
  });

  it('speaks English after the switch', async () => {
    const ceremony = await openCeremony(t, officeId);
    const a = await book(t, officeId, '09:00');
    await t.container.services.ceremonies.join(ceremony._id.toString(), a.appointment, { channel: 'online' });
    const b = browser(t.app);
    const page = await b.get(`/booking/${a.manageToken}?lang=en`);
    assert.equal(page.$('#ceremony-heading').text(), 'Group certificate ceremony');
    assert.match(
      page.$('#ceremony').text(),
      /Finish your registration by 15:30 and be at the Certificate Hall by 16:00/,
    );
    const office = await b.get('/offices/jinjiang');
    assert.match(office.$('.ceremony-card .seats-left').text(), /6 of 7 couples’ seats left/);
  });
});
