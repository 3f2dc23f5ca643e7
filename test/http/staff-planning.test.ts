import assert from 'node:assert/strict';
import type { CheerioAPI } from 'cheerio';
import { AppointmentModel } from '../../src/models/appointment.model.ts';
import { AuditLogModel } from '../../src/models/audit-log.model.ts';
import { DayPlanModel } from '../../src/models/day-plan.model.ts';
import { SlotModel } from '../../src/models/slot.model.ts';
import type { DomainEvent } from '../../src/services/events.ts';
import { buildTestApp, resetDatabase, type TestApp } from '../helpers/test-app.ts';
import { book, createWorld, NOW, signIn, type World } from './staff-fixtures.ts';

const QIXI_2026 = '2026-08-19';

/** The preview table as numbers, slot by slot, and its totals. */
function previewOf($: CheerioAPI) {
  const slots = $('.preview-table tbody tr')
    .toArray()
    .map((tr) => {
      const cells = $(tr)
        .find('td')
        .toArray()
        .map((td) => $(td).text().trim());
      return {
        start: $(tr).attr('data-start')!,
        before: Number(cells[0]),
        after: Number(cells[1]),
        delta: Number(cells[2]!.replace('+', '')),
        booked: Number.parseInt(cells[3]!, 10),
        flagged: $(tr).hasClass('row-over'),
      };
    });
  const total = (k: string) =>
    Number($(`.preview-table tfoot [data-total=${k}]`).text().trim().replace('+', ''));
  return { slots, totalBefore: total('before'), totalAfter: total('after'), totalDelta: total('delta') };
}

type Signed = Awaited<ReturnType<typeof signIn>>;
const post = (b: Signed, path: string, body: Record<string, unknown>) =>
  b.post(path, { _csrf: b.csrf, ...body });

/** The form's current values, as the browser would send them. */
function formOf($: CheerioAPI, selector = 'form.plan-form'): Record<string, string> {
  const form = $(selector);
  const values: Record<string, string> = {};
  form.find('input, textarea, select').each((_, el) => {
    const name = $(el).attr('name');
    if (!name) return;
    const type = $(el).attr('type');
    if ((type === 'radio' || type === 'checkbox') && $(el).attr('checked') === undefined) return;
    if (type === 'submit') return;
    values[name] = el.tagName === 'textarea' ? $(el).text() : String($(el).val() ?? '');
  });
  return values;
}

describe('planning capacity', () => {
  let t: TestApp;
  let w: World;
  let events: DomainEvent[];
  beforeEach(async () => {
    await resetDatabase();
    t = await buildTestApp({ now: NOW });
    w = await createWorld();
    events = [];
    t.container.events.subscribe((e) => {
      events.push(e);
    });
  });

  it('a peak-day plan adds exactly the capacity its preview showed, slot by slot', async () => {
    await book(t, w.officeA, QIXI_2026, '09:00');
    await book(t, w.officeA, QIXI_2026, '09:00');
    await book(t, w.officeA, QIXI_2026, '16:30');
    // The lottery pages own `allocation`: saving a plan must keep it.
    await DayPlanModel.create({ office: w.officeA, date: QIXI_2026, kind: 'special', allocation: 'lottery' });
    const b = await signIn(t, 'registrar-a@example.com');
    const suggested = await b.get(`/staff/offices/${w.officeA}/plans/${QIXI_2026}?suggest=qixi`);
    const form = formOf(suggested.$);
    assert.equal(form.kind, 'peak');
    assert.equal(form.labelZh, '七夕');
    assert.equal(form.sessions, '08:30-12:00, 13:30-18:00');
    assert.equal(form.extraWindows, '2');
    assert.equal(form.bookingOpensAt, '2026-08-12T09:00');

    const previewed = await post(b, `/staff/offices/${w.officeA}/plans/${QIXI_2026}`, {
      ...form,
      step: 'preview',
    });
    assert.equal(previewed.res.status, 200);
    const shown = previewOf(previewed.$);
    assert.equal(shown.slots.length, 16);
    assert.deepEqual(shown.slots[0], {
      start: '08:30',
      before: 0,
      after: 18,
      delta: 18,
      booked: 0,
      flagged: false,
    });
    assert.deepEqual(shown.slots[1], {
      start: '09:00',
      before: 12,
      after: 18,
      delta: 6,
      booked: 2,
      flagged: false,
    });
    assert.equal(shown.totalBefore, 156);
    assert.equal(shown.totalAfter, 288);
    assert.equal(
      await SlotModel.countDocuments({ date: QIXI_2026, capacity: { $ne: 12 } }),
      0,
      'a preview changes nothing',
    );

    const applied = await post(b, `/staff/offices/${w.officeA}/plans/${QIXI_2026}`, formOf(previewed.$));
    // The confirm form is the same form with the fingerprint and the apply button.
    assert.equal(applied.res.status, 200, 'without step=apply the form only previews');
    const saved = await post(b, `/staff/offices/${w.officeA}/plans/${QIXI_2026}`, {
      ...formOf(previewed.$),
      step: 'apply',
    });
    assert.equal(saved.res.status, 303);

    const counters = await SlotModel.find({ office: w.officeA, date: QIXI_2026 }).sort({ start: 1 }).lean();
    assert.deepEqual(
      counters.map((c) => [c.start, c.capacity]),
      shown.slots.map((s) => [s.start, s.after]),
      'every counter holds the previewed capacity',
    );
    for (const s of shown.slots) {
      const c = counters.find((x) => x.start === s.start)!;
      assert.equal(c.capacity - s.before, s.delta, `${s.start}: added what the preview showed`);
      assert.equal(c.booked, s.booked);
      assert.equal(c.remaining, c.capacity - c.booked);
    }
    assert.equal(counters.reduce((n, c) => n + c.capacity, 0) - shown.totalBefore, shown.totalDelta);

    const plan = await DayPlanModel.findOne({ office: w.officeA, date: QIXI_2026 }).lean();
    assert.equal(plan?.kind, 'peak');
    assert.equal(plan?.allocation, 'lottery', 'the allocation mode is kept');
    assert.equal(plan?.bookingOpensAt?.toISOString(), '2026-08-12T01:00:00.000Z');
    assert.equal(await AppointmentModel.countDocuments({ date: QIXI_2026, status: 'booked' }), 3);
    const audit = await AuditLogModel.findOne({ action: 'plan.save' }).lean();
    assert.equal((audit?.after as { capacity: number } | undefined)?.capacity, 288);
    assert.ok(events.some((e) => e.type === 'capacity.changed' && e.date === QIXI_2026));

    // What couples see follows at once.
    const day = await b.agent.get(`/offices/jinjiang/days/${QIXI_2026}`);
    assert.match(day.text, /08:30–09:00/);
  });

  it('lowering capacity under bookings flags the slots and keeps every booking', async () => {
    const date = '2026-08-05';
    for (let i = 0; i < 8; i++) await book(t, w.officeA, date, '09:00');
    await book(t, w.officeA, date, '10:00');
    const b = await signIn(t, 'registrar-a@example.com');
    const body = { kind: 'special', quotaPerSlot: '5', sessions: '' };
    const previewed = await post(b, `/staff/offices/${w.officeA}/plans/${date}`, {
      ...body,
      step: 'preview',
    });
    const shown = previewOf(previewed.$);
    const nine = shown.slots.find((s) => s.start === '09:00')!;
    assert.deepEqual(nine, { start: '09:00', before: 12, after: 5, delta: -7, booked: 8, flagged: true });
    assert.match(previewed.$('.preview-card .notice').text(), /1 个时段/);

    const saved = await post(b, `/staff/offices/${w.officeA}/plans/${date}`, {
      ...body,
      step: 'apply',
      fingerprint: previewed.$('input[name=fingerprint]').val(),
    });
    assert.equal(saved.res.status, 303);
    const slot = await SlotModel.findOne({ office: w.officeA, date, start: '09:00' }).lean();
    assert.deepEqual([slot?.capacity, slot?.booked, slot?.remaining, slot?.flagged], [5, 8, -3, true]);
    const ten = await SlotModel.findOne({ office: w.officeA, date, start: '10:00' }).lean();
    assert.deepEqual([ten?.capacity, ten?.remaining, ten?.flagged], [5, 4, false]);
    assert.equal(
      await AppointmentModel.countDocuments({ date, status: 'booked' }),
      9,
      'nothing is cancelled',
    );

    const dashboard = await b.get('/staff');
    assert.match(dashboard.$('table.data').text(), /09:00–09:30/);
    const roster = await b.get(`/staff/offices/${w.officeA}/roster?date=${date}`);
    assert.ok(roster.$('.roster-slot[data-start="09:00"]').hasClass('is-flagged'));
    assert.equal(roster.$('.roster-slot[data-start="09:00"] .entry').length, 8);

    // Raising it again clears the flag.
    const again = await post(b, `/staff/offices/${w.officeA}/plans/${date}`, {
      kind: 'special',
      quotaPerSlot: '8',
      step: 'preview',
    });
    await post(b, `/staff/offices/${w.officeA}/plans/${date}`, {
      kind: 'special',
      quotaPerSlot: '8',
      step: 'apply',
      fingerprint: again.$('input[name=fingerprint]').val(),
    });
    const cleared = await SlotModel.findOne({ office: w.officeA, date, start: '09:00' }).lean();
    assert.deepEqual([cleared?.capacity, cleared?.remaining, cleared?.flagged], [8, 0, false]);
  });

  it('a slot dropped from the plan goes to capacity 0, flagged only if booked', async () => {
    const date = '2026-08-06';
    await book(t, w.officeA, date, '09:00');
    const b = await signIn(t, 'registrar-a@example.com');
    const previewed = await post(b, `/staff/offices/${w.officeA}/plans/${date}`, {
      kind: 'special',
      sessions: '13:30-17:00',
      step: 'preview',
    });
    const shown = previewOf(previewed.$);
    assert.deepEqual(
      shown.slots.find((s) => s.start === '09:00'),
      { start: '09:00', before: 12, after: 0, delta: -12, booked: 1, flagged: true },
    );
    await post(b, `/staff/offices/${w.officeA}/plans/${date}`, {
      kind: 'special',
      sessions: '13:30-17:00',
      step: 'apply',
      fingerprint: previewed.$('input[name=fingerprint]').val(),
    });
    const nine = await SlotModel.findOne({ office: w.officeA, date, start: '09:00' }).lean();
    const half = await SlotModel.findOne({ office: w.officeA, date, start: '09:30' }).lean();
    assert.deepEqual([nine?.capacity, nine?.flagged], [0, true]);
    assert.deepEqual([half?.capacity, half?.flagged], [0, false]);
    const roster = await b.get(`/staff/offices/${w.officeA}/roster?date=${date}`);
    assert.equal(
      roster.$('.roster-slot[data-start="09:00"] .entry').length,
      1,
      'the booking is still listed',
    );
  });

  it('refuses to save when the day changed after the preview', async () => {
    const date = '2026-08-07';
    const b = await signIn(t, 'registrar-a@example.com');
    const previewed = await post(b, `/staff/offices/${w.officeA}/plans/${date}`, {
      kind: 'peak',
      extraWindows: '1',
      step: 'preview',
    });
    const fingerprint = previewed.$('input[name=fingerprint]').val();
    // Someone else changes the day meanwhile.
    const other = await post(b, `/staff/offices/${w.officeA}/plans/${date}`, {
      kind: 'peak',
      extraWindows: '3',
      step: 'preview',
    });
    await post(b, `/staff/offices/${w.officeA}/plans/${date}`, {
      kind: 'peak',
      extraWindows: '3',
      step: 'apply',
      fingerprint: other.$('input[name=fingerprint]').val(),
    });
    const stale = await post(b, `/staff/offices/${w.officeA}/plans/${date}`, {
      kind: 'peak',
      extraWindows: '1',
      step: 'apply',
      fingerprint,
    });
    assert.equal(stale.res.status, 409);
    assert.match(stale.$('[role=alert]').text(), /预览之后/);
    assert.equal((await DayPlanModel.findOne({ office: w.officeA, date }).lean())?.extraWindows, 3);
    assert.equal(stale.$('.preview-table').length, 1, 'the fresh preview is shown');
  });

  it('refuses a plan that leaves a special day without hours, and a booking opening after the cutoff', async () => {
    const b = await signIn(t, 'registrar-a@example.com');
    const noHours = await post(b, `/staff/offices/${w.officeA}/plans/2026-08-08`, {
      kind: 'special',
      sessions: '12:00-12:10',
      step: 'preview',
    });
    assert.equal(noHours.res.status, 422);
    assert.match(noHours.$('[role=alert]').text(), /没有可预约的时段/);
    const late = await post(b, `/staff/offices/${w.officeA}/plans/2026-08-10`, {
      kind: 'peak',
      bookingOpensAt: '2026-08-09T18:00',
      step: 'preview',
    });
    assert.equal(late.res.status, 422);
    assert.match(late.$('.field-error').text(), /早于预约截止/);
    const past = await post(b, `/staff/offices/${w.officeA}/plans/2026-08-01`, {
      kind: 'closed',
      step: 'apply',
    });
    assert.equal(past.res.status, 422);
    assert.equal(await DayPlanModel.countDocuments(), 0);
  });

  it('closes a day in an emergency: bookings kept and marked, couples told, and reopened', async () => {
    const date = '2026-08-05';
    const one = await book(t, w.officeA, date, '09:00');
    const two = await book(t, w.officeA, date, '14:00');
    const cancelled = await book(t, w.officeA, date, '15:00');
    await t.container.services.booking.cancel(cancelled.appointment._id, 'couple');
    const b = await signIn(t, 'registrar-a@example.com');
    const page = await b.get(`/staff/offices/${w.officeA}/days/${date}/close`);
    assert.match(page.$('.notice').text(), /2 对新人/);
    const closed = await post(b, `/staff/offices/${w.officeA}/days/${date}/close`, {
      step: 'apply',
      fingerprint: page.$('input[name=fingerprint]').val(),
      messageZh: '因停电临时闭馆，请改约其他日期。',
      messageEn: 'Closed for a power cut; please choose another day.',
    });
    assert.equal(closed.res.status, 303);
    const marked = await AppointmentModel.find({ date, status: 'booked' }).lean();
    assert.equal(marked.length, 2);
    for (const a of marked) {
      assert.equal(a.closure?.date, date);
      assert.equal(a.closure?.by, w.users.registrarA.id);
      assert.equal(a.closure?.message?.zh, '因停电临时闭馆，请改约其他日期。');
      assert.equal(a.history.at(-1)?.type, 'office_closed');
    }
    assert.equal((await AppointmentModel.findById(cancelled.appointment._id).lean())?.closure, undefined);
    const event = events.find((e) => e.type === 'office.closed');
    assert.deepEqual(event, {
      type: 'office.closed',
      officeId: w.officeA,
      date,
      appointmentIds: [one.appointment._id.toString(), two.appointment._id.toString()].sort(),
      closedAt: t.clock(),
    } satisfies DomainEvent);
    const slots = await SlotModel.find({ office: w.officeA, date }).lean();
    assert.ok(slots.every((s) => s.capacity === 0));
    assert.deepEqual(
      slots
        .filter((s) => s.flagged)
        .map((s) => s.start)
        .sort(),
      ['09:00', '14:00'],
    );
    const roster = await b.get(`/staff/offices/${w.officeA}/roster?date=${date}`);
    assert.match(roster.$('.flash-error').text(), /2 对新人/);
    assert.equal(roster.$('.entry .badge-warn').length, 2);

    // The office opens after all: removing the plan lifts the marks.
    const removal = await post(b, `/staff/offices/${w.officeA}/plans/${date}/remove`, { step: 'preview' });
    await post(b, `/staff/offices/${w.officeA}/plans/${date}/remove`, {
      step: 'apply',
      fingerprint: removal.$('input[name=fingerprint]').val(),
    });
    assert.equal(await AppointmentModel.countDocuments({ date, 'closure.date': date }), 0);
    assert.ok(
      (await SlotModel.find({ office: w.officeA, date }).lean()).every(
        (s) => s.capacity === 12 && !s.flagged,
      ),
    );
  });
});

describe('holiday notice import', () => {
  let t: TestApp;
  let w: World;
  beforeEach(async () => {
    await resetDatabase();
    t = await buildTestApp({ now: NOW });
    w = await createWorld();
  });

  it('rejects a file with bad lines, shows each line error, and applies none of it', async () => {
    const b = await signIn(t, 'registrar-a@example.com');
    const csv = [
      'date,kind,label_zh,label_en',
      '2026-10-01,休,国庆节,National Day',
      '2026-10-32,休,国庆节,National Day',
      '2026-10-03,放假,国庆节,National Day',
      '2026-10-01,休,重复,Again',
      '2026-10-10,班,调休上班,Make-up day',
    ].join('\n');
    const preview = await post(b, `/staff/offices/${w.officeA}/import`, { step: 'preview', csv });
    assert.equal(preview.res.status, 200);
    const lines = preview
      .$('.line-errors li')
      .toArray()
      .map((li) => Number(preview.$(li).attr('data-line')));
    assert.deepEqual(lines, [3, 4, 5]);
    assert.match(preview.$('.line-errors').text(), /第 3 行：日期无效：2026-10-32/);
    assert.equal(preview.$('button[value=apply]').length, 0, 'no way to apply a rejected file');
    const forced = await post(b, `/staff/offices/${w.officeA}/import`, { step: 'apply', csv });
    assert.equal(forced.res.status, 422);
    assert.match(forced.$('[role=alert]').text(), /3 行有误/);
    assert.equal(await DayPlanModel.countDocuments(), 0, 'not even the good lines are applied');
  });

  it('applies a good file: holidays closed (couples told), make-up days opened, peak days kept', async () => {
    t.clock.set('2026-09-10T02:00:00.000Z');
    const booked = await book(t, w.officeA, '2026-09-30', '09:00');
    await DayPlanModel.create({ office: w.officeA, date: '2026-10-11', kind: 'peak', extraWindows: 2 });
    const b = await signIn(t, 'registrar-a@example.com');
    const csv =
      '\uFEFF日期,类型,中文名称,英文名称\r\n2026/9/30,休,国庆节,National Day\r\n2026-10-10,班,调休上班,\r\n2026-10-11,班,调休上班,\r\n';
    const preview = await post(b, `/staff/offices/${w.officeA}/import`, { step: 'preview', csv });
    assert.equal(preview.$('.line-errors').length, 0);
    assert.match(preview.$('tr[data-date="2026-09-30"]').text(), /1 对新人将收到闭馆通知/);
    assert.match(preview.$('tr[data-date="2026-10-11"]').text(), /已是热门日，保留/);
    const applied = await post(b, `/staff/offices/${w.officeA}/import`, { step: 'apply', csv });
    assert.equal(applied.res.status, 303);
    const plans = await DayPlanModel.find().sort({ date: 1 }).lean();
    assert.deepEqual(
      plans.map((p) => [p.date, p.kind, p.label?.zh]),
      [
        ['2026-09-30', 'closed', '国庆节'],
        ['2026-10-10', 'special', '调休上班'],
        ['2026-10-11', 'peak', undefined],
      ],
    );
    assert.equal(
      (await AppointmentModel.findById(booked.appointment._id).lean())?.closure?.date,
      '2026-09-30',
    );
    // A Saturday make-up working day takes the weekday hours.
    const [saturday] = await t.container.services.schedule.availability(
      await t.container.services.schedule.getOffice(w.officeA),
      '2026-10-10',
      '2026-10-10',
    );
    assert.equal(saturday?.capacity, 156);
    assert.equal(await AuditLogModel.countDocuments({ action: 'plan.import' }), 1);
  });
});

describe('peak-day planner', () => {
  // Qixi as published: 2006 had a leap 7th month (no second Qixi on 30 August), 2025 a leap 6th.
  const YEARS: [string, string][] = [
    ['2006-03-01T02:00:00.000Z', '2006-07-31'],
    ['2024-03-01T02:00:00.000Z', '2024-08-10'],
    ['2025-03-01T02:00:00.000Z', '2025-08-29'],
    ['2028-01-10T02:00:00.000Z', '2028-08-26'],
  ];
  for (const [now, qixi] of YEARS) {
    it(`suggests Qixi on ${qixi} with its weekday and the other peak days`, async () => {
      await resetDatabase();
      const t = await buildTestApp({ now });
      const w = await createWorld();
      const b = await signIn(t, 'registrar-a@example.com');
      await post(b, `/staff/offices/${w.officeA}/peak-days`, { month: 9, day: 9, labelZh: '长长久久' });
      const { $ } = await b.get(`/staff/offices/${w.officeA}/peak-days`);
      const rows = $('tr[data-date]')
        .toArray()
        .map((tr) => [$(tr).attr('data-date'), $(tr).attr('data-key')]);
      const qixiRows = rows.filter(([, key]) => key === 'qixi');
      assert.deepEqual(qixiRows, [[qixi, 'qixi']], 'one Qixi in the next 12 months');
      const year = now.slice(0, 4);
      assert.ok(rows.some(([d, k]) => d === `${year}-05-20` && k === '520'));
      assert.ok(rows.some(([d, k]) => d === `${year}-05-21` && k === '521'));
      assert.ok(rows.some(([d, k]) => d === `${year}-09-09` && k === 'custom'));
      assert.ok(rows.some(([, k]) => k === 'valentines'));
      const weekday = new Date(`${qixi}T12:00:00Z`).getUTCDay() || 7;
      assert.match(
        $(`tr[data-date="${qixi}"]`).text(),
        new RegExp(['周一', '周二', '周三', '周四', '周五', '周六', '周日'][weekday - 1]!),
      );

      // Accepting the suggestion fills in a peak-day plan to preview.
      const href = $(`tr[data-date="${qixi}"] a`).attr('href')!;
      const plan = await b.get(href);
      assert.equal(plan.$('input[name=kind][value=peak]').attr('checked'), 'checked');
      assert.equal(plan.$('#labelZh').val(), '七夕');
      assert.equal(plan.$('#extraWindows').val(), '2');
    });
  }

  it('marks a suggestion already planned', async () => {
    await resetDatabase();
    const t = await buildTestApp({ now: NOW });
    const w = await createWorld();
    await DayPlanModel.create({ office: w.officeA, date: QIXI_2026, kind: 'peak', extraWindows: 2 });
    const b = await signIn(t, 'registrar-a@example.com');
    const { $ } = await b.get(`/staff/offices/${w.officeA}/peak-days`);
    assert.match($(`tr[data-date="${QIXI_2026}"]`).text(), /热门日/);
    assert.equal(
      $(`tr[data-date="${QIXI_2026}"] a`).attr('href'),
      `/staff/offices/${w.officeA}/plans/${QIXI_2026}`,
    );
  });
});
