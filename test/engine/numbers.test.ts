// Conformance: BSON number types kept exactly through storage, updates, queries and aggregation:
// a double stays a double, a Long stays a Long, Decimal128 arithmetic is decimal.
import assert from 'node:assert/strict';
import { type Collection, Decimal128, Double, Int32, Long, MongoServerError } from 'mongodb';
import { openTestDb, type TestDb } from './support.ts';

/** A Decimal128's value without trailing zeros (MongoDB may keep them: 0.30 and 0.3 are equal). */
function decimal(v: unknown): string {
  assert.ok(v instanceof Decimal128, `expected a Decimal128, got ${String(v)} (${typeof v})`);
  const s = v.toString();
  return s.includes('.') && !s.includes('E') ? s.replace(/\.?0+$/, '') : s;
}

describe('engine: BSON number types', () => {
  let t: TestDb;
  let c: Collection<any>;

  before(async () => {
    t = await openTestDb('numbers');
  });
  after(async () => {
    await t.close();
  });
  beforeEach(async () => {
    c = t.db.collection(`n_${Math.random().toString(36).slice(2, 8)}`);
  });

  it('keeps an integral double a double and an int an int', async () => {
    await c.insertOne({ _id: 1, d: new Double(42), i: 42, f: 4.5, z: -0 });
    assert.equal(await c.countDocuments({ d: { $type: 'double' } }), 1);
    assert.equal(await c.countDocuments({ d: { $type: 'int' } }), 0);
    assert.equal(await c.countDocuments({ i: { $type: 'int' } }), 1);
    assert.equal(await c.countDocuments({ d: 42, i: 42.0 }), 1);
    const raw = await c.findOne({ _id: 1 }, { promoteValues: false });
    assert.ok(raw?.d instanceof Double, 'd comes back as a double');
    assert.ok(raw?.i instanceof Int32, 'i comes back as an int32');
    assert.ok(raw?.f instanceof Double);
    const [types] = await c
      .aggregate([{ $project: { _id: 0, d: { $type: '$d' }, i: { $type: '$i' }, f: { $type: '$f' } } }])
      .toArray();
    assert.deepEqual(types, { d: 'double', i: 'int', f: 'double' });
    // A double survives an update of another field and a $set of the same value.
    await c.updateOne({ _id: 1 }, { $set: { other: 1 } });
    assert.equal(await c.countDocuments({ d: { $type: 'double' } }), 1);
    // $inc of a double by an int stays a double.
    await c.updateOne({ _id: 1 }, { $inc: { d: 1 } });
    assert.equal(await c.countDocuments({ d: { $type: 'double' }, _id: 1 }), 1);
  });

  it('keeps a Long a Long, exact above 2^53, through $inc and useBigInt64 reads', async () => {
    await c.insertOne({ _id: 1, n: Long.fromString('9007199254740993'), small: Long.fromNumber(5) });
    await c.updateOne({ _id: 1 }, { $inc: { n: 1, small: 1 } });
    const doc = await c.findOne({ _id: 1 }, { useBigInt64: true });
    assert.equal(doc?.n, 9007199254740994n);
    assert.equal(doc?.small, 6n);
    assert.equal(await c.countDocuments({ small: { $type: 'long' } }), 1);
    assert.equal(await c.countDocuments({ n: Long.fromString('9007199254740994') }), 1);
    assert.equal(await c.countDocuments({ n: Long.fromString('9007199254740995') }), 0);
    const promoted = await c.findOne({ _id: 1 });
    assert.equal(promoted?.small, 6);
  });

  it('turns an int that overflows on $inc into a Long', async () => {
    await c.insertOne({ _id: 1, n: 2147483647 });
    await c.updateOne({ _id: 1 }, { $inc: { n: 1 } });
    const doc = await c.findOne({ _id: 1 }, { useBigInt64: true });
    assert.equal(doc?.n, 2147483648n);
    assert.equal(await c.countDocuments({ n: { $type: 'long' } }), 1);
  });

  it('does exact Decimal128 arithmetic in $inc and $mul', async () => {
    await c.insertOne({ _id: 1, p: Decimal128.fromString('0.10'), q: Decimal128.fromString('0.30') });
    await c.updateOne({ _id: 1 }, { $inc: { p: Decimal128.fromString('0.20') }, $mul: { q: 3 } });
    const doc = await c.findOne({ _id: 1 });
    assert.equal(decimal(doc?.p), '0.3');
    assert.equal(decimal(doc?.q), '0.9');
    assert.equal(await c.countDocuments({ q: { $type: 'decimal' } }), 1);
    assert.equal(await c.countDocuments({ p: Decimal128.fromString('0.3') }), 1);
    assert.equal(await c.countDocuments({ q: { $gt: 0.8, $lt: 1 } }), 1);
  });

  it('sums, averages, adds and multiplies Decimal128 exactly in aggregation', async () => {
    await c.insertMany([
      { _id: 1, p: Decimal128.fromString('0.10') },
      { _id: 2, p: Decimal128.fromString('0.20') },
    ]);
    const [g] = await c
      .aggregate([
        {
          $group: {
            _id: null,
            sum: { $sum: '$p' },
            avg: { $avg: '$p' },
            n: { $sum: 1 },
          },
        },
      ])
      .toArray();
    assert.equal(decimal(g?.sum), '0.3');
    assert.equal(decimal(g?.avg), '0.15');
    assert.equal(g?.n, 2);
    const rows = await c
      .aggregate([
        { $sort: { _id: 1 } },
        {
          $project: {
            add: { $add: ['$p', Decimal128.fromString('0.20')] },
            mul: { $multiply: ['$p', 3] },
            sub: { $subtract: ['$p', 0.1] },
          },
        },
      ])
      .toArray();
    assert.deepEqual(
      rows.map((r) => [decimal(r.add), decimal(r.mul)]),
      [
        ['0.3', '0.3'],
        ['0.4', '0.6'],
      ],
    );
    assert.ok(rows[0]?.sub instanceof Decimal128);
  });

  it('sums ints as an int, overflowing into a Long, and mixed with doubles as a double', async () => {
    await c.insertMany([
      { g: 'int', v: 2147483647 },
      { g: 'int', v: 1 },
      { g: 'dbl', v: 1 },
      { g: 'dbl', v: new Double(2) },
    ]);
    const groups = await c
      .aggregate([
        { $group: { _id: '$g', s: { $sum: '$v' } } },
        { $project: { s: 1, t: { $type: '$s' } } },
        { $sort: { _id: 1 } },
      ])
      .toArray();
    assert.deepEqual(groups, [
      { _id: 'dbl', s: 3, t: 'double' },
      { _id: 'int', s: 2147483648, t: 'long' },
    ]);
  });

  it('sorts and compares numbers of every type by value', async () => {
    await c.insertMany([
      { _id: 1, v: Long.fromString('9007199254740993') },
      { _id: 2, v: 9007199254740992 },
      { _id: 3, v: Decimal128.fromString('1.5') },
      { _id: 4, v: new Double(1) },
      { _id: 5, v: 2 },
    ]);
    const order = (await c.find().sort({ v: 1 }).toArray()).map((d) => d._id);
    assert.deepEqual(order, [4, 3, 5, 2, 1]);
    const big = await c.find({ v: { $gt: 9007199254740992 } }).toArray();
    assert.deepEqual(
      big.map((d) => d._id),
      [1],
    );
  });

  it('refuses $inc with a non-number and keeps error codes', async () => {
    await c.insertOne({ _id: 1, n: Long.fromNumber(1) });
    await assert.rejects(
      c.updateOne({ _id: 1 }, { $inc: { n: 'x' as any } }),
      (e: unknown) => e instanceof MongoServerError && e.code === 14,
    );
  });
});
