import assert from 'node:assert/strict';
import { createBackgroundLane } from '../../src/lib/background-lane.ts';

describe('background lane (work that follows an answer)', () => {
  it('lets every piece of work go on, in the order it asked, however many ask at once', async () => {
    const lane = createBackgroundLane(4);
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        await lane.turn();
        order.push(i);
      }),
    );
    assert.deepEqual(
      order,
      Array.from({ length: 50 }, (_, i) => i),
    );
  });

  it('never lets work go on in the turn that asked, before what that turn left for later', async () => {
    const lane = createBackgroundLane();
    const order: string[] = [];
    const work = lane.turn().then(() => order.push('background'));
    await Promise.resolve();
    order.push('the answer');
    setImmediate(() => order.push('the next turn'));
    await work;
    assert.deepEqual(order, ['the answer', 'background']);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(order, ['the answer', 'background', 'the next turn']);
  });

  it('lets a few go on in one turn and the rest in later turns, behind what came meanwhile', async () => {
    const lane = createBackgroundLane(2);
    const order: string[] = [];
    const work = ['a', 'b', 'c', 'd', 'e'].map((name) => lane.turn().then(() => order.push(name)));
    // Queued after the lane's first turn: it runs before the lane's second.
    setImmediate(() => order.push('request'));
    await Promise.all(work);
    assert.deepEqual(order, ['a', 'b', 'request', 'c', 'd', 'e']);
  });

  it('puts work asked from inside a turn behind the work already waiting', async () => {
    const lane = createBackgroundLane(1);
    const order: string[] = [];
    const first = lane.turn().then(async () => {
      order.push('first');
      await lane.turn();
      order.push('first, again');
    });
    const second = lane.turn().then(() => order.push('second'));
    await Promise.all([first, second]);
    assert.deepEqual(order, ['first', 'second', 'first, again']);
  });
});
