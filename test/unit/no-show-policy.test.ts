import assert from 'node:assert/strict';
import { type NoShowPolicy, noShowBlock } from '../../src/domain/no-show-policy.ts';

const POLICY: NoShowPolicy = { maxNoShows: 3, withinDays: 180, blockDays: 30 };
const T0 = Date.parse('2025-01-01T02:00:00.000Z');
const day = (n: number): Date => new Date(T0 + n * 24 * 60 * 60 * 1000);

describe('noShowBlock', () => {
  it('does not block below the threshold', () => {
    assert.deepEqual(noShowBlock([], POLICY, day(0)), { blocked: false });
    assert.deepEqual(noShowBlock([day(0), day(10)], POLICY, day(11)), { blocked: false });
  });

  it('blocks for blockDays from the no-show that reaches the threshold', () => {
    assert.deepEqual(noShowBlock([day(0), day(10), day(20)], POLICY, day(20)), {
      blocked: true,
      until: new Date('2025-02-20T02:00:00.000Z'),
    });
    assert.deepEqual(noShowBlock([day(20), day(0), day(10)], POLICY, day(49)), {
      blocked: true,
      until: new Date('2025-02-20T02:00:00.000Z'),
    });
  });

  it('ends the block exactly at until, though the no-shows are still within the window', () => {
    const noShows = [day(0), day(10), day(20)];
    assert.equal(noShowBlock(noShows, POLICY, new Date(day(50).getTime() - 1)).blocked, true);
    assert.deepEqual(noShowBlock(noShows, POLICY, day(50)), { blocked: false });
    assert.deepEqual(noShowBlock(noShows, POLICY, day(100)), { blocked: false });
  });

  it('counts only no-shows less than withinDays apart', () => {
    // The first is exactly 180 days before the third: it has dropped out.
    assert.deepEqual(noShowBlock([day(0), day(100), day(180)], POLICY, day(181)), { blocked: false });
    assert.deepEqual(noShowBlock([day(0), day(100), day(179)], POLICY, day(180)), {
      blocked: true,
      until: day(209),
    });
  });

  it('extends the block with each further no-show over the threshold', () => {
    assert.deepEqual(noShowBlock([day(0), day(10), day(20), day(40)], POLICY, day(45)), {
      blocked: true,
      until: day(70),
    });
  });

  it('does not extend the block with a later no-show that stays under the threshold', () => {
    // Day 200 is exactly 180 days after day 20, so it counts alone.
    assert.deepEqual(noShowBlock([day(0), day(10), day(20), day(200)], POLICY, day(201)), { blocked: false });
  });

  it('ignores no-shows recorded after now', () => {
    assert.deepEqual(noShowBlock([day(0), day(10), day(20)], POLICY, day(15)), { blocked: false });
  });

  it('is off when maxNoShows is 0', () => {
    assert.deepEqual(noShowBlock([day(0)], { ...POLICY, maxNoShows: 0 }, day(1)), { blocked: false });
  });
});
