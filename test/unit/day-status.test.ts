import assert from 'node:assert/strict';
import type { BookingWindowState } from '../../src/domain/booking-rules.ts';
import { dayStatus, fewLeftThreshold } from '../../src/domain/day-status.ts';
import type { DaySchedule } from '../../src/domain/schedule-types.ts';

const openDay: DaySchedule = { date: '2024-08-10', kind: 'peak', open: true, slots: [] };
const closedDay: DaySchedule = { date: '2024-08-11', kind: 'closed', open: false, slots: [] };
const OPEN: BookingWindowState = { state: 'open', closesAt: new Date('2024-08-09T09:00:00.000Z') };
const NOT_YET: BookingWindowState = { state: 'not_yet_open', opensAt: new Date('2024-08-03T01:00:00.000Z') };
const SHUT: BookingWindowState = { state: 'closed', closedAt: new Date('2024-08-09T09:00:00.000Z') };

function status(overrides: Partial<Parameters<typeof dayStatus>[0]>) {
  return dayStatus({
    schedule: openDay,
    window: OPEN,
    remaining: 50,
    capacity: 100,
    today: '2024-08-01',
    ...overrides,
  });
}

describe('dayStatus', () => {
  it('is past for a day before today, whatever else is true', () => {
    assert.equal(status({ today: '2024-08-11' }), 'past');
    assert.equal(status({ schedule: closedDay, today: '2024-08-12' }), 'past');
  });

  it('is closed when the office does not open, even on today', () => {
    assert.equal(status({ schedule: closedDay, today: '2024-08-11' }), 'closed');
    assert.equal(status({ schedule: closedDay, window: NOT_YET }), 'closed');
  });

  it('tells a window that has not opened or has shut', () => {
    assert.equal(status({ window: NOT_YET }), 'not_yet_open');
    assert.equal(status({ window: SHUT, today: '2024-08-10' }), 'booking_closed');
    assert.equal(status({ window: SHUT, remaining: 0 }), 'booking_closed');
  });

  it('is full when nothing remains', () => {
    assert.equal(status({ remaining: 0 }), 'full');
    assert.equal(status({ remaining: -2 }), 'full');
    assert.equal(status({ remaining: 0, capacity: 0 }), 'full');
  });

  it('is few_left at 3 places or fewer on a small day', () => {
    assert.equal(status({ remaining: 3, capacity: 12 }), 'few_left');
    assert.equal(status({ remaining: 4, capacity: 12 }), 'open');
  });

  it('is few_left at 10% of capacity on a big day', () => {
    assert.equal(status({ remaining: 10, capacity: 100 }), 'few_left');
    assert.equal(status({ remaining: 11, capacity: 100 }), 'open');
    assert.equal(status({ remaining: 7, capacity: 75 }), 'few_left');
    assert.equal(status({ remaining: 8, capacity: 75 }), 'open');
    assert.equal(fewLeftThreshold(12), 3);
    assert.equal(fewLeftThreshold(320), 32);
  });

  it('is open today when places remain', () => {
    assert.equal(status({ today: '2024-08-10' }), 'open');
  });
});
