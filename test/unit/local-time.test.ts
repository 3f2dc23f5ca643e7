import assert from 'node:assert/strict';
import {
  addDays,
  addMonths,
  assertZone,
  formatMinutes,
  isLeapYear,
  isLocalDate,
  isLocalTime,
  isoWeekday,
  localDateOf,
  minutesOfDay,
  wallTimeExists,
  zonedInstant,
} from '../../src/domain/local-time.ts';

describe('local-time', () => {
  it('accepts only real calendar dates in yyyy-MM-dd', () => {
    assert.equal(isLocalDate('2024-02-29'), true);
    assert.equal(isLocalDate('2023-02-29'), false);
    assert.equal(isLocalDate('2024-13-01'), false);
    assert.equal(isLocalDate('2024-1-01'), false);
    assert.equal(isLocalDate('2024-01-01T00:00'), false);
    assert.equal(isLocalDate('2000-02-29'), true, 'divisible by 400: leap');
    assert.equal(isLocalDate('1900-02-29'), false, 'divisible by 100 only: common');
    assert.equal(isLocalDate('2024-04-31'), false);
    assert.equal(isLocalDate('2024-12-31'), true);
    assert.equal(isLocalDate('2024-00-10'), false);
    assert.equal(isLocalDate('2024-05-00'), false);
  });

  it('accepts only HH:mm times of day', () => {
    assert.equal(isLocalTime('00:00'), true);
    assert.equal(isLocalTime('23:59'), true);
    assert.equal(isLocalTime('24:00'), false);
    assert.equal(isLocalTime('9:00'), false);
    assert.equal(isLocalTime('09:60'), false);
  });

  it('converts times to minutes and back', () => {
    assert.equal(minutesOfDay('13:30'), 810);
    assert.equal(formatMinutes(810), '13:30');
    assert.equal(formatMinutes(5), '00:05');
    assert.throws(() => minutesOfDay('1330'), RangeError);
  });

  it('does calendar arithmetic on labels, across months, years and leap days', () => {
    assert.equal(addDays('2024-03-01', -1), '2024-02-29');
    assert.equal(addDays('2024-12-31', 1), '2025-01-01');
    assert.equal(addDays('2024-08-10', -30), '2024-07-11');
    assert.equal(addMonths('2024-01-31', 1), '2024-02-29');
    assert.equal(addMonths('2024-06-01', 12), '2025-06-01');
    assert.throws(() => addDays('2024-02-30', 1), RangeError);
  });

  it('gives ISO weekdays (1 = Monday, 7 = Sunday)', () => {
    assert.equal(isoWeekday('2024-08-10'), 6);
    assert.equal(isoWeekday('2024-08-11'), 7);
    assert.equal(isoWeekday('2024-08-12'), 1);
  });

  it('rejects unknown zones', () => {
    assert.doesNotThrow(() => assertZone('Asia/Shanghai'));
    assert.throws(() => assertZone('Mars/Olympus_Mons'), /unknown time zone/);
    assert.throws(() => zonedInstant('2024-08-10', '09:00', 'Mars/Olympus_Mons'), RangeError);
    assert.throws(() => localDateOf(new Date('2024-08-10T00:00:00Z'), 'Mars/Olympus_Mons'), RangeError);
  });

  it('turns an office-local wall time into the UTC instant, whatever the process zone', () => {
    assert.equal(
      zonedInstant('2024-08-10', '09:00', 'Asia/Shanghai').toISOString(),
      '2024-08-10T01:00:00.000Z',
    );
    assert.equal(
      zonedInstant('2024-08-10', '00:00', 'Asia/Shanghai').toISOString(),
      '2024-08-09T16:00:00.000Z',
    );
    assert.equal(
      zonedInstant('2024-08-10', '09:00', 'America/New_York').toISOString(),
      '2024-08-10T13:00:00.000Z',
    );
  });

  it('knows which wall times a daylight-saving jump skips', () => {
    assert.equal(wallTimeExists('2026-03-08', '02:30', 'America/New_York'), false);
    assert.equal(wallTimeExists('2026-03-08', '03:00', 'America/New_York'), true);
    assert.equal(wallTimeExists('2026-11-01', '01:30', 'America/New_York'), true);
    assert.equal(wallTimeExists('2024-08-10', '02:30', 'Asia/Shanghai'), true);
  });

  it('finds the office-local date of an instant', () => {
    const instant = new Date('2024-08-09T16:30:00.000Z');
    assert.equal(localDateOf(instant, 'Asia/Shanghai'), '2024-08-10');
    assert.equal(localDateOf(instant, 'America/New_York'), '2024-08-09');
  });

  it('knows leap years', () => {
    assert.deepEqual([1900, 2000, 2023, 2024].map(isLeapYear), [false, true, false, true]);
  });
});
