import assert from 'node:assert/strict';
import {
  type AppointmentFacts,
  type CeremonyFacts,
  joinProblem,
  keepProblem,
  latestSlotEnd,
  offerExpiry,
} from '../../src/services/ceremony/join-rules.ts';

// Qixi 2026 in Chengdu (Wednesday 19 August): the ceremony starts 15:30 CST = 07:30 UTC.
const ceremony: CeremonyFacts = {
  office: 'office-a',
  date: '2026-08-19',
  startsAt: new Date('2026-08-19T07:30:00.000Z'),
  status: 'open',
  signupDeadline: new Date('2026-08-18T09:00:00.000Z'),
};
// The 14:30-15:00 slot ends 07:00 UTC: exactly the 30-minute buffer before the ceremony.
const appointment: AppointmentFacts = {
  office: 'office-a',
  date: '2026-08-19',
  endsAt: new Date('2026-08-19T07:00:00.000Z'),
  status: 'booked',
};
const now = new Date('2026-08-12T02:00:00.000Z');
const base = { ceremony, appointment, bufferMinutes: 30, now };

describe('ceremony join rules', () => {
  it('lets a couple join whose slot ends exactly the buffer before the start', () => {
    assert.equal(joinProblem(base), null);
  });

  it('refuses a slot ending one minute later, and a bigger buffer', () => {
    assert.equal(
      joinProblem({ ...base, appointment: { ...appointment, endsAt: new Date('2026-08-19T07:01:00.000Z') } }),
      'too_late',
    );
    assert.equal(joinProblem({ ...base, bufferMinutes: 31 }), 'too_late');
    assert.equal(
      joinProblem({ ...base, bufferMinutes: 0, appointment: { ...appointment, endsAt: ceremony.startsAt } }),
      null,
    );
  });

  it('refuses another office, another date and an inactive appointment', () => {
    assert.equal(
      joinProblem({ ...base, appointment: { ...appointment, office: 'office-b' } }),
      'other_office',
    );
    assert.equal(joinProblem({ ...base, appointment: { ...appointment, date: '2026-08-20' } }), 'other_date');
    assert.equal(
      joinProblem({ ...base, appointment: { ...appointment, status: 'cancelled' } }),
      'appointment_inactive',
    );
    assert.equal(
      joinProblem({ ...base, appointment: { ...appointment, status: 'no_show' } }),
      'appointment_inactive',
    );
  });

  it('keeps a couple whose registration is done (served) and lets it join', () => {
    assert.equal(joinProblem({ ...base, appointment: { ...appointment, status: 'served' } }), null);
    assert.equal(
      keepProblem({ ceremony, appointment: { ...appointment, status: 'served' }, bufferMinutes: 30 }),
      null,
    );
  });

  it('closes sign-up at the deadline to the millisecond, for couples only', () => {
    const atDeadline = { ...base, now: ceremony.signupDeadline };
    const justBefore = { ...base, now: new Date(ceremony.signupDeadline.getTime() - 1) };
    assert.equal(joinProblem(justBefore), null);
    assert.equal(joinProblem(atDeadline), 'signup_closed');
    assert.equal(joinProblem({ ...atDeadline, byStaff: true }), null);
  });

  it('refuses after the start, even for staff, and closed or draft sessions for couples', () => {
    const started = { ...base, now: ceremony.startsAt };
    assert.equal(joinProblem(started), 'ceremony_started');
    assert.equal(joinProblem({ ...started, byStaff: true }), 'ceremony_started');
    for (const status of ['draft', 'closed'] as const) {
      assert.equal(joinProblem({ ...base, ceremony: { ...ceremony, status } }), 'ceremony_not_open');
      assert.equal(joinProblem({ ...base, ceremony: { ...ceremony, status }, byStaff: true }), null);
    }
    for (const status of ['held', 'cancelled'] as const)
      assert.equal(
        joinProblem({ ...base, ceremony: { ...ceremony, status }, byStaff: true }),
        'ceremony_not_open',
      );
  });

  it('names the latest slot end in the office zone, whatever the process zone', () => {
    assert.equal(latestSlotEnd(ceremony.startsAt, 30, 'Asia/Shanghai'), '15:00');
    assert.equal(latestSlotEnd(ceremony.startsAt, 45, 'Asia/Urumqi'), '12:45');
  });

  it('holds an offer for the offer time, never past the start', () => {
    assert.deepEqual(offerExpiry(now, 24, ceremony.startsAt), new Date('2026-08-13T02:00:00.000Z'));
    const late = new Date('2026-08-19T05:00:00.000Z');
    assert.deepEqual(offerExpiry(late, 24, ceremony.startsAt), ceremony.startsAt);
    assert.equal(offerExpiry(ceremony.startsAt, 24, ceremony.startsAt), null);
  });
});
