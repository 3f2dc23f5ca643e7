// The pure parts of the job system: when reminders fall due in an office's zone (whatever
// the process's TZ, across a daylight-saving change), which late reminder wins, the retry
// backoff, settings validation, and calendar lines folded by octets.
import assert from 'node:assert/strict';
import { reminderDue, supersededBy, upcomingReminders, wallClockBefore } from '../../jobs/reminder-times.ts';
import { backoffDelay, jobSettings, type ReminderRule } from '../../jobs/settings.ts';
import { foldIcsByOctets } from '../../src/lib/ics-fold.ts';
import { type NotificationSpec, notificationKey } from '../../src/services/notifications/specs.ts';

const RULES: ReminderRule[] = [
  { id: 'day_before', daysBefore: 1, at: '18:00' },
  { id: 'same_day', daysBefore: 0, at: '07:30' },
];

describe('jobs: reminder times and settings', () => {
  it('puts "the day before at 18:00" on the office wall clock', () => {
    assert.equal(
      wallClockBefore('2031-06-11', 1, '18:00', 'Asia/Shanghai').toISOString(),
      '2031-06-10T10:00:00.000Z',
    );
    assert.equal(
      wallClockBefore('2031-06-11', 0, '07:30', 'Asia/Shanghai').toISOString(),
      '2031-06-10T23:30:00.000Z',
    );
    // An office with daylight saving: 18:00 on 9 March 2031 (DST began that night) is EDT, on 7 March EST.
    assert.equal(
      wallClockBefore('2031-03-10', 1, '18:00', 'America/New_York').toISOString(),
      '2031-03-09T22:00:00.000Z',
    );
    assert.equal(
      wallClockBefore('2031-03-08', 1, '18:00', 'America/New_York').toISOString(),
      '2031-03-07T23:00:00.000Z',
    );
  });

  it('answers the same instant when asked again, whatever was done with the first answer', () => {
    const first = wallClockBefore('2031-06-11', 1, '18:00', 'Asia/Shanghai');
    first.setTime(0);
    assert.equal(
      wallClockBefore('2031-06-11', 1, '18:00', 'Asia/Shanghai').toISOString(),
      '2031-06-10T10:00:00.000Z',
    );
    assert.equal(
      wallClockBefore('2031-06-11', 1, '18:00', 'Europe/London').toISOString(),
      '2031-06-10T17:00:00.000Z',
    );
    assert.equal(
      wallClockBefore('2031-06-11', 2, '18:00', 'Asia/Shanghai').toISOString(),
      '2031-06-09T10:00:00.000Z',
    );
  });

  it('schedules only reminders due in the future and before the start', () => {
    const appointment = { date: '2031-06-11', startsAt: new Date('2031-06-10T23:00:00.000Z') }; // 07:00
    const at = (iso: string) =>
      upcomingReminders(RULES, appointment, 'Asia/Shanghai', new Date(iso)).map((r) => r.rule.id);
    assert.deepEqual(at('2031-06-09T00:00:00.000Z'), ['day_before'], 'no 07:30 reminder for a 07:00 slot');
    assert.deepEqual(at('2031-06-10T10:00:00.000Z'), [], 'booked at 18:00 the day before: too late');
    const later = { date: '2031-06-11', startsAt: new Date('2031-06-11T01:00:00.000Z') }; // 09:00
    assert.deepEqual(
      upcomingReminders(RULES, later, 'Asia/Shanghai', new Date('2031-06-09T00:00:00.000Z')).map((r) =>
        r.dueAt.toISOString(),
      ),
      ['2031-06-10T10:00:00.000Z', '2031-06-10T23:30:00.000Z'],
    );
    const minutes: ReminderRule = { id: 'two_hours', minutesBefore: 120 };
    assert.equal(reminderDue(minutes, later, 'Asia/Shanghai').toISOString(), '2031-06-10T23:00:00.000Z');
  });

  it('skips a late reminder when a later one is due already', () => {
    const a = { date: '2031-06-11', startsAt: new Date('2031-06-11T01:00:00.000Z') };
    const dayBefore = RULES[0]!;
    assert.equal(
      supersededBy(RULES, dayBefore, a, 'Asia/Shanghai', new Date('2031-06-10T10:00:00.000Z')),
      undefined,
    );
    assert.equal(
      supersededBy(RULES, dayBefore, a, 'Asia/Shanghai', new Date('2031-06-11T00:00:00.000Z'))?.id,
      'same_day',
    );
    assert.equal(
      supersededBy(RULES, RULES[1]!, a, 'Asia/Shanghai', new Date('2031-06-11T00:00:00.000Z')),
      undefined,
    );
  });

  it('backs off exponentially up to a ceiling, and validates settings', () => {
    const s = jobSettings({
      mail: { maxAttempts: 5, backoffMs: 60_000, maxBackoffMs: 600_000, concurrency: 8 },
    });
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6].map((n) => backoffDelay(s, n)),
      [60_000, 120_000, 240_000, 480_000, 600_000, 600_000],
    );
    assert.deepEqual(jobSettings().reminders, RULES);
    assert.throws(() => jobSettings({ reminders: [RULES[0]!, RULES[0]!] }), /unique/);
    assert.throws(() => jobSettings({ reminders: [{ id: 'x', daysBefore: 1, at: '25:00' }] }));
  });

  it('names each notification by booking, kind and occurrence', () => {
    const specs: [NotificationSpec, string][] = [
      [{ kind: 'confirmation', appointmentId: 'a1' }, 'confirmation:a1'],
      [
        { kind: 'reminder', appointmentId: 'a1', reminder: 'day_before', startsAt: 'S' },
        'reminder:a1:day_before:S',
      ],
      [
        {
          kind: 'moved',
          appointmentId: 'a1',
          from: { date: 'd', start: 's' },
          startsAt: 'S',
          by: 'couple',
          move: 2,
        },
        'moved:a1:2',
      ],
      [{ kind: 'office_closed', appointmentId: 'a1', date: 'd' }, 'office_closed:a1:d'],
      [
        { kind: 'office_closed', appointmentId: 'a1', date: 'd', closedAt: '2026-08-19T01:00:00.000Z' },
        'office_closed:a1:d:2026-08-19T01:00:00.000Z',
      ],
      [{ kind: 'roster', officeId: 'o', date: 'd', staffId: 's' }, 'roster:o:d:s'],
      [{ kind: 'peak_days', staffId: 's', month: '2031-07' }, 'peak_days:s:2031-07'],
    ];
    for (const [spec, key] of specs) assert.equal(notificationKey(spec), key);
  });

  it('folds calendar lines at 75 octets without splitting a character', () => {
    const long = `DESCRIPTION:${'婚姻登记'.repeat(30)}`;
    const folded = foldIcsByOctets(`BEGIN:VCALENDAR\r\n${long}\r\nEND:VCALENDAR`);
    const lines = folded.split('\r\n');
    for (const line of lines) assert.ok(Buffer.byteLength(line) <= 75, line);
    assert.equal(folded.replace(/\r\n /g, ''), `BEGIN:VCALENDAR\r\n${long}\r\nEND:VCALENDAR`);
    assert.ok(lines.slice(2, -1).every((l) => l.startsWith(' ')));
  });
});
