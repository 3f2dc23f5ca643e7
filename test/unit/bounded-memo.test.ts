import assert from 'node:assert/strict';
import { boundedMemo } from '../../src/lib/bounded-memo.ts';

describe('boundedMemo', () => {
  it('gives back what it kept, and forgets everything once it holds as many as it may', () => {
    const memo = boundedMemo<string>(2);
    assert.equal(memo.keep('a', 'A'), 'A');
    memo.keep('b', 'B');
    assert.equal(memo.get('a'), 'A');
    assert.equal(memo.get('b'), 'B');
    memo.keep('c', 'C');
    assert.equal(memo.get('a'), undefined, 'forgotten when full');
    assert.equal(memo.get('b'), undefined);
    assert.equal(memo.get('c'), 'C');
  });
});
