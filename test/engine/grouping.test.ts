// Conformance: values that MongoDB holds equal are one group, one set element, one distinct value,
// whatever their BSON number types (int 42, double 42.0, Long 42, Decimal128 "42"), inside
// documents and arrays too, and, under a collation, whatever their case.
import assert from 'node:assert/strict';
import { type Collection, Decimal128, Double, Long } from 'mongodb';
import { openTestDb, type TestDb } from './support.ts';

/** A number of any BSON type as a JavaScript number, for comparing answers. */
function num(v: unknown): number {
  if (v instanceof Decimal128) return Number(v.toString());
  if (v instanceof Long) return v.toNumber();
  if (v instanceof Double) return v.value;
  return Number(v);
}

const numericKeys = () => [
  { _id: 1, k: 42, v: 1 },
  { _id: 2, k: new Double(42), v: 2 },
  { _id: 3, k: Long.fromNumber(42), v: 3 },
  { _id: 4, k: Decimal128.fromString('42.0'), v: 4 },
  { _id: 5, k: { a: 42 }, v: 5 },
  { _id: 6, k: { a: new Double(42) }, v: 6 },
  { _id: 7, k: [1, 2], v: 7 },
  { _id: 8, k: [Long.fromNumber(1), new Double(2)], v: 8 },
  { _id: 9, k: 43, v: 9 },
];

describe('engine: grouping by value', () => {
  let t: TestDb;
  let c: Collection<any>;

  before(async () => {
    t = await openTestDb('grouping');
  });
  after(async () => {
    await t.close();
  });
  beforeEach(async () => {
    c = t.db.collection(`g_${Math.random().toString(36).slice(2, 8)}`);
  });

  it('groups numerically equal keys of every type together, nested ones too', async () => {
    await c.insertMany(numericKeys());
    const groups = await c
      .aggregate([
        { $group: { _id: '$k', vs: { $push: '$v' }, n: { $sum: 1 } } },
        { $project: { vs: { $sortArray: { input: '$vs', sortBy: 1 } }, n: 1 } },
        { $sort: { n: -1, vs: 1 } },
      ])
      .toArray();
    assert.deepEqual(
      groups.map((g) => g.vs),
      [[1, 2, 3, 4], [5, 6], [7, 8], [9]],
    );
    const first = groups.find((g) => g.n === 4);
    assert.equal(num(first?._id), 42);
  });

  it('counts numerically equal values as one in $sortByCount and $bucket', async () => {
    await c.insertMany(numericKeys());
    const counts = await c.aggregate([{ $sortByCount: '$k' }]).toArray();
    assert.deepEqual(
      counts.map((g) => g.count),
      [4, 2, 2, 1],
    );
    const buckets = await c
      .aggregate([
        { $match: { _id: { $in: [1, 2, 3, 4, 9] } } },
        { $bucket: { groupBy: '$k', boundaries: [0, Long.fromNumber(42), 100], output: { n: { $sum: 1 } } } },
      ])
      .toArray();
    assert.deepEqual(
      buckets.map((b) => [num(b._id), b.n]),
      [[42, 5]],
    );
  });

  it('keeps each value once in $addToSet and in the set operators', async () => {
    await c.insertMany(numericKeys());
    const [g] = await c
      .aggregate([{ $match: { _id: { $lte: 4 } } }, { $group: { _id: null, s: { $addToSet: '$k' } } }])
      .toArray();
    assert.equal(g?.s.length, 1);
    assert.equal(num(g?.s[0]), 42);
    const [out] = await c
      .aggregate([
        { $match: { _id: 1 } },
        {
          $project: {
            _id: 0,
            union: {
              $size: {
                $setUnion: [
                  [1, 2],
                  [new Double(1), Long.fromNumber(2), Decimal128.fromString('2.00')],
                ],
              },
            },
            inter: {
              $size: {
                $setIntersection: [
                  [1, 2, 3],
                  [Long.fromNumber(2), new Double(3)],
                ],
              },
            },
            diff: {
              $size: {
                $setDifference: [
                  [1, 2, 3],
                  [Long.fromNumber(2), new Double(3)],
                ],
              },
            },
            equals: {
              $setEquals: [
                [1, Long.fromNumber(2)],
                [new Double(2), Decimal128.fromString('1')],
              ],
            },
            subset: { $setIsSubset: [[{ a: Long.fromNumber(1) }], [{ a: 1 }]] },
            isIn: { $in: [Long.fromNumber(42), [1, new Double(42)]] },
            index: { $indexOfArray: [[1, new Double(42), 42], Long.fromNumber(42)] },
            indexFrom: { $indexOfArray: [[42, 1, 42], Decimal128.fromString('42'), Long.fromNumber(1)] },
          },
        },
      ])
      .toArray();
    assert.deepEqual(out, {
      union: 2,
      inter: 2,
      diff: 1,
      equals: true,
      subset: true,
      isIn: true,
      index: 1,
      indexFrom: 2,
    });
  });

  it("refuses an operand of a set operator that is not an array, with MongoDB's code for each", async () => {
    await c.insertOne({ _id: 1, list: [1, 2], n: 43 });
    const refusals: [object, number][] = [
      [{ $setUnion: ['$list', '$n'] }, 17043],
      [{ $setIntersection: ['$list', '$n'] }, 17047],
      [{ $setEquals: ['$list', '$n'] }, 17044],
      [{ $setDifference: ['$n', '$list'] }, 17048],
      [{ $setDifference: ['$list', '$n'] }, 17049],
      [{ $setIsSubset: ['$n', '$list'] }, 17046],
      [{ $setIsSubset: ['$list', '$n'] }, 17042],
    ];
    for (const [expression, code] of refusals) {
      await assert.rejects(
        c.aggregate([{ $project: { out: expression } }]).toArray(),
        (err: { code?: number }) => err.code === code,
        JSON.stringify(expression),
      );
    }
  });

  it('answers one distinct value for numerically equal ones', async () => {
    await c.insertMany(numericKeys());
    const values = await c.distinct('k', { _id: { $lte: 4 } });
    assert.equal(values.length, 1);
    assert.equal(num(values[0]), 42);
  });

  it('groups strings equal under the collation together', async () => {
    await c.insertMany([
      { _id: 1, k: 'Qixi' },
      { _id: 2, k: 'qixi' },
      { _id: 3, k: 'QIXI' },
      { _id: 4, k: 'other' },
    ]);
    const collation = { locale: 'en', strength: 2 };
    const groups = await c
      .aggregate([{ $group: { _id: '$k', n: { $sum: 1 } } }, { $sort: { n: -1 } }], { collation })
      .toArray();
    assert.deepEqual(
      groups.map((g) => g.n),
      [3, 1],
    );
    const simple = await c.aggregate([{ $group: { _id: '$k' } }]).toArray();
    assert.equal(simple.length, 4);
    const [out] = await c
      .aggregate([{ $match: { _id: 1 } }, { $project: { _id: 0, isIn: { $in: ['QiXi', ['qixi']] } } }], {
        collation,
      })
      .toArray();
    assert.deepEqual(out, { isIn: true });
  });

  it('partitions $setWindowFields by numeric value', async () => {
    await c.insertMany(numericKeys().slice(0, 4));
    const rows = await c
      .aggregate([
        { $setWindowFields: { partitionBy: '$k', sortBy: { v: 1 }, output: { n: { $count: {} } } } },
        { $sort: { v: 1 } },
      ])
      .toArray();
    assert.deepEqual(
      rows.map((r) => r.n),
      [4, 4, 4, 4],
    );
  });
});
