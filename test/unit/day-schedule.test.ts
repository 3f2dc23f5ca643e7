import assert from 'node:assert/strict';
import { baseTemplate, planDay, slotCapacity } from '../../src/domain/day-schedule.ts';
import type { DayPlan, WeekdayTemplate } from '../../src/domain/schedule-types.ts';
import { OFFICE_ZONE, slotView, WEEKDAYS, withProcessTz } from './support/fixtures.ts';

const QIXI_2024: DayPlan = {
  date: '2024-08-10',
  kind: 'peak',
  label: { zh: '七夕', en: 'Qixi' },
  sessions: [
    { start: '08:30', end: '12:00' },
    { start: '13:00', end: '18:00' },
  ],
  extraWindows: 2,
  extraQuotaPerSlot: 1,
  message: { zh: '请提前30分钟到达', en: 'Please arrive 30 minutes early' },
};

function starts(date: string, zone: string, template: WeekdayTemplate[], plan?: DayPlan): string[] {
  return planDay(date, zone, template, plan).slots.map((slot) => slot.start);
}

describe('planDay', () => {
  it('tiles a regular weekday from the template, in the office zone', () => {
    const day = planDay('2024-08-12', OFFICE_ZONE, WEEKDAYS);
    assert.equal(day.kind, 'regular');
    assert.equal(day.open, true);
    assert.equal('plan' in day, false);
    assert.equal(day.slots.length, 13);
    assert.deepEqual(slotView(day.slots[0]!), {
      date: '2024-08-12',
      start: '09:00',
      end: '09:30',
      startsAt: '2024-08-12T01:00:00.000Z',
      endsAt: '2024-08-12T01:30:00.000Z',
      capacity: 12,
    });
    assert.deepEqual(slotView(day.slots.at(-1)!), {
      date: '2024-08-12',
      start: '16:30',
      end: '17:00',
      startsAt: '2024-08-12T08:30:00.000Z',
      endsAt: '2024-08-12T09:00:00.000Z',
      capacity: 12,
    });
    // The lunch break has no slots.
    assert.deepEqual(
      day.slots.map((slot) => slot.start).filter((start) => start >= '11:30' && start < '13:30'),
      ['11:30'],
    );
  });

  it('is closed on a weekday without hours and no plan', () => {
    assert.deepEqual(planDay('2024-08-11', OFFICE_ZONE, WEEKDAYS), {
      date: '2024-08-11',
      kind: 'closed',
      open: false,
      slots: [],
    });
  });

  it('closes a working day for a holiday plan and keeps the plan', () => {
    const plan: DayPlan = { date: '2024-10-01', kind: 'closed', label: { zh: '国庆节', en: 'National Day' } };
    assert.deepEqual(planDay('2024-10-01', OFFICE_ZONE, WEEKDAYS, plan), {
      date: '2024-10-01',
      kind: 'closed',
      open: false,
      slots: [],
      plan,
    });
  });

  it('opens a Saturday peak day with longer hours, extra windows and extra quota', () => {
    const day = planDay('2024-08-10', OFFICE_ZONE, WEEKDAYS, QIXI_2024);
    assert.equal(day.kind, 'peak');
    assert.equal(day.open, true);
    assert.equal(day.plan, QIXI_2024);
    // (4 windows + 2 extra) x 3 couples + 1 extra place.
    assert.ok(day.slots.every((slot) => slot.capacity === 19));
    assert.equal(day.slots.length, 17);
    assert.deepEqual(slotView(day.slots[0]!), {
      date: '2024-08-10',
      start: '08:30',
      end: '09:00',
      startsAt: '2024-08-10T00:30:00.000Z',
      endsAt: '2024-08-10T01:00:00.000Z',
      capacity: 19,
    });
    assert.equal(day.slots.at(-1)!.start, '17:30');
    assert.equal(day.slots.at(-1)!.endsAt.toISOString(), '2024-08-10T10:00:00.000Z');
  });

  it("gives a weekend special opening without hours Monday's template", () => {
    const plan: DayPlan = { date: '2024-09-14', kind: 'special' };
    const day = planDay('2024-09-14', OFFICE_ZONE, WEEKDAYS, plan);
    assert.equal(day.kind, 'special');
    assert.equal(day.slots.length, 13);
    assert.equal(day.slots[0]!.startsAt.toISOString(), '2024-09-14T01:00:00.000Z');
    assert.equal(day.slots[0]!.capacity, 12);
  });

  it('treats an empty session list in a plan as unset', () => {
    const plan: DayPlan = { date: '2024-09-14', kind: 'special', sessions: [] };
    assert.equal(planDay('2024-09-14', OFFICE_ZONE, WEEKDAYS, plan).slots.length, 13);
  });

  it('falls back to the first weekday with hours when Monday has none', () => {
    const template: WeekdayTemplate[] = [
      {
        weekday: 5,
        sessions: [{ start: '14:00', end: '15:00' }],
        slotMinutes: 60,
        windowsOpen: 1,
        couplesPerWindow: 2,
      },
      { weekday: 1, sessions: [], slotMinutes: 30, windowsOpen: 9, couplesPerWindow: 9 },
      {
        weekday: 3,
        sessions: [{ start: '10:00', end: '11:00' }],
        slotMinutes: 30,
        windowsOpen: 2,
        couplesPerWindow: 2,
      },
    ];
    const day = planDay('2024-09-14', OFFICE_ZONE, template, { date: '2024-09-14', kind: 'special' });
    assert.deepEqual(
      day.slots.map((slot) => [slot.start, slot.capacity]),
      [
        ['10:00', 4],
        ['10:30', 4],
      ],
    );
    assert.equal(baseTemplate('2024-09-14', template)?.weekday, 3);
    assert.equal(baseTemplate('2024-09-14', []), undefined);
  });

  it("uses a weekday's own hours for a special plan on that weekday", () => {
    const template: WeekdayTemplate[] = [
      ...WEEKDAYS.filter((entry) => entry.weekday !== 2),
      {
        weekday: 2,
        sessions: [{ start: '14:00', end: '15:00' }],
        slotMinutes: 20,
        windowsOpen: 1,
        couplesPerWindow: 1,
      },
    ];
    assert.deepEqual(starts('2024-08-13', OFFICE_ZONE, template, { date: '2024-08-13', kind: 'special' }), [
      '14:00',
      '14:20',
      '14:40',
    ]);
  });

  it('lets a plan override windows, couples per window and slot length', () => {
    const plan: DayPlan = {
      date: '2024-08-12',
      kind: 'special',
      windowsOpen: 2,
      extraWindows: 1,
      couplesPerWindow: 5,
      slotMinutes: 60,
      sessions: [{ start: '09:00', end: '12:00' }],
    };
    const day = planDay('2024-08-12', OFFICE_ZONE, WEEKDAYS, plan);
    assert.deepEqual(
      day.slots.map((slot) => `${slot.start}-${slot.end}:${slot.capacity}`),
      ['09:00-10:00:15', '10:00-11:00:15', '11:00-12:00:15'],
    );
  });

  it('uses a direct quota instead of windows and extra places', () => {
    const plan: DayPlan = { ...QIXI_2024, quotaPerSlot: 7 };
    assert.ok(planDay('2024-08-10', OFFICE_ZONE, WEEKDAYS, plan).slots.every((slot) => slot.capacity === 7));
    const zero = planDay('2024-08-10', OFFICE_ZONE, WEEKDAYS, { ...QIXI_2024, quotaPerSlot: 0 });
    // Slots with no places stay listed so the day reads "full", not "closed".
    assert.equal(zero.open, true);
    assert.ok(zero.slots.every((slot) => slot.capacity === 0));
  });

  it('never computes a negative capacity', () => {
    assert.equal(
      slotCapacity(WEEKDAYS[0], { date: '2024-08-12', kind: 'special', extraQuotaPerSlot: -50 }),
      0,
    );
    assert.equal(slotCapacity(undefined, undefined), 0);
  });

  it('drops a trailing partial slot', () => {
    const template: WeekdayTemplate[] = [
      {
        weekday: 1,
        sessions: [{ start: '09:00', end: '10:45' }],
        slotMinutes: 30,
        windowsOpen: 1,
        couplesPerWindow: 1,
      },
    ];
    const day = planDay('2024-08-12', OFFICE_ZONE, template);
    assert.deepEqual(
      day.slots.map((slot) => `${slot.start}-${slot.end}`),
      ['09:00-09:30', '09:30-10:00', '10:00-10:30'],
    );
  });

  it('keeps one slot per start time when sessions overlap, in time order', () => {
    const template: WeekdayTemplate[] = [
      {
        weekday: 1,
        sessions: [
          { start: '09:30', end: '10:30' },
          { start: '09:00', end: '10:00' },
        ],
        slotMinutes: 30,
        windowsOpen: 1,
        couplesPerWindow: 1,
      },
    ];
    assert.deepEqual(starts('2024-08-12', OFFICE_ZONE, template), ['09:00', '09:30', '10:00']);
  });

  it('has no slots without a slot length', () => {
    const template: WeekdayTemplate[] = [{ ...WEEKDAYS[0]!, slotMinutes: 0 }];
    assert.deepEqual(planDay('2024-08-12', OFFICE_ZONE, template).open, false);
    const peak = planDay('2024-08-10', OFFICE_ZONE, [], {
      date: '2024-08-10',
      kind: 'peak',
      sessions: QIXI_2024.sessions,
    });
    assert.deepEqual([peak.kind, peak.open, peak.slots.length], ['peak', false, 0]);
  });

  describe('in a daylight-saving zone (America/New_York)', () => {
    const zone = 'America/New_York';
    const everyDay = (sessions: { start: string; end: string }[]): WeekdayTemplate[] =>
      [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({
        weekday,
        sessions,
        slotMinutes: 30,
        windowsOpen: 1,
        couplesPerWindow: 2,
      }));
    const morning = everyDay([{ start: '09:00', end: '10:00' }]);

    it('uses the offset in force on the day, not a fixed one', () => {
      assert.equal(
        planDay('2026-03-07', zone, morning).slots[0]!.startsAt.toISOString(),
        '2026-03-07T14:00:00.000Z',
      );
      assert.equal(
        planDay('2026-03-08', zone, morning).slots[0]!.startsAt.toISOString(),
        '2026-03-08T13:00:00.000Z',
      );
      assert.equal(
        planDay('2026-11-01', zone, morning).slots[0]!.startsAt.toISOString(),
        '2026-11-01T14:00:00.000Z',
      );
    });

    it('leaves out slots starting in the spring-forward gap', () => {
      const night = planDay('2026-03-08', zone, everyDay([{ start: '01:00', end: '04:00' }]));
      assert.deepEqual(
        night.slots.map((slot) => [slot.start, slot.startsAt.toISOString(), slot.endsAt.toISOString()]),
        [
          ['01:00', '2026-03-08T06:00:00.000Z', '2026-03-08T06:30:00.000Z'],
          // 02:00 does not exist: the slot ends when the clocks jump to 03:00.
          ['01:30', '2026-03-08T06:30:00.000Z', '2026-03-08T07:00:00.000Z'],
          ['03:00', '2026-03-08T07:00:00.000Z', '2026-03-08T07:30:00.000Z'],
          ['03:30', '2026-03-08T07:30:00.000Z', '2026-03-08T08:00:00.000Z'],
        ],
      );
    });

    it('keeps unique, increasing slots on the fall-back day', () => {
      const night = planDay('2026-11-01', zone, everyDay([{ start: '00:30', end: '02:30' }]));
      assert.deepEqual(
        night.slots.map((slot) => slot.start),
        ['00:30', '01:00', '01:30', '02:00'],
      );
      for (const slot of night.slots) assert.ok(slot.endsAt > slot.startsAt);
    });
  });

  it('gives the same instants whatever the process time zone', () => {
    const here = planDay('2024-08-10', OFFICE_ZONE, WEEKDAYS, QIXI_2024).slots.map(slotView);
    const elsewhere = withProcessTz('Pacific/Kiritimati', () =>
      planDay('2024-08-10', OFFICE_ZONE, WEEKDAYS, QIXI_2024).slots.map(slotView),
    );
    assert.deepEqual(elsewhere, here);
  });

  it('rejects a plan for another date, an unknown zone and a malformed date', () => {
    assert.throws(() => planDay('2024-08-11', OFFICE_ZONE, WEEKDAYS, QIXI_2024), /plan for 2024-08-10/);
    assert.throws(() => planDay('2024-08-10', 'Nowhere/Land', WEEKDAYS), /unknown time zone/);
    assert.throws(() => planDay('2024-8-10', OFFICE_ZONE, WEEKDAYS), /calendar date/);
  });
});
