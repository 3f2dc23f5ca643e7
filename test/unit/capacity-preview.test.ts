import assert from 'node:assert/strict';
import { previewCapacity } from '../../src/domain/capacity-preview.ts';
import { planDay } from '../../src/domain/day-schedule.ts';
import { OFFICE_ZONE, WEEKDAYS } from './support/fixtures.ts';

describe('previewCapacity', () => {
  // Monday 2024-08-12: 13 slots of 12 places. The plan keeps only the morning, from
  // 08:30, with 2 windows (6 places a slot).
  const before = planDay('2024-08-12', OFFICE_ZONE, WEEKDAYS);
  const after = planDay('2024-08-12', OFFICE_ZONE, WEEKDAYS, {
    date: '2024-08-12',
    kind: 'special',
    sessions: [{ start: '08:30', end: '12:00' }],
    windowsOpen: 2,
  });
  const booked = new Map([
    ['09:00', 8],
    ['10:00', 6],
    ['13:30', 2],
    ['16:00', 0],
    ['07:00', 1],
  ]);
  const preview = previewCapacity(before, after, booked);
  const slot = (start: string) => preview.slots.find((entry) => entry.start === start);

  it('lists the union of both days by start time, in order', () => {
    assert.deepEqual(
      preview.slots.map((entry) => entry.start),
      [
        '07:00',
        '08:30',
        '09:00',
        '09:30',
        '10:00',
        '10:30',
        '11:00',
        '11:30',
        '13:30',
        '14:00',
        '14:30',
        '15:00',
        '15:30',
        '16:00',
        '16:30',
      ],
    );
  });

  it('shows a new slot, a shrunk slot and a removed slot', () => {
    assert.deepEqual(slot('08:30'), {
      start: '08:30',
      end: '09:00',
      before: 0,
      after: 6,
      booked: 0,
      delta: 6,
      overbooked: false,
    });
    assert.deepEqual(slot('10:00'), {
      start: '10:00',
      end: '10:30',
      before: 12,
      after: 6,
      booked: 6,
      delta: -6,
      overbooked: false,
    });
    assert.deepEqual(slot('13:30'), {
      start: '13:30',
      end: '14:00',
      before: 12,
      after: 0,
      booked: 2,
      delta: -12,
      overbooked: true,
    });
  });

  it('flags a slot whose bookings exceed its new capacity', () => {
    assert.equal(slot('09:00')!.overbooked, true);
    assert.equal(slot('09:00')!.booked, 8);
  });

  it('flags bookings in a slot neither schedule has, rather than hide them', () => {
    assert.deepEqual(slot('07:00'), {
      start: '07:00',
      end: '07:00',
      before: 0,
      after: 0,
      booked: 1,
      delta: 0,
      overbooked: true,
    });
  });

  it('adds up the day', () => {
    assert.equal(preview.totalBefore, 13 * 12);
    assert.equal(preview.totalAfter, 7 * 6);
    assert.equal(preview.totalBooked, 17);
    assert.equal(preview.overbookedSlots, 3);
  });

  it('shows a peak plan adding exactly its extra places', () => {
    const peak = planDay('2024-08-12', OFFICE_ZONE, WEEKDAYS, {
      date: '2024-08-12',
      kind: 'peak',
      extraWindows: 2,
    });
    const result = previewCapacity(before, peak, new Map());
    assert.equal(result.totalAfter - result.totalBefore, 13 * 2 * 3);
    assert.ok(result.slots.every((entry) => entry.delta === 6 && !entry.overbooked));
  });
});
