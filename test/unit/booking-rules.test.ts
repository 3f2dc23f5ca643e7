import assert from 'node:assert/strict';
import {
  type BookingRules,
  bookingClosesAt,
  bookingOpensAt,
  bookingWindow,
} from '../../src/domain/booking-rules.ts';
import { OFFICE_ZONE, withProcessTz } from './support/fixtures.ts';

const RULES: BookingRules = { daysAhead: 30, cutoffDaysBefore: 1, cutoffTime: '17:00', openTime: '00:00' };
const at = (isoString: string): Date => new Date(isoString);

// For 2024-08-10 in Asia/Shanghai (UTC+8), with the process in America/New_York:
// opens 2024-07-11 00:00 CST = 2024-07-10T16:00Z; closes 2024-08-09 17:00 CST = 09:00Z.
describe('bookingWindow', () => {
  it('computes the opening and cutoff in the office zone', () => {
    assert.equal(bookingOpensAt('2024-08-10', OFFICE_ZONE, RULES).toISOString(), '2024-07-10T16:00:00.000Z');
    assert.equal(bookingClosesAt('2024-08-10', OFFICE_ZONE, RULES).toISOString(), '2024-08-09T09:00:00.000Z');
  });

  it('is not yet open one millisecond before the opening', () => {
    assert.deepEqual(bookingWindow('2024-08-10', OFFICE_ZONE, RULES, at('2024-07-10T15:59:59.999Z')), {
      state: 'not_yet_open',
      opensAt: at('2024-07-10T16:00:00.000Z'),
    });
  });

  it('is open exactly at the opening', () => {
    assert.deepEqual(bookingWindow('2024-08-10', OFFICE_ZONE, RULES, at('2024-07-10T16:00:00.000Z')), {
      state: 'open',
      closesAt: at('2024-08-09T09:00:00.000Z'),
    });
  });

  it('is open one millisecond before the cutoff', () => {
    const window = bookingWindow('2024-08-10', OFFICE_ZONE, RULES, at('2024-08-09T08:59:59.999Z'));
    assert.equal(window.state, 'open');
  });

  it('is closed exactly at the cutoff', () => {
    assert.deepEqual(bookingWindow('2024-08-10', OFFICE_ZONE, RULES, at('2024-08-09T09:00:00.000Z')), {
      state: 'closed',
      closedAt: at('2024-08-09T09:00:00.000Z'),
    });
  });

  it("replaces the days-ahead rule with a peak day's own opening moment", () => {
    // 7 days ahead at 09:00 in Chengdu: 2024-08-03 09:00 CST.
    const planOpensAt = at('2024-08-03T01:00:00.000Z');
    assert.deepEqual(
      bookingWindow('2024-08-10', OFFICE_ZONE, RULES, at('2024-07-20T00:00:00.000Z'), planOpensAt),
      {
        state: 'not_yet_open',
        opensAt: planOpensAt,
      },
    );
    assert.equal(
      bookingWindow('2024-08-10', OFFICE_ZONE, RULES, at('2024-08-03T00:59:59.999Z'), planOpensAt).state,
      'not_yet_open',
    );
    assert.equal(bookingWindow('2024-08-10', OFFICE_ZONE, RULES, planOpensAt, planOpensAt).state, 'open');
  });

  it('reads a plan that opens after its own cutoff as closed', () => {
    const late = at('2024-08-09T12:00:00.000Z');
    assert.equal(
      bookingWindow('2024-08-10', OFFICE_ZONE, RULES, at('2024-08-09T10:00:00.000Z'), late).state,
      'closed',
    );
  });

  it('allows same-day cutoffs', () => {
    const sameDay: BookingRules = {
      daysAhead: 7,
      cutoffDaysBefore: 0,
      cutoffTime: '08:00',
      openTime: '09:00',
    };
    assert.deepEqual(bookingWindow('2024-08-12', OFFICE_ZONE, sameDay, at('2024-08-11T23:59:00.000Z')), {
      state: 'open',
      closesAt: at('2024-08-12T00:00:00.000Z'),
    });
  });

  it('follows daylight saving in the office zone', () => {
    const rules: BookingRules = { daysAhead: 1, cutoffDaysBefore: 1, cutoffTime: '17:00', openTime: '09:00' };
    // Opens 2026-03-08 09:00 EDT (the first day of daylight time), closes 17:00 EDT.
    assert.deepEqual(bookingWindow('2026-03-09', 'America/New_York', rules, at('2026-03-08T12:59:59.999Z')), {
      state: 'not_yet_open',
      opensAt: at('2026-03-08T13:00:00.000Z'),
    });
    assert.deepEqual(bookingWindow('2026-03-09', 'America/New_York', rules, at('2026-03-08T13:00:00.000Z')), {
      state: 'open',
      closesAt: at('2026-03-08T21:00:00.000Z'),
    });
  });

  it('gives the same answer whatever the process time zone', () => {
    const now = at('2024-07-10T16:00:00.000Z');
    const elsewhere = withProcessTz('Asia/Tokyo', () => bookingWindow('2024-08-10', OFFICE_ZONE, RULES, now));
    assert.deepEqual(elsewhere, bookingWindow('2024-08-10', OFFICE_ZONE, RULES, now));
  });
});
