// The days of a range as planned are kept like day plans (SCHEDULE_CACHE_MS) and forgotten
// when staff change the office or one of its days; the counters are always read fresh.
import assert from 'node:assert/strict';
import { DayPlanModel } from '../../src/models/day-plan.model.ts';
import { SlotModel } from '../../src/models/slot.model.ts';
import { createScheduleCache, createScheduleService } from '../../src/services/schedule-service.ts';
import { createOffice, resetDatabase, testClock } from '../helpers/test-app.ts';

const NOW = '2026-08-03T02:00:00.000Z'; // Mon 10:00 in Chengdu
const DAY = '2026-08-10'; // a Monday

describe('schedule: ranges of days kept between reads', () => {
  beforeEach(resetDatabase);

  it('serves a range as planned from memory until the office or the day is changed, the counters fresh', async () => {
    const office = await createOffice();
    const schedule = createScheduleService({ clock: testClock(NOW), cache: createScheduleCache(60_000) });
    const read = async () => (await schedule.availability(office, DAY, DAY))[0]!;
    const first = await read();
    assert.equal(first.schedule.open, true);
    const slot = first.slots[0]!;
    await schedule.ensureSlots(office, first.schedule.slots);
    await SlotModel.updateOne(
      { office: office._id, date: DAY, start: slot.start },
      { $set: { remaining: 0 } },
    );
    await DayPlanModel.create({ office: office._id, date: DAY, kind: 'closed' });

    const again = await read();
    assert.equal(again.schedule, first.schedule, 'the plan as kept: the same object');
    assert.equal(again.slots[0]!.remaining, 0, 'the counters read again');

    schedule.invalidate(office._id.toString(), DAY);
    const changed = await read();
    assert.equal(changed.schedule.open, false, 'the day plan read again once the day was changed');

    await DayPlanModel.deleteMany({});
    schedule.invalidate(office._id.toString());
    assert.equal((await read()).schedule.open, true, 'and once the office was changed');
  });

  it('keeps the peak days ahead as day plans are kept, their opening told by the clock', async () => {
    const office = await createOffice();
    const clock = testClock(NOW);
    const schedule = createScheduleService({ clock, cache: createScheduleCache(60_000) });
    const opensAt = new Date('2026-08-03T03:00:00.000Z'); // 11:00 in Chengdu, an hour from now
    await DayPlanModel.create({ office: office._id, date: DAY, kind: 'peak', bookingOpensAt: opensAt });
    const [first] = await schedule.peakDaysAhead(office);
    assert.deepEqual(
      [first!.date, first!.open, first!.opensAt.toISOString()],
      [DAY, false, opensAt.toISOString()],
    );

    await DayPlanModel.create({ office: office._id, date: '2026-08-11', kind: 'peak' });
    clock.set('2026-08-03T03:00:01.000Z');
    const kept = await schedule.peakDaysAhead(office);
    assert.deepEqual(
      kept.map((p) => [p.date, p.open]),
      [[DAY, true]],
      'the list as kept, open now that the clock has passed the opening',
    );

    schedule.invalidate(office._id.toString());
    assert.deepEqual(
      (await schedule.peakDaysAhead(office)).map((p) => p.date),
      [DAY, '2026-08-11'],
      'read again once the office was changed',
    );
  });

  it('refuses a bad range every time, remembering nothing', async () => {
    const office = await createOffice();
    const schedule = createScheduleService({ clock: testClock(NOW), cache: createScheduleCache(60_000) });
    for (let i = 0; i < 2; i++)
      await assert.rejects(schedule.availability(office, DAY, '2026-08-01'), { code: 'invalid' });
  });
});
