import assert from 'node:assert/strict';
import { coalesce, failed, succeeded } from '../../src/lib/coalesce.ts';
import { isDatabaseUnavailable } from '../../src/lib/database-errors.ts';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('coalesce (group commit)', () => {
  it('serves calls made together with one batch, each caller getting its own answer', async () => {
    const batches: number[][] = [];
    const double = coalesce<number, number>(async (items) => {
      batches.push(items);
      return items.map((n) => succeeded(n * 2));
    });
    const answers = await Promise.all([1, 2, 3].map(double));
    assert.deepEqual(answers, [2, 4, 6]);
    assert.deepEqual(batches, [[1, 2, 3]]);
  });

  it('gathers what arrives while a batch is in flight into the next one', async () => {
    const batches: number[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const echo = coalesce<number, number>(async (items) => {
      batches.push(items);
      if (batches.length === 1) await gate;
      return items.map((n) => succeeded(n));
    });
    const first = echo(1);
    await tick();
    const later = [echo(2), echo(3), echo(4)];
    await tick();
    assert.deepEqual(batches, [[1]], 'nothing else runs while the first batch is in flight');
    release();
    assert.deepEqual(await Promise.all([first, ...later]), [1, 2, 3, 4]);
    assert.deepEqual(batches, [[1], [2, 3, 4]]);
  });

  it('fails only the callers whose item failed', async () => {
    const check = coalesce<number, number>(async (items) =>
      items.map((n) => (n % 2 ? succeeded(n) : failed(new Error(`even ${n}`)))),
    );
    const settled = await Promise.allSettled([1, 2, 3].map(check));
    assert.deepEqual(
      settled.map((s) => s.status),
      ['fulfilled', 'rejected', 'fulfilled'],
    );
    assert.match(String((settled[1] as PromiseRejectedResult).reason), /even 2/);
  });

  it('fails every caller of a batch whose run throws, and serves the next batch normally', async () => {
    let calls = 0;
    const flaky = coalesce<number, number>(async (items) => {
      calls += 1;
      if (calls === 1) throw new Error('database unreachable');
      return items.map((n) => succeeded(n));
    });
    const settled = await Promise.allSettled([flaky(1), flaky(2)]);
    assert.deepEqual(
      settled.map((s) => s.status),
      ['rejected', 'rejected'],
    );
    assert.equal(await flaky(3), 3);
  });

  it('splits a crowd into batches of at most maxBatch', async () => {
    const sizes: number[] = [];
    const echo = coalesce<number, number>(async (items) => {
      sizes.push(items.length);
      return items.map((n) => succeeded(n));
    }, 4);
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => echo(i)));
    assert.deepEqual(
      answers,
      Array.from({ length: 10 }, (_, i) => i),
    );
    assert.deepEqual(sizes, [4, 4, 2]);
  });

  it('rejects a caller the run forgot to answer rather than leaving it waiting', async () => {
    const forgetful = coalesce<number, number>(async (items) => items.slice(1).map((n) => succeeded(n)));
    const settled = await Promise.allSettled([forgetful(1), forgetful(2)]);
    assert.equal(settled[0]!.status, 'fulfilled');
    assert.equal(settled[1]!.status, 'rejected');
  });

  it('fails a batch that never settles (a call stuck on a dead connection) as unavailable, and serves the next', async () => {
    // A call written to a connection whose server died may wait for ever in the driver: it
    // must not hold its callers, nor every caller after them, for ever.
    let calls = 0;
    const echo = coalesce<number, number>(
      (items) => {
        calls += 1;
        if (calls === 1) return new Promise(() => undefined);
        return Promise.resolve(items.map((n) => succeeded(n)));
      },
      256,
      50,
    );
    const stuck = [echo(1), echo(2)];
    for (const call of stuck) await assert.rejects(call, (err) => isDatabaseUnavailable(err));
    assert.equal(await echo(3), 3);
  });
});
