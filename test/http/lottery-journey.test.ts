import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as cheerio from 'cheerio';
import request from 'supertest';
import { accepts, allocate, nextOffer, type Preference } from '../../src/domain/lottery.ts';
import { AppointmentModel } from '../../src/models/appointment.model.ts';
import { DayPlanModel } from '../../src/models/day-plan.model.ts';
import { LotteryApplicationModel } from '../../src/models/lottery-application.model.ts';
import { LotteryDrawModel } from '../../src/models/lottery-draw.model.ts';
import { LotteryPersonModel } from '../../src/models/lottery-person.model.ts';
import { SlotModel } from '../../src/models/slot.model.ts';
import { browser, formFields } from '../helpers/forms.ts';
import { couple, residentId } from '../helpers/ids.ts';
import { buildTestApp, resetDatabase, type TestApp } from '../helpers/test-app.ts';
import {
  AFTER_DRAW,
  apply,
  CLOSES,
  DAY,
  DAY_PATH,
  DRAW,
  lotteryOffice,
  NOW,
  recordEvents,
  STARTS,
} from './lottery-support.ts';

const APPLY_PATH = `${DAY_PATH}/lottery/apply`;

async function applyViaForm(t: TestApp, c = couple(), extra: Record<string, string> = {}) {
  const b = browser(t.app);
  const { $ } = await b.get(APPLY_PATH);
  const form = {
    _csrf: $('input[name=_csrf]').val(),
    idempotencyKey: $('input[name=idempotencyKey]').val(),
    ...formFields({ partners: c.partners }),
    email: c.email,
    language: c.language,
    preference: 'any',
    ...extra,
  };
  const posted = await b.post(APPLY_PATH, form);
  return { b, form, posted };
}

describe('lottery day (couples)', () => {
  let t: TestApp;
  let officeId: string;
  beforeEach(async () => {
    await resetDatabase();
    t = await buildTestApp({ now: NOW });
    officeId = (await lotteryOffice(t))._id.toString();
  });

  it('shows the window, the draw time and the commitment on the day page, and no booking buttons', async () => {
    const res = await request(t.app).get(DAY_PATH).expect(200);
    const $ = cheerio.load(res.text);
    const plan = await DayPlanModel.findOne({ date: DAY }).lean();
    assert.equal(plan!.allocation, 'lottery');
    assert.match(plan!.lottery!.commitment, /^[0-9a-f]{64}$/);
    assert.equal($('[data-commitment]').text().trim(), plan!.lottery!.commitment);
    assert.equal($('.lottery-panel').attr('data-phase'), 'open');
    assert.match($('.lottery-panel').text(), /2026年8月10日 周一 17:00/);
    assert.match($('.lottery-panel').text(), /2026年8月11日 周二 10:00/);
    assert.match($('.lottery-panel').text(), /提前申请没有任何优势/);
    assert.equal($(`a[href="${APPLY_PATH}"]`).length, 1);
    assert.equal($('a[href*="/book?start="]').length, 0, 'no first-come booking on a lottery day');
    assert.equal($('.slot').length, 4);
    const en = await request(t.app).get(`${DAY_PATH}?lang=en`).expect(200);
    assert.match(cheerio.load(en.text)('.lottery-panel h2').text(), /drawn by lot/);
    // The month calendar marks the day short enough for a phone's narrow cell.
    const month = await request(t.app)
      .get(`/offices/jinjiang?month=${DAY.slice(0, 7)}`)
      .expect(200);
    assert.equal(cheerio.load(month.text)(`td[data-date="${DAY}"] .day-lottery`).text(), '抽签');
  });

  it('refuses first-come booking on a lottery day, on the form and the API', async () => {
    const c = couple();
    const api = await request(t.app)
      .post('/api/v1/appointments')
      .send({ officeId, date: DAY, start: '09:00', ...c })
      .expect(422);
    assert.equal(api.body.error.code, 'booking_not_open');
    assert.match(api.body.error.message, /抽签分配/);
    assert.equal(await AppointmentModel.countDocuments(), 0);
    const slot = await SlotModel.findOne({ date: DAY, start: '09:00' }).lean();
    assert.ok(!slot || slot.booked === 0);
  });

  it('takes an application with the form, shows its private status page, and stores no clear ID', async () => {
    const c = couple();
    const { b, posted } = await applyViaForm(t, c, {
      preference: 'ranked',
      'ranked[0]': '14:30',
      'ranked[1]': '09:00',
      'ranked[2]': '',
    });
    assert.equal(posted.res.status, 303);
    const location = posted.res.headers.location as string;
    assert.match(location, /^\/lottery\/a\/[A-Za-z0-9_-]{43}$/);
    const stored = await LotteryApplicationModel.find().lean();
    assert.equal(stored.length, 1);
    const a = stored[0]!;
    assert.equal(a.status, 'applied');
    assert.deepEqual(a.preference, { kind: 'ranked', starts: ['14:30', '09:00'] });
    assert.match(a.reference, /^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    assert.ok(!JSON.stringify(a).includes(c.partners[0]!.idNumber), 'the ID number is never stored in clear');
    assert.equal(await LotteryPersonModel.countDocuments(), 2);
    assert.equal(await AppointmentModel.countDocuments(), 0, 'applying takes no place');

    const page = await b.agent.get(location).expect(200);
    assert.equal(page.headers['cache-control'], 'no-store');
    const $ = cheerio.load(page.text);
    assert.equal($('[data-reference]').text().trim(), a.reference);
    assert.equal($('.lottery-state').attr('data-status'), 'applied');
    assert.match($('.flash-success').text(), new RegExp(a.reference));
    assert.match($('.summary-list').text(), /指定时段（按顺序）：14:30 › 09:00/);
    assert.ok(!page.text.includes(c.partners[0]!.idNumber));
  });

  it('checks partners as a booking does, and checks the preference against the day', async () => {
    const c = couple();
    const good = c.partners[0]!.idNumber;
    c.partners[0]!.idNumber = good.slice(0, 17) + (good.endsWith('1') ? '2' : '1');
    c.partners[1]!.idNumber = residentId('2008-01-01', 'female', 7);
    const { posted } = await applyViaForm(t, c, { preference: 'ranked', 'ranked[0]': '', 'ranked[1]': '' });
    assert.equal(posted.res.status, 422);
    assert.match(posted.$('#partners-0-idNumber-error').text(), /校验位不正确/);
    assert.match(posted.$('#partners-1-idNumber-error').text(), /未达法定婚龄/);
    assert.match(posted.$('#preference-error').text(), /至少选择一个时段/);
    assert.equal(posted.$('input[name="partners[0][name]"]').val(), c.partners[0]!.name);
    assert.equal(await LotteryApplicationModel.countDocuments(), 0);
    assert.equal(await LotteryPersonModel.countDocuments(), 0);
  });

  it('takes one application per person: a partner who applied cannot apply again, with anyone', async () => {
    const first = couple();
    assert.equal((await applyViaForm(t, first)).posted.res.status, 303);
    const second = couple();
    second.partners[1] = first.partners[1]!;
    const { posted } = await applyViaForm(t, second);
    assert.equal(posted.res.status, 409);
    assert.match(posted.$('#partners-1-idNumber-error').text(), /已申请过本日抽签/);
    assert.equal(await LotteryApplicationModel.countDocuments(), 1);
    // The same couple applying again (a new form, so a new key) is refused too.
    const twice = await applyViaForm(t, first);
    assert.equal(twice.posted.res.status, 409);
    assert.equal(await LotteryApplicationModel.countDocuments(), 1);
  });

  it('answers a retried form (same idempotency key) with the same application', async () => {
    const { b, form, posted } = await applyViaForm(t);
    const again = await b.post(APPLY_PATH, form);
    assert.equal(again.res.status, 303);
    assert.equal(again.res.headers.location, posted.res.headers.location);
    assert.equal(await LotteryApplicationModel.countDocuments(), 1);
  });

  it('takes applications only during the window, and lets a couple withdraw while it is open', async () => {
    t.clock.set('2026-08-03T00:59:00.000Z');
    const early = browser(t.app);
    const notYet = await early.get(APPLY_PATH);
    assert.match(notYet.$('.notice').text(), /尚未开始，将于 2026年8月3日 周一 09:00 开始/);
    assert.equal(notYet.$('form.lottery-form').length, 0);
    const c = couple();
    const refused = await early.post(APPLY_PATH, {
      _csrf: await early.csrfFrom('/lookup'),
      ...formFields({ partners: c.partners }),
      email: c.email,
      language: c.language,
      preference: 'any',
    });
    assert.equal(refused.res.status, 422);
    assert.match(refused.$('.notice').text(), /尚未开始/);
    assert.equal(await LotteryApplicationModel.countDocuments(), 0);
    t.clock.set(NOW);
    const res = await applyViaForm(t);
    const location = res.posted.res.headers.location as string;
    const token = await res.b.csrfFrom(location);
    const withdrawn = await res.b.post(`${location}/withdraw`, { _csrf: token });
    assert.equal(withdrawn.res.status, 303);
    assert.equal((await LotteryApplicationModel.findOne().lean())!.status, 'withdrawn');
    assert.equal(await LotteryPersonModel.countDocuments(), 0, 'the couple may apply again');
    t.clock.set(CLOSES);
    const late = couple();
    const closed = await early.post(APPLY_PATH, {
      _csrf: await early.csrfFrom('/lookup'),
      ...formFields({ partners: late.partners }),
      email: late.email,
      language: late.language,
      preference: 'any',
    });
    assert.equal(closed.res.status, 422);
    assert.match(closed.$('.notice').text(), /已于 2026年8月10日 周一 17:00 截止/);
    assert.equal(await LotteryApplicationModel.countDocuments({ status: 'applied' }), 0);
  });
});

describe('lottery draw', () => {
  let t: TestApp;
  let officeId: string;
  beforeEach(async () => {
    await resetDatabase();
    t = await buildTestApp({ now: NOW });
    officeId = (await lotteryOffice(t))._id.toString();
  });

  it('publishes the commitment before closing, reveals a seed that matches it, and anyone recomputes the result', async () => {
    const kinds: Preference[] = [{ kind: 'any' }, { kind: 'morning' }, { kind: 'afternoon' }];
    for (let i = 0; i < 20; i++) await apply(t, officeId, kinds[i % 3]);
    const before = cheerio
      .load((await request(t.app).get(DAY_PATH)).text)('[data-commitment]')
      .text()
      .trim();
    t.clock.set('2026-08-10T08:59:00.000Z');
    const lastMinute = cheerio.load((await request(t.app).get(`${DAY_PATH}/lottery/check`)).text);
    assert.equal(
      lastMinute('[data-commitment]').text().trim(),
      before,
      'published before applications close',
    );
    assert.equal(lastMinute('[data-seed]').length, 0, 'the seed is secret until the draw');

    const events = recordEvents(t);
    t.clock.set(DRAW);
    assert.equal(await t.container.services.lottery.runDueDraws(new Date(DRAW)), 1);
    assert.equal(await t.container.services.lottery.runDueDraws(new Date(AFTER_DRAW)), 0, 'drawn once');

    const draw = await LotteryDrawModel.findOne().select('+seed').lean();
    assert.equal(draw!.state, 'drawn');
    assert.equal(createHash('sha256').update(draw!.seed).digest('hex'), before);
    const json = (await request(t.app).get(`${DAY_PATH}/lottery/draw.json`).expect(200)).body;
    assert.equal(json.seed, draw!.seed);
    assert.equal(json.applications.length, 20);
    const slotsOfDraw = json.slots.map((s: { start: string; places: number }) => ({
      start: s.start,
      capacity: s.places,
    }));
    const again = allocate(json.seed, json.applications, slotsOfDraw);
    const placed = again.assignments.filter((a) => a.start !== null);
    assert.deepEqual(
      placed.map((a) => ({ rank: a.rank, reference: a.reference, start: a.start })),
      json.winners,
    );
    assert.equal(placed.length, 8);
    const other = allocate('0'.repeat(64), json.applications, slotsOfDraw);
    assert.notDeepEqual(other.order, again.order, 'another seed gives another draw');
    assert.notDeepEqual(other.assignments, again.assignments);

    // The winners hold appointments made through the booking service.
    const appointments = await AppointmentModel.find({ status: 'booked' }).lean();
    assert.equal(appointments.length, 8);
    assert.ok(appointments.every((a) => a.channel === 'lottery'));
    const slots = await SlotModel.find({ date: DAY }).lean();
    assert.deepEqual(
      slots.map((s) => [s.start, s.booked, s.remaining]).sort(),
      STARTS.map((s) => [s, 2, 0]),
    );
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(events.filter((e) => e.type === 'lottery.won').length, 8);
    assert.equal(events.filter((e) => e.type === 'lottery.not_drawn').length, 12);
    assert.equal(events.filter((e) => e.type === 'lottery.drawn').length, 1);

    // The public check page: the revealed seed gives the same result; another seed does not.
    const ok = cheerio.load(
      (await request(t.app).get(`${DAY_PATH}/lottery/check?seed=${draw!.seed}`).expect(200)).text,
    );
    assert.equal(ok('.check-result').attr('data-seed-matches'), 'true');
    assert.equal(ok('.check-result').attr('data-same-winners'), 'true');
    assert.equal(ok('.check-table tbody tr').length, 8);
    const bad = cheerio.load(
      (
        await request(t.app)
          .get(`${DAY_PATH}/lottery/check?seed=${'ab'.repeat(32)}`)
          .expect(200)
      ).text,
    );
    assert.equal(bad('.check-result').attr('data-seed-matches'), 'false');
    assert.equal(bad('.check-result').attr('data-same-winners'), 'false');
    const malformed = await request(t.app).get(`${DAY_PATH}/lottery/check?seed=xyz`).expect(422);
    assert.match(cheerio.load(malformed.text)('#seed-error').text(), /64 位十六进制/);
  });

  it('honours preferences where places allow', async () => {
    const wishes: Preference[] = [
      ...Array.from({ length: 5 }, () => ({ kind: 'morning' }) as Preference),
      ...Array.from({ length: 5 }, () => ({ kind: 'afternoon' }) as Preference),
      { kind: 'ranked', starts: ['14:30'] },
      { kind: 'ranked', starts: ['09:30', '14:00'] },
    ];
    for (const preference of wishes) await apply(t, officeId, preference);
    t.clock.set(DRAW);
    await t.container.services.lottery.runDueDraws(new Date(DRAW));
    const applications = await LotteryApplicationModel.find().lean();
    const offered = applications.filter((a) => a.status === 'offered');
    assert.equal(offered.length, 8, 'every place is given: morning and afternoon demand both exceed supply');
    for (const a of offered) assert.ok(accepts(a.preference, a.start!), `${a.reference} got ${a.start}`);
    assert.equal(offered.filter((a) => a.start! < '12:00').length, 4);
  });

  it('lets winners confirm; an offer not confirmed in time passes to the next in draw order', async () => {
    for (let i = 0; i < 12; i++) await apply(t, officeId, { kind: i % 2 ? 'morning' : 'any' });
    t.clock.set(DRAW);
    await t.container.services.lottery.runDueDraws(new Date(DRAW));
    const draw = await LotteryDrawModel.findOne().select('+order').lean();
    const winners = draw!.winners!;
    const [keeper, laggard] = winners;

    // The first winner confirms on the status page and reaches its appointment's manage page.
    const keeperApp = await LotteryApplicationModel.findOne({ reference: keeper!.reference }).lean();
    const statusPath = await t.container.services.lottery.statusPath(keeperApp!._id.toString());
    const b = browser(t.app);
    const page = await b.get(statusPath);
    assert.equal(page.$('.lottery-state').attr('data-status'), 'offered');
    assert.match(page.$('.lottery-state').text(), /2026年8月12日 周三 10:00 前确认/);
    const confirmed = await b.post(`${statusPath}/confirm`, {
      _csrf: page.$('input[name=_csrf]').first().val(),
    });
    assert.equal(confirmed.res.status, 303);
    const after = await b.get(statusPath);
    assert.equal(after.$('.lottery-state').attr('data-status'), 'confirmed');
    const manage = after.$('a[href^="/booking/"]').attr('href')!;
    const appointmentPage = await b.get(manage);
    assert.equal(appointmentPage.res.status, 200);

    // Nobody else confirms. One minute before the deadline nothing moves; at the deadline the offers lapse.
    t.clock.set('2026-08-12T01:59:00.000Z');
    assert.deepEqual(
      await t.container.services.lottery.expireConfirmations(new Date('2026-08-12T01:59:00.000Z')),
      {
        lapsed: 0,
        offered: 0,
      },
    );
    const events = recordEvents(t);
    t.clock.set('2026-08-12T02:00:00.000Z');
    const swept = await t.container.services.lottery.expireConfirmations(
      new Date('2026-08-12T02:00:00.000Z'),
    );
    // Morning-only couples cannot take afternoon places: the draw may leave one unfilled.
    assert.equal(swept.lapsed, winners.length - 1);

    const laggardApp = await LotteryApplicationModel.findOne({ reference: laggard!.reference }).lean();
    assert.equal(laggardApp!.status, 'lapsed');
    assert.equal((await AppointmentModel.findById(laggardApp!.appointment).lean())!.status, 'cancelled');

    // What the published algorithm says (docs/lottery.md step 7): each freed place, slot by
    // slot, to the best-ranked applicant in line who accepts it and was not offered one yet.
    const published = (await request(t.app).get(`${DAY_PATH}/lottery/draw.json`)).body;
    const { assignments } = allocate(
      published.seed,
      published.applications,
      published.slots.map((s: { start: string; places: number }) => ({ start: s.start, capacity: s.places })),
    );
    const freed = winners
      .slice(1)
      .map((w) => w.start)
      .sort();
    const offeredBefore = new Set<string>();
    const expected: string[] = [];
    for (const start of freed) {
      const next = nextOffer(published.applications, assignments, start, offeredBefore);
      if (next) {
        offeredBefore.add(next);
        expected.push(`${next}@${start}`);
      }
    }
    assert.ok(expected.length > 0);
    const passed = await LotteryApplicationModel.find({ passedOn: true }).lean();
    assert.equal(swept.offered, expected.length);
    assert.deepEqual(passed.map((a) => `${a.reference}@${a.start}`).sort(), expected.sort());
    for (const a of passed) {
      assert.equal(a.status, 'offered');
      assert.ok(accepts(a.preference, a.start!));
      assert.equal(a.confirmBy!.toISOString(), '2026-08-13T02:00:00.000Z');
    }
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(events.filter((e) => e.type === 'lottery.lapsed').length, winners.length - 1);
    assert.equal(events.filter((e) => e.type === 'lottery.won' && e.passedOn).length, expected.length);

    // The day is never oversold.
    const slots = await SlotModel.find({ date: DAY }).lean();
    for (const s of slots) {
      const active = await AppointmentModel.countDocuments({ slot: s._id, status: 'booked' });
      assert.ok(active <= s.capacity);
      assert.equal(active, s.booked);
    }
  });

  it('passes a declined place on at once, and tells the others their rank', async () => {
    for (let i = 0; i < 9; i++) await apply(t, officeId);
    t.clock.set(DRAW);
    await t.container.services.lottery.runDueDraws(new Date(DRAW));
    const draw = await LotteryDrawModel.findOne().select('+order').lean();
    const last = draw!.order!.at(-1)!;
    const waiting = await LotteryApplicationModel.findOne({ reference: last }).lean();
    assert.equal(waiting!.status, 'applied');

    const b = browser(t.app);
    const waitingPath = await t.container.services.lottery.statusPath(waiting!._id.toString());
    const waitingPage = await b.get(waitingPath);
    assert.match(waitingPage.$('.lottery-state').text(), /排第 9 位/);

    const winner = await LotteryApplicationModel.findOne({ reference: draw!.winners![0]!.reference }).lean();
    const winnerPath = await t.container.services.lottery.statusPath(winner!._id.toString());
    const page = await b.get(winnerPath);
    await b.post(`${winnerPath}/decline`, { _csrf: page.$('input[name=_csrf]').first().val() });
    assert.equal((await LotteryApplicationModel.findById(winner!._id).lean())!.status, 'declined');
    const promoted = await LotteryApplicationModel.findOne({ reference: last }).lean();
    assert.equal(promoted!.status, 'offered');
    assert.equal(promoted!.start, winner!.start);
    assert.equal(promoted!.passedOn, true);
    const promotedPage = await b.get(waitingPath);
    assert.equal(promotedPage.$('.lottery-state').attr('data-status'), 'offered');
    assert.match(promotedPage.$('.lottery-state').text(), /递补/);
  });

  it('gives nobody two places: a winner who booked elsewhere meanwhile is skipped, and draws are idempotent', async () => {
    const results: Awaited<ReturnType<typeof apply>>[] = [];
    for (let i = 0; i < 10; i++) results.push(await apply(t, officeId));
    // One applicant books another day first come first served after applying.
    const booker = results[3]!.couple;
    await request(t.app)
      .post('/api/v1/appointments')
      .send({ officeId, date: '2026-08-20', start: '09:00', ...booker })
      .expect(201);
    t.clock.set(DRAW);
    await Promise.all([
      t.container.services.lottery.runDueDraws(new Date(DRAW)),
      t.container.services.lottery.runDueDraws(new Date(DRAW)),
    ]);
    await t.container.services.lottery.expireConfirmations(new Date(AFTER_DRAW));
    await t.container.services.lottery.expireConfirmations(new Date(AFTER_DRAW));

    const applications = await LotteryApplicationModel.find().lean();
    const bookerApp = applications.find((a) => a.reference === results[3]!.application.reference)!;
    assert.notEqual(bookerApp.status, 'offered');
    const lottery = await AppointmentModel.find({ channel: 'lottery', status: 'booked' }).lean();
    assert.equal(lottery.length, 8, 'the day is full');
    const people = lottery.flatMap((a) => a.partners.map((p) => p.idFingerprint));
    assert.equal(new Set(people).size, people.length, 'no person holds two places');
    const allActive = await AppointmentModel.find({ status: 'booked' }).lean();
    const everyone = allActive.flatMap((a) => a.partners.map((p) => p.idFingerprint));
    assert.equal(new Set(everyone).size, everyone.length, 'nor a place here and a booking elsewhere');
    for (const a of applications) {
      assert.ok(
        a.history.filter((h) => h.type === 'offered').length <= 1,
        `${a.reference} offered at most once`,
      );
    }
    if (bookerApp.status === 'excluded') assert.equal(bookerApp.excludedReason, 'booking.already_booked');
  });

  it('refuses an application from a partner who already holds a booking', async () => {
    const c = couple();
    await request(t.app)
      .post('/api/v1/appointments')
      .send({ officeId, date: '2026-08-20', start: '09:00', ...c })
      .expect(201);
    await assert.rejects(apply(t, officeId, { kind: 'any' }, c), /already_booked/);
  });
});
