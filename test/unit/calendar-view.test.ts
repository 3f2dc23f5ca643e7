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

  it('moves between months across years', () => {
    assert.equal(shiftMonth('2026-12', 1), '2027-01');
    assert.equal(shiftMonth('2026-01', -1), '2025-12');
  });
});
