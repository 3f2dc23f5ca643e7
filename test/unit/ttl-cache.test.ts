import assert from 'node:assert/strict';
import { ttlCache } from '../../src/lib/ttl-cache.ts';

describe('ttl cache', () => {
  it('shares one load among concurrent misses and serves hits until it expires', async () => {
    const cache = ttlCache<number>(60_000);
    let loads = 0;
    const load = async () => {
      loads += 1;
      return 42;
    };
    const values = await Promise.all([cache.get('a', load), cache.get('a', load), cache.get('a', load)]);
    assert.deepEqual(values, [42, 42, 42]);
    assert.equal(loads, 1);
    cache.delete('a');
    await cache.get('a', load);
    assert.equal(loads, 2);
  });

  it('gives at a peek only what a get would give at once: a fresh value whose load has ended', async () => {
    const cache = ttlCache<number | null>(60_000);
    assert.equal(cache.peek('a'), undefined, 'nothing kept');
    let loaded!: (value: number | null) => void;
    const value = cache.get('a', () => new Promise((resolve) => (loaded = resolve)));
    assert.equal(cache.peek('a'), undefined, 'still being loaded');
    loaded(null);
    await value;
    assert.equal(cache.peek('a'), null, 'a value kept, even an empty one');
    await assert.rejects(cache.get('b', async () => Promise.reject(new Error('down'))));
    assert.equal(cache.peek('b'), undefined, 'a failed load is not kept');
    cache.delete('a');
    assert.equal(cache.peek('a'), undefined, 'forgotten');
    const none = ttlCache<number>(0);
    await none.get('a', async () => 1);
    assert.equal(none.peek('a'), undefined, 'nothing kept with a zero time to live');
  });

  it('does not remember a failed load', async () => {
    const cache = ttlCache<number>(60_000);
    await assert.rejects(cache.get('k', async () => Promise.reject(new Error('down'))));
    assert.equal(await cache.get('k', async () => 7), 7);
  });

  it('forgets keys by prefix, and caches nothing with a zero time to live', async () => {
    const cache = ttlCache<string>(60_000);
    await cache.get('o1|2026-08-19', async () => 'a');
    await cache.get('o2|2026-08-19', async () => 'b');
    cache.deletePrefix('o1|');
    assert.equal(await cache.get('o1|2026-08-19', async () => 'fresh'), 'fresh');
    assert.equal(await cache.get('o2|2026-08-19', async () => 'fresh'), 'b');
    const none = ttlCache<number>(0);
    let n = 0;
    await none.get('x', async () => ++n);
    await none.get('x', async () => ++n);
    assert.equal(n, 2);
  });
});
