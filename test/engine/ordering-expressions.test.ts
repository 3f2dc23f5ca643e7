// Conformance: aggregation operators that order values or build dates take every number type as
// MongoDB does: $sortArray, $minN/$maxN and $top/$bottom order numbers by value across int,
// Long, double and Decimal128; $dateFromParts defaults missing parts to the start of their range.
import assert from 'node:assert/strict';
import { type Collection, Decimal128, Double, Long, MongoServerError } from 'mongodb';
import { openTestDb, type TestDb, usingEmbeddedEngine } from './support.ts';

/** A number of any BSON type as a string of its value, for comparing answers. */
function text(v: unknown): string {
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Decimal128) return v.toString();
  return String(v);
}

describe('engine: ordering and date-building expressions', () => {
  let t: TestDb;
  let c: Collection<any>;

  before(async () => {
    t = await openTestDb('ordering_expressions');
  });
  after(async () => {
    await t.close();
  });
  beforeEach(async () => {
    c = t.db.collection(`o_${Math.random().toString(36).slice(2, 8)}`);
  });

  it('sorts arrays and picks the smallest and largest by value across number types', async () => {
    await c.insertOne({
      _id: 1,
      a: [3, new Double(2), 1, Long.fromString('9007199254740993'), Decimal128.fromString('1.5')],
    });
    const [out] = await c
      .aggregate(
        [
          {
            $project: {
              _id: 0,
              sorted: { $sortArray: { input: '$a', sortBy: 1 } },
              down: { $sortArray: { input: '$a', sortBy: -1 } },
              max: { $maxN: { input: '$a', n: 2 } },
              min: { $minN: { input: '$a', n: Long.fromNumber(2) } },
            },
          },
        ],
        { useBigInt64: true },
      )
      .toArray();
    assert.deepEqual(out?.sorted.map(text), ['1', '1.5', '2', '3', '9007199254740993']);
    assert.deepEqual(out?.down.map(text), ['9007199254740993', '3', '2', '1.5', '1']);
    assert.deepEqual(out?.max.map(text), ['9007199254740993', '3']);
    assert.deepEqual(out?.min.map(text), ['1', '1.5']);
  });

  it('answers $top and $bottom by value across number types, $top as one value', async () => {
    await c.insertMany([
      { g: 1, v: 3, name: 'three' },
      { g: 1, v: new Double(2), name: 'two' },
      { g: 1, v: Long.fromString('9007199254740993'), name: 'big' },
      { g: 1, v: Decimal128.fromString('0.5'), name: 'half' },
    ]);
    const [g] = await c
      .aggregate([
        {
          $group: {
            _id: '$g',
            top: { $top: { sortBy: { v: -1 }, output: '$name' } },
            bottom: { $bottom: { sortBy: { v: -1 }, output: '$name' } },
            topTwo: { $topN: { sortBy: { v: 1 }, output: '$name', n: 2 } },
            bottomTwo: { $bottomN: { sortBy: { v: 1 }, output: '$name', n: 2 } },
            largest: { $maxN: { input: '$name', n: 1 } },
          },
        },
      ])
      .toArray();
    assert.deepEqual(g, {
      _id: 1,
      top: 'big',
      bottom: 'half',
      topTwo: ['half', 'two'],
      bottomTwo: ['three', 'big'],
      largest: ['two'],
    });
  });

  it('orders $setWindowFields partitions in BSON order, ties ranked together', async () => {
    await c.insertMany([
      { _id: 1, v: 3, s: '\u{1F600}' },
      { _id: 2, v: new Double(2), s: '\uFF61' },
      { _id: 3, v: Long.fromString('9007199254740993'), s: 'b' },
      { _id: 4, v: 1, s: 'a' },
      { _id: 5, v: 3, s: 'c' },
    ]);
    const byValue = await c
      .aggregate([
        {
          $setWindowFields: {
            sortBy: { v: 1 },
            output: {
              rank: { $rank: {} },
              running: { $sum: 1, window: { documents: ['unbounded', 'current'] } },
            },
          },
        },
        { $sort: { running: 1 } },
      ])
      .toArray();
    assert.deepEqual(
      byValue.map((d) => [d._id === 5 ? 1 : d._id, d.rank]),
      [
        [4, 1],
        [2, 2],
        [1, 3],
        [1, 3],
        [3, 5],
      ],
    );
    const byText = await c
      .aggregate([
        { $setWindowFields: { sortBy: { s: 1 }, output: { n: { $documentNumber: {} } } } },
        { $sort: { n: 1 } },
      ])
      .toArray();
    assert.deepEqual(
      byText.map((d) => d._id),
      [4, 3, 5, 2, 1],
    );
  });

  it('computes range windows and derivatives over integral doubles and Longs', async () => {
    await c.insertMany([
      { _id: 1, t: new Double(1), v: new Double(10) },
      { _id: 2, t: 2, v: 14 },
      { _id: 3, t: Long.fromNumber(3), v: new Double(20) },
      { _id: 4, t: 4, v: 21 },
    ]);
    const rows = await c
      .aggregate([
        {
          $setWindowFields: {
            sortBy: { t: 1 },
            output: {
              slope: { $derivative: { input: '$v' }, window: { documents: [-1, 0] } },
              recent: { $sum: '$v', window: { range: [-1, 0] } },
            },
          },
        },
        { $project: { slope: 1, recent: 1, slopeType: { $type: '$slope' } } },
        { $sort: { _id: 1 } },
      ])
      .toArray();
    assert.deepEqual(
      rows.map((r) => [r._id, r.slope, r.recent]),
      [
        [1, null, 10],
        [2, 4, 24],
        [3, 6, 34],
        [4, 1, 41],
      ],
    );
    assert.equal(rows[1]?.slopeType, 'double');
  });

  it('refuses a window operator over a Decimal128 rather than compute it in doubles', async function () {
    if (!usingEmbeddedEngine()) this.skip(); // MongoDB computes it in decimal
    await c.insertMany([
      { _id: 1, t: 1, v: Decimal128.fromString('0.1') },
      { _id: 2, t: 2, v: Decimal128.fromString('0.3') },
    ]);
    await assert.rejects(
      c
        .aggregate([
          { $setWindowFields: { sortBy: { t: 1 }, output: { e: { $expMovingAvg: { input: '$v', N: 2 } } } } },
        ])
        .toArray(),
      (e: unknown) => e instanceof MongoServerError && e.code === 238,
    );
  });

  it('builds dates from parts with MongoDB defaults, carries and zones', async () => {
    await c.insertOne({ _id: 1, y: new Double(2026) });
    const [out] = await c
      .aggregate([
        {
          $project: {
            _id: 0,
            daysType: { $type: { $dateDiff: { startDate: '$$NOW', endDate: '$$NOW', unit: 'day' } } },
            yearOnly: { $dateFromParts: { year: '$y' } },
            carried: { $dateFromParts: { year: 2026, month: 14, day: 1 } },
            zoned: {
              $dateFromParts: { year: 2026, month: 7, day: 1, hour: 8, timezone: 'America/New_York' },
            },
            iso: { $dateFromParts: { isoWeekYear: 2026, isoWeek: 1, isoDayOfWeek: 1 } },
            days: {
              $dateDiff: {
                startDate: new Date('2026-03-01T00:00:00Z'),
                endDate: new Date('2026-03-04T12:00:00Z'),
                unit: 'day',
              },
            },
            added: {
              $dateAdd: {
                startDate: new Date('2026-03-01T00:00:00Z'),
                unit: 'day',
                amount: Long.fromNumber(2),
              },
            },
          },
        },
      ])
      .toArray();
    assert.deepEqual(out, {
      daysType: 'long',
      yearOnly: new Date('2026-01-01T00:00:00Z'),
      carried: new Date('2027-02-01T00:00:00Z'),
      zoned: new Date('2026-07-01T12:00:00Z'),
      iso: new Date('2025-12-29T00:00:00Z'),
      added: new Date('2026-03-03T00:00:00Z'),
      days: 3,
    });
  });

  it('refuses $toHashedIndexKey rather than answer a hash MongoDB would not', async function () {
    if (!usingEmbeddedEngine()) this.skip(); // a real MongoDB computes its own hashes
    await c.insertOne({ _id: 1 });
    await assert.rejects(
      c.aggregate([{ $project: { h: { $toHashedIndexKey: 'x' } } }]).toArray(),
      (e: unknown) => e instanceof MongoServerError && e.code === 238,
    );
  });
});
