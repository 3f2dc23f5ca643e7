import assert from 'node:assert/strict';
import { createFullSlots } from '../../src/services/booking/full-slots.ts';

describe('slots remembered full', () => {
  const clock = () => {
    let t = 1_000_000;
    return { now: () => t, advance: (ms: number) => (t += ms) };
  };

  it('remembers a slot found full for its moment, then asks again', () => {
    const c = clock();
    const full = createFullSlots(1_000, c.now);
    assert.equal(full.isFull('s1'), false);
    full.markFull('s1', full.generation());
    assert.equal(full.isFull('s1'), true);
    assert.equal(full.isFull('s2'), false, 'another slot is not affected');
    c.advance(999);
    assert.equal(full.isFull('s1'), true);
    c.advance(1);
    assert.equal(full.isFull('s1'), false, 'a place freed by another process is seen once the moment passed');
  });

  it('forgets a slot when a place in it is freed here, and every slot when no slot is named', () => {
    const full = createFullSlots(1_000, clock().now);
    full.markFull('s1', full.generation());
    full.markFull('s2', full.generation());
    full.forget('s1');
    assert.equal(full.isFull('s1'), false);
    assert.equal(full.isFull('s2'), true);
    full.forget();
    assert.equal(full.isFull('s2'), false);
  });

  it('does not remember a "full" read before a place was freed', () => {
    const full = createFullSlots(1_000, clock().now);
    const asOf = full.generation();
    full.forget('s1'); // a cancellation lands while the counter is being asked
    full.markFull('s1', asOf);
    assert.equal(full.isFull('s1'), false);
  });

  it('remembers nothing when its moment is zero', () => {
    const full = createFullSlots(0, clock().now);
    full.markFull('s1', full.generation());
    assert.equal(full.isFull('s1'), false);
  });
});
