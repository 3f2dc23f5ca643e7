import assert from 'node:assert/strict';
import { monthGrid, shiftMonth } from '../../src/web/view-models/calendar.ts';

describe('month calendar view model', () => {
  it('lays a month out in Monday-first weeks padded with neighbouring days', () => {
    const { weeks, first, last } = monthGrid('2026-08', []);
    assert.equal(first, '2026-08-01');
    assert.equal(last, '2026-08-31');
    assert.equal(weeks[0]![0]!.date, '2026-07-27');
    assert.equal(weeks[0]![5]!.date, '2026-08-01');
    assert.equal(weeks[0]![5]!.inMonth, true);
    assert.equal(weeks[0]![0]!.inMonth, false);
    assert.equal(weeks.at(-1)!.at(-1)!.date, '2026-09-06');
    assert.ok(weeks.every((w) => w.length === 7));
  });

  it('counts every date of a month whatever the zone, a leap February and a month starting on Monday included', () => {
    const feb = monthGrid('2028-02', []);
    assert.equal(feb.last, '2028-02-29');
    assert.deepEqual(
      feb.weeks
        .flat()
        .filter((c) => c.inMonth)
        .map((c) => c.day),
      Array.from({ length: 29 }, (_, i) => i + 1),
    );
    const june = monthGrid('2026-06', []);
    assert.equal(
      june.weeks[0]![0]!.date,
      '2026-06-01',
      'a month starting on Monday has no padding before it',
    );
    assert.equal(june.weeks.at(-1)!.at(-1)!.date, '2026-07-05');
    assert.equal(monthGrid('0050-01', []).first, '0050-01-01', 'a year under 100 is that year');
  });

  it('moves between months across years', () => {
    assert.equal(shiftMonth('2026-12', 1), '2027-01');
    assert.equal(shiftMonth('2026-01', -1), '2025-12');
  });
});
