import assert from 'node:assert/strict';
import { createSystemRandom } from '../../src/lib/clock.ts';

describe('system random source', () => {
  const systemRandom = createSystemRandom();

  it('hands out fresh bytes of the asked length, never the same bytes twice', () => {
    const seen = new Set<string>();
    // Far more than one 4 KiB block, so the pool is refilled many times.
    for (let i = 0; i < 5000; i++) {
      const bytes = systemRandom(i % 2 ? 32 : 8);
      assert.equal(bytes.length, i % 2 ? 32 : 8);
      const hex = Buffer.from(bytes).toString('hex');
      assert.ok(!seen.has(hex), 'a value came back twice');
      seen.add(hex);
    }
  });

  it('gives callers their own copy: changing one changes nothing drawn later', () => {
    const a = systemRandom(16);
    a.fill(0);
    const b = systemRandom(16);
    assert.ok(b.some((x) => x !== 0));
  });

  it('serves a large request straight from the system', () => {
    assert.equal(systemRandom(4096).length, 4096);
  });
});
