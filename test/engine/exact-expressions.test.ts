// Conformance: aggregation expressions given a Long above 2^53, a Decimal128 or an integral double
// answer as MongoDB does: exactly (conversions, strings, rounding, bitwise), in decimal for a
// Decimal128 (square roots, trigonometry), or in doubles where MongoDB computes in doubles
// (statistics); zero of every number type is false.
import assert from 'node:assert/strict';
import { type Collection, Decimal128, type Document, Double, Long, MongoServerError } from 'mongodb';
import { openTestDb, type TestDb } from './support.ts';

const BIG = Long.fromString('9007199254740993');

describe('engine: exact expressions over Long and Decimal128', () => {
  let t: TestDb;
  let c: Collection<any>;

  before(async () => {
    t = await openTestDb('exact_expressions');
  });
  after(async () => {
    await t.close();
  });
  beforeEach(async () => {
    c = t.db.collection(`x_${Math.random().toString(36).slice(2, 8)}`);
  });

  /** Evaluates expressions against one document, reading Longs as bigints. */
  async function project(doc: Document, expressions: Document): Promise<Document> {
    await c.insertOne({ _id: 1, ...doc });
    const [out] = await c
      .aggregate([{ $project: { _id: 0, ...expressions } }], { useBigInt64: true, promoteValues: true })
      .toArray();
    return out ?? {};
  }

  function failsWith(code: number) {
    return (e: unknown) => e instanceof MongoServerError && e.code === code;
  }

  it('converts a Long above 2^53 and a Decimal128 exactly', async () => {
    const out = await project(
      { l: BIG, p: Decimal128.fromString('0.1'), q: Decimal128.fromString('0.2') },
      {
        sum: { $toString: { $add: ['$p', '$q'] } },
        isPoint3: { $eq: [{ $add: ['$p', '$q'] }, Decimal128.fromString('0.3')] },
        longText: { $toString: '$l' },
        converted: { $convert: { input: '$l', to: 'string' } },
        fromText: { $toLong: '9007199254740993' },
        fromDecimal: { $toLong: Decimal128.fromString('9007199254740993.9') },
        asDecimal: { $toString: { $toDecimal: '$l' } },
        plusOne: { $add: ['$l', 1] },
        tooBig: { $convert: { input: '$l', to: 'int', onError: 'overflow' } },
      },
    );
    assert.deepEqual(out, {
      sum: '0.3',
      isPoint3: true,
      longText: '9007199254740993',
      converted: '9007199254740993',
      fromText: 9007199254740993n,
      fromDecimal: 9007199254740993n,
      asDecimal: '9007199254740993',
      plusOne: 9007199254740994n,
      tooBig: 'overflow',
    });
    await assert.rejects(c.aggregate([{ $project: { i: { $toInt: '$l' } } }]).toArray(), failsWith(241));
  });

  it('writes Longs and Decimal128s exactly in string operators', async () => {
    const out = await project(
      { l: BIG, d: Decimal128.fromString('1.50') },
      {
        sub: { $substr: ['$l', 0, 16] },
        subBytes: { $substrBytes: ['$d', 0, 10] },
        upper: { $toUpper: '$l' },
        same: { $strcasecmp: ['$l', '9007199254740993'] },
        joined: { $concat: ['n=', { $toString: '$l' }] },
        at: { $arrayElemAt: [['a', 'b', 'c'], Long.fromNumber(2)] },
        firstTwo: { $slice: [['a', 'b', 'c'], new Double(2)] },
        nullJoin: { $concat: ['a', null] },
      },
    );
    assert.deepEqual(out, {
      sub: '9007199254740993',
      subBytes: '1.50',
      upper: '9007199254740993',
      same: 0,
      joined: 'n=9007199254740993',
      at: 'c',
      firstTwo: ['a', 'b'],
      nullJoin: null,
    });
    await assert.rejects(
      c.aggregate([{ $project: { j: { $concat: ['n=', '$l'] } } }]).toArray(),
      failsWith(16702),
    );
  });

  it('rounds, truncates and takes roots of decimals in decimal, of Longs exactly', async () => {
    const out = await project(
      { l: BIG, d: Decimal128.fromString('2.345'), n: Decimal128.fromString('-9007199254740993.5') },
      {
        round: { $toString: { $round: ['$d', 2] } },
        trunc: { $toString: { $trunc: ['$d', 1] } },
        roundLong: { $round: ['$l', -1] },
        truncLong: { $trunc: ['$l', -1] },
        abs: { $toString: { $abs: '$n' } },
        floor: { $toString: { $floor: '$n' } },
        sqrt: { $toString: { $sqrt: Decimal128.fromString('2') } },
        sinType: { $type: { $sin: Decimal128.fromString('0.1') } },
        sin: { $toString: { $sin: Decimal128.fromString('0.1') } },
        sinLong: { $sin: Long.fromNumber(0) },
        cosDouble: { $cos: new Double(0) },
      },
    );
    assert.equal(out.round, '2.34');
    assert.equal(out.trunc, '2.3');
    assert.equal(out.roundLong, 9007199254740990n);
    assert.equal(out.truncLong, 9007199254740990n);
    assert.equal(out.abs, '9007199254740993.5');
    assert.equal(out.floor, '-9007199254740994');
    assert.equal(out.sqrt, '1.414213562373095048801688724209698');
    assert.equal(out.sinType, 'decimal');
    assert.ok(out.sin.startsWith('0.09983341664682815230681419841'), out.sin);
    assert.equal(out.sinLong, 0);
    assert.equal(out.cosDouble, 1);
  });

  it('combines Longs bitwise exactly', async () => {
    const high = Long.fromBigInt(2n ** 60n + 3n);
    const out = await project(
      { h: high },
      {
        and: { $bitAnd: ['$h', Long.fromBigInt(2n ** 60n + 1n)] },
        or: { $bitOr: [1, 2] },
        orType: { $type: { $bitOr: [1, 2] } },
        not: { $bitNot: Long.fromNumber(0) },
      },
    );
    assert.deepEqual(out, { and: 2n ** 60n + 1n, or: 3, orType: 'int', not: -1n });
  });

  it('holds zero of every number type false', async () => {
    const out = await project(
      { z: new Double(0), d: Decimal128.fromString('0.00'), l: Long.fromNumber(0) },
      {
        cond: { $cond: ['$z', 'yes', 'no'] },
        and: { $and: ['$d'] },
        or: { $or: ['$l', '$z'] },
        not: { $not: ['$d'] },
        bool: { $toBool: '$z' },
        kept: { $filter: { input: ['$z', 1, '$d'], cond: '$$this' } },
        any: { $anyElementTrue: [['$z', '$d']] },
      },
    );
    assert.deepEqual(out, {
      cond: 'no',
      and: false,
      or: false,
      not: true,
      bool: false,
      kept: [1],
      any: false,
    });
  });

  it('fails a $switch with no branch taken and no default', async () => {
    await c.insertOne({ _id: 1, v: 5 });
    // `then` is the $switch branch field, not a thenable (built by key to say so).
    const branch = Object.fromEntries([
      ['case', { $gt: ['$v', 9] }],
      ['then', 1],
    ]);
    await assert.rejects(
      c.aggregate([{ $project: { s: { $switch: { branches: [branch] } } } }]).toArray(),
      failsWith(40066),
    );
  });

  it('computes statistics over every number type, in numeric order', async () => {
    await c.insertMany([
      { g: 1, v: Long.fromNumber(1) },
      { g: 1, v: new Double(3) },
      { g: 1, v: 'not a number' },
    ]);
    const [g] = await c.aggregate([{ $group: { _id: '$g', sd: { $stdDevPop: '$v' } } }]).toArray();
    assert.equal(g?.sd, 1);
    const out = await project(
      {},
      {
        median: { $median: { input: [2, 10, Long.fromNumber(3)], method: 'approximate' } },
        centiles: {
          $percentile: { input: [62, 60, 40, 90, 50], p: [0.5, 0.75, 0.9], method: 'approximate' },
        },
      },
    );
    assert.deepEqual(out, { median: 3, centiles: [60, 62, 90] });
  });
});
