// Conformance: aggregation operators and stages the engine must answer as MongoDB does: dates in
// time zones, $lookup with join keys and a pipeline, $setWindowFields, $range.
import assert from 'node:assert/strict';
import { type Collection, type Document, MongoServerError } from 'mongodb';
import { openTestDb, type TestDb } from './support.ts';

describe('engine: aggregation', () => {
  let t: TestDb;
  let c: Collection<any>;

  before(async () => {
    t = await openTestDb('aggregation');
  });
  after(async () => {
    await t.close();
  });
  beforeEach(async () => {
    c = t.db.collection(`a_${Math.random().toString(36).slice(2, 8)}`);
  });

  /** Evaluates expressions against one document. */
  async function project(doc: Document, expressions: Document): Promise<Document> {
    await c.insertOne({ _id: 1, ...doc });
    const [out] = await c.aggregate([{ $project: { _id: 0, ...expressions } }]).toArray();
    await c.deleteMany({});
    return out ?? {};
  }

  it('truncates dates in a time zone, half-hour offsets included', async () => {
    const out = await project(
      {
        d: new Date('2026-03-01T16:30:00Z'),
        k: new Date('2026-03-01T10:45:00Z'),
        m: new Date('2026-03-01T16:44:00Z'),
      },
      {
        day: { $dateTrunc: { date: '$d', unit: 'day', timezone: 'Asia/Shanghai' } },
        dayUtc: { $dateTrunc: { date: '$d', unit: 'day' } },
        hour: { $dateTrunc: { date: '$k', unit: 'hour', timezone: 'Asia/Kolkata' } },
        week: { $dateTrunc: { date: '$d', unit: 'week', timezone: 'Asia/Shanghai', startOfWeek: 'monday' } },
        month: { $dateTrunc: { date: '$d', unit: 'month', timezone: 'Asia/Shanghai' } },
        quarter: { $dateTrunc: { date: '$m', unit: 'minute', binSize: 15 } },
      },
    );
    assert.deepEqual(out, {
      day: new Date('2026-03-01T16:00:00Z'),
      dayUtc: new Date('2026-03-01T00:00:00Z'),
      hour: new Date('2026-03-01T10:30:00Z'),
      week: new Date('2026-03-01T16:00:00Z'),
      month: new Date('2026-02-28T16:00:00Z'),
      quarter: new Date('2026-03-01T16:30:00Z'),
    });
  });

  it('numbers weeks from the first Sunday ($week) and by ISO 8601 ($isoWeek)', async () => {
    const out = await project(
      {
        a: new Date('2026-01-01T12:00:00Z'),
        b: new Date('2026-01-04T12:00:00Z'),
        c: new Date('2026-03-02T12:00:00Z'),
        z: new Date('2026-01-03T20:00:00Z'),
      },
      {
        a: { $week: '$a' },
        b: { $week: '$b' },
        c: { $week: '$c' },
        iso: { $isoWeek: '$c' },
        zoned: { $week: { date: '$z', timezone: 'Asia/Shanghai' } },
      },
    );
    assert.deepEqual(out, { a: 0, b: 1, c: 9, iso: 10, zoned: 1 });
  });

  it('parses date strings with a space, in a time zone and with an offset', async () => {
    const out = await project(
      {},
      {
        plain: { $dateFromString: { dateString: '2026-03-02 08:00' } },
        zoned: { $dateFromString: { dateString: '2026-03-02 08:00', timezone: 'Asia/Shanghai' } },
        offset: { $dateFromString: { dateString: '2026-03-02T08:00:00+05:30' } },
        bad: { $dateFromString: { dateString: 'not a date', onError: 'bad' } },
        shown: {
          $dateToString: {
            date: { $toDate: '2026-03-01T10:45:00Z' },
            format: '%Y-%m-%d %H:%M',
            timezone: 'Asia/Kolkata',
          },
        },
      },
    );
    assert.deepEqual(out, {
      plain: new Date('2026-03-02T08:00:00Z'),
      zoned: new Date('2026-03-02T00:00:00Z'),
      offset: new Date('2026-03-02T02:30:00Z'),
      bad: 'bad',
      shown: '2026-03-01 16:15',
    });
  });

  it('$lookup joins by localField/foreignField and then runs its pipeline', async () => {
    const stock = t.db.collection(`${c.collectionName}_stock`);
    await stock.insertMany([
      { sku: 'a', wh: 'x', n: 5 },
      { sku: 'a', wh: 'y', n: 1 },
      { sku: 'b', wh: 'x', n: 3 },
    ]);
    await c.insertMany([
      { _id: 1, item: 'a', qty: 2 },
      { _id: 2, item: 'b', qty: 4 },
      { _id: 3, item: 'c', qty: 1 },
    ]);
    const rows = await c
      .aggregate([
        {
          $lookup: {
            from: stock.collectionName,
            localField: 'item',
            foreignField: 'sku',
            let: { q: '$qty' },
            pipeline: [{ $match: { $expr: { $gte: ['$n', '$$q'] } } }, { $project: { _id: 0, wh: 1 } }],
            as: 'where',
          },
        },
        { $sort: { _id: 1 } },
      ])
      .toArray();
    assert.deepEqual(
      rows.map((r) => [r._id, r.where]),
      [
        [1, [{ wh: 'x' }]],
        [2, []],
        [3, []],
      ],
    );
  });

  it('computes $setWindowFields running sums and ranks per partition', async () => {
    await c.insertMany([
      { g: 'a', n: 1 },
      { g: 'a', n: 3 },
      { g: 'a', n: 2 },
      { g: 'b', n: 10 },
    ]);
    const rows = await c
      .aggregate([
        {
          $setWindowFields: {
            partitionBy: '$g',
            sortBy: { n: 1 },
            output: {
              run: { $sum: '$n', window: { documents: ['unbounded', 'current'] } },
              rank: { $rank: {} },
            },
          },
        },
        { $sort: { g: 1, n: 1 } },
        { $project: { _id: 0, g: 1, n: 1, run: 1, rank: 1 } },
      ])
      .toArray();
    assert.deepEqual(rows, [
      { g: 'a', n: 1, run: 1, rank: 1 },
      { g: 'a', n: 2, run: 3, rank: 2 },
      { g: 'a', n: 3, run: 6, rank: 3 },
      { g: 'b', n: 10, run: 10, rank: 1 },
    ]);
  });

  it('builds $range arrays and refuses one too large for memory (146)', async () => {
    const out = await project({}, { r: { $range: [0, 10, 3] }, down: { $range: [3, 0, -1] } });
    assert.deepEqual(out, { r: [0, 3, 6, 9], down: [3, 2, 1] });
    await c.insertOne({ _id: 1 });
    await assert.rejects(
      c.aggregate([{ $project: { r: { $range: [0, 30_000_000] } } }]).toArray(),
      (e: unknown) => e instanceof MongoServerError && e.code === 146,
    );
  });
});
