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

  it('tells whether a slot is remembered within its moment without forgetting it', async () => {
    const c = clock();
    const full = createFullSlots(1_000, c.now);
    assert.equal(full.remembered('s1'), false);
    full.markFull('s1', full.generation());
    assert.equal(full.remembered('s1'), true);
    c.advance(1_000);
    assert.equal(full.remembered('s1'), false, 'its moment has passed');
    // Still remembered until its counter is read again, once for everyone who asks.
    let reads = 0;
    const read = async () => {
      reads += 1;
      return true;
    };
    const asked = [full.fullNow('s1', read), full.fullNow('s1', read)];
    assert.deepEqual(await Promise.all(asked), [true, true]);
    assert.equal(reads, 1);
    assert.equal(full.remembered('s1'), true, 'remembered again');
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

  describe("for a couple's request (fullNow)", () => {
    /** A counter read that answers when told to, counting how often it was asked. */
    const counter = () => {
      const asked: ((full: boolean) => void)[] = [];
      return { asked, read: () => new Promise<boolean>((resolve) => asked.push(resolve)) };
    };

    it('answers from memory during the moment, then reads the counter once for all who ask', async () => {
      const c = clock();
      const full = createFullSlots(1_000, c.now);
      const stored = counter();
      assert.equal(full.fullNow('s1', stored.read), false, 'nothing remembered: the booking asks');
      full.markFull('s1', full.generation());
      assert.equal(full.fullNow('s1', stored.read), true);
      c.advance(1_000);
      const asking = [full.fullNow('s1', stored.read), full.fullNow('s1', stored.read)];
      assert.equal(stored.asked.length, 1, 'one read for everyone');
      stored.asked[0]!(true);
      assert.deepEqual(await Promise.all(asking), [true, true]);
      assert.equal(full.fullNow('s1', stored.read), true, 'still full: remembered for another moment');
      assert.equal(stored.asked.length, 1);
    });

    it('lets the bookings ask the counter once a place was freed elsewhere, or while a place is freed here', async () => {
      const c = clock();
      const full = createFullSlots(1_000, c.now);
      const stored = counter();
      full.markFull('s1', full.generation());
      c.advance(1_000);
      const freedElsewhere = full.fullNow('s1', stored.read);
      stored.asked[0]!(false);
      assert.equal(await freedElsewhere, false);
      assert.equal(full.isFull('s1'), false, 'forgotten');

      full.markFull('s1', full.generation());
      c.advance(1_000);
      const cancelled = full.fullNow('s1', stored.read);
      full.forget('s2'); // a cancellation lands while the counter is read
      stored.asked[1]!(true);
      assert.equal(await cancelled, false);
    });

    it('lets the booking ask the counter when the read fails', async () => {
      const c = clock();
      const full = createFullSlots(1_000, c.now);
      full.markFull('s1', full.generation());
      c.advance(1_000);
      assert.equal(await full.fullNow('s1', () => Promise.reject(new Error('database away'))), false);
    });
  });
});
