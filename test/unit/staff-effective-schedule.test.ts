import assert from 'node:assert/strict';
import type { DayPlan, WeekdayTemplate } from '../../src/domain/schedule-types.ts';
import {
  assignWindows,
  effectiveSchedule,
  type WindowLike,
  windowsOnDay,
} from '../../src/services/staff/effective-schedule.ts';
import { canAccessOffice } from '../../src/services/staff/principal.ts';
import { followWindows } from '../../src/services/staff/window-service.ts';

const ZONE = 'Asia/Shanghai';
const template: WeekdayTemplate[] = [1, 2, 3, 4, 5].map((weekday) => ({
  weekday,
  sessions: [{ start: '09:00', end: '10:00' }],
  slotMinutes: 30,
  windowsOpen: 2,
  couplesPerWindow: 3,
}));
const win = (id: string, position: number, extra: Partial<WindowLike> = {}): WindowLike => ({
  id,
  name: id,
  open: true,
  position,
  ...extra,
});
const windows = [
  win('1', 1),
  win('2', 2),
  win('3', 3, { open: false }),
  win('T', 4, { from: '2026-08-10', to: '2026-08-11' }),
  win('U', 5, { from: '2026-08-10', to: '2026-08-10', open: false }),
];

describe('effective schedule (template + plan + temporary windows)', () => {
  it('adds couples-per-window places per open temporary window on the days of its range', () => {
    const inRange = effectiveSchedule('2026-08-10', ZONE, template, undefined, windows);
    assert.deepEqual(
      inRange.slots.map((s) => s.capacity),
      [9, 9],
    );
    const outside = effectiveSchedule('2026-08-12', ZONE, template, undefined, windows);
    assert.deepEqual(
      outside.slots.map((s) => s.capacity),
      [6, 6],
    );
  });

  it("follows a plan's couples per window, but never adds to a directly set quota or a closed day", () => {
    const plan: DayPlan = { date: '2026-08-10', kind: 'peak', couplesPerWindow: 4, extraWindows: 1 };
    assert.deepEqual(
      effectiveSchedule('2026-08-10', ZONE, template, plan, windows).slots.map((s) => s.capacity),
      [16, 16],
    );
    const quota: DayPlan = { date: '2026-08-10', kind: 'peak', quotaPerSlot: 5 };
    assert.deepEqual(
      effectiveSchedule('2026-08-10', ZONE, template, quota, windows).slots.map((s) => s.capacity),
      [5, 5],
    );
    const closed: DayPlan = { date: '2026-08-10', kind: 'closed' };
    assert.equal(effectiveSchedule('2026-08-10', ZONE, template, closed, windows).slots.length, 0);
    assert.equal(
      effectiveSchedule('2026-08-08', ZONE, template, undefined, windows).open,
      false,
      'Saturday stays closed',
    );
  });

  it("lists the day's windows: permanent open ones as the template uses, a plan's extras, then temporary ones", () => {
    assert.deepEqual(
      windowsOnDay('2026-08-10', template, undefined, windows).map((w) => w.id || `+${w.extraNumber}`),
      ['1', '2', 'T'],
    );
    const peak: DayPlan = { date: '2026-08-12', kind: 'peak', extraWindows: 2 };
    assert.deepEqual(
      windowsOnDay('2026-08-12', template, peak, windows).map((w) => w.id || `+${w.extraNumber}`),
      ['1', '2', '+1', '+2'],
    );
    assert.deepEqual(
      windowsOnDay('2026-08-12', template, { date: '2026-08-12', kind: 'closed' }, windows),
      [],
    );
  });

  it('spreads couples over windows in booking order', () => {
    const placed = assignWindows(
      ['a', 'b', 'c', 'd', 'e'],
      windowsOnDay('2026-08-12', template, undefined, windows),
    );
    assert.deepEqual(
      placed.map((p) => p.window),
      [0, 1, 0, 1, 0],
    );
    assert.deepEqual(
      assignWindows(['a'], []).map((p) => p.window),
      [-1],
    );
  });

  it('keeps weekdays that used every window on every window when windows open or close', () => {
    const t = [
      { ...template[0]!, windowsOpen: 4 },
      { ...template[1]!, windowsOpen: 2 },
    ];
    assert.deepEqual(
      followWindows(t, 4, 3).map((e) => e.windowsOpen),
      [3, 2],
    );
    assert.deepEqual(
      followWindows(t, 4, 1).map((e) => e.windowsOpen),
      [1, 1],
    );
    assert.deepEqual(
      followWindows(t, 4, 5).map((e) => e.windowsOpen),
      [5, 2],
    );
  });
});

describe('office scope', () => {
  const staff = (role: 'admin' | 'registrar' | 'coordinator', offices: string[]) => ({
    id: 'x',
    email: '',
    name: '',
    role,
    offices,
  });
  it('lets an administrator without offices act everywhere, everyone else on their offices only', () => {
    assert.equal(canAccessOffice(staff('admin', []), 'a'), true);
    assert.equal(canAccessOffice(staff('admin', ['a']), 'b'), false);
    assert.equal(canAccessOffice(staff('registrar', ['a']), 'a'), true);
    assert.equal(canAccessOffice(staff('registrar', []), 'a'), false);
    assert.equal(canAccessOffice(staff('coordinator', ['a', 'b']), { toString: () => 'b' }), true);
    assert.equal(canAccessOffice(undefined, 'a'), false);
  });
});
