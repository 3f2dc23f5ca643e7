import assert from 'node:assert/strict';
import { type DayPlaces, slotAlternatives } from '../../src/domain/slot-alternatives.ts';

const slots = (spec: Record<string, number>) =>
  Object.entries(spec).map(([start, remaining]) => ({ start, end: `${start}+30`, remaining }));

describe('slot alternatives', () => {
  const days: DayPlaces[] = [
    {
      date: '2026-08-10',
      status: 'few_left',
      slots: slots({ '09:00': 1, '09:30': 0, '10:00': 0, '10:30': 2, '14:00': 5 }),
    },
    { date: '2026-08-11', status: 'full', slots: slots({ '10:00': 0 }) },
    { date: '2026-08-12', status: 'closed', slots: [] },
    { date: '2026-08-13', status: 'open', slots: slots({ '09:00': 3, '10:30': 3, '14:00': 3 }) },
    { date: '2026-08-14', status: 'not_yet_open', slots: slots({ '10:00': 9 }) },
  ];

  it('offers the nearest open slots of the day in the order of the day, then the next open days', () => {
    const got = slotAlternatives(days, { date: '2026-08-10', start: '10:00' });
    assert.deepEqual(
      got.map((a) => `${a.date} ${a.start}${a.sameDay ? ' same' : ''}`),
      ['2026-08-10 09:00 same', '2026-08-10 10:30 same', '2026-08-10 14:00 same', '2026-08-13 10:30'],
    );
  });

  it('prefers the earlier of two equally near slots, and never offers the full slot itself', () => {
    const day: DayPlaces = {
      date: 'd',
      status: 'open',
      slots: slots({ '09:30': 1, '10:00': 4, '10:30': 1 }),
    };
    const got = slotAlternatives([day], { date: 'd', start: '10:00' }, { sameDay: 1, otherDays: 0 });
    assert.deepEqual(
      got.map((a) => a.start),
      ['09:30'],
    );
  });

  it('offers nothing when nothing is open', () => {
    assert.deepEqual(slotAlternatives([days[1]!, days[2]!], { date: '2026-08-11', start: '10:00' }), []);
  });
});
