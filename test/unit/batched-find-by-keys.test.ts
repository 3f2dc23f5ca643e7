// Reads asked together share one query, and each caller still gets only the documents that
// hold a key it asked for, in the query's order: a confirmation page never shows another
// couple's booking, seat or application.
import assert from 'node:assert/strict';
import { batchedFindByKeys } from '../../src/lib/batched-db.ts';

interface Doc {
  id: string;
  keys: string[];
}

const STORED: Doc[] = [
  { id: 'd1', keys: ['a'] },
  { id: 'd2', keys: ['b', 'c'] },
  { id: 'd3', keys: ['a', 'a'] },
  { id: 'd4', keys: ['z'] },
];

/** A finder over STORED that records the keys of each query it was sent. */
function finder() {
  const queries: string[][] = [];
  const read = batchedFindByKeys<Doc>(
    async (keys) => {
      queries.push(keys);
      return STORED.filter((d) => d.keys.some((k) => keys.includes(k)));
    },
    (d) => d.keys,
  );
  return { queries, read };
}

describe('batchedFindByKeys', () => {
  it('answers calls made together with one query, each with only the documents holding its keys', async () => {
    const { queries, read } = finder();
    const [first, second, third, none] = await Promise.all([
      read(['a']),
      read(['c', 'b']),
      read(['a', 'b']),
      read(['nobody']),
    ]);
    assert.equal(queries.length, 1);
    assert.deepEqual([...queries[0]!].sort(), ['a', 'b', 'c', 'nobody']);
    assert.deepEqual(
      first!.map((d) => d.id),
      ['d1', 'd3'],
    );
    // A document holding two keys asked for is given once.
    assert.deepEqual(
      second!.map((d) => d.id),
      ['d2'],
    );
    assert.deepEqual(
      third!.map((d) => d.id),
      ['d1', 'd2', 'd3'],
    );
    assert.deepEqual(none, []);
  });

  it('asks nothing of the database when no call has a key', async () => {
    const { queries, read } = finder();
    assert.deepEqual(await read([]), []);
    assert.equal(queries.length, 0);
  });

  it('reads again for a call made after the first was answered', async () => {
    const { queries, read } = finder();
    await read(['a']);
    await read(['a']);
    assert.equal(queries.length, 2);
  });
});
