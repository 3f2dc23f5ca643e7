// Conformance: query and projection semantics as MongoDB documents them, and the order results
// come in (field order, hint, UTF-8 string order), and $or served by indexes.
import assert from 'node:assert/strict';
import { Binary, type Collection, DBRef, type Document, MongoServerError } from 'mongodb';
import { openTestDb, type TestDb, usingEmbeddedEngine } from './support.ts';

describe('engine: query and projection semantics', () => {
  let t: TestDb;
  let c: Collection<any>;

  before(async () => {
    t = await openTestDb('query_semantics');
  });
  after(async () => {
    await t.close();
  });
  beforeEach(async () => {
    c = t.db.collection(`q_${Math.random().toString(36).slice(2, 8)}`);
  });

  const ids = async (filter: Document) =>
    (await c.find(filter).sort({ _id: 1 }).toArray()).map((d) => d._id as number);

  it('$all matches a field that holds the single value', async () => {
    await c.insertMany([
      { _id: 1, title: 'x' },
      { _id: 2, title: ['x', 'y'] },
      { _id: 3, title: 'y' },
    ]);
    assert.deepEqual(await ids({ title: { $all: ['x'] } }), [1, 2]);
    assert.deepEqual(await ids({ title: { $all: ['x', 'y'] } }), [2]);
    assert.deepEqual(await ids({ title: { $all: [] } }), []);
  });

  it('takes ICU locale names in collations', async () => {
    await c.insertMany([
      { _id: 1, name: 'apple' },
      { _id: 2, name: 'Apple' },
      { _id: 3, name: '中国' },
      { _id: 4, name: '北京' },
      { _id: 5, name: '阿里' },
    ]);
    assert.equal(
      await c.countDocuments({ name: 'APPLE' }, { collation: { locale: 'en_US', strength: 2 } }),
      2,
    );
    const chinese = await c
      .find({ _id: { $gte: 3 } })
      .sort({ name: 1 })
      .collation({ locale: 'zh_Hans' })
      .toArray();
    assert.deepEqual(
      chinese.map((d) => d.name),
      ['阿里', '北京', '中国'],
    );
    await assert.rejects(
      c.find({}).collation({ locale: 'no_such_LOCALE_x' }).toArray(),
      (e: unknown) => e instanceof MongoServerError && e.code === 2,
    );
  });

  it('makes case significant at strength 1 with caseLevel, accents still ignored', async () => {
    await c.insertMany([
      { _id: 1, name: 'resume' },
      { _id: 2, name: 'résumé' },
      { _id: 3, name: 'Resume' },
    ]);
    const collation = { locale: 'en', strength: 1, caseLevel: true };
    const found = await c.find({ name: 'resume' }).collation(collation).sort({ _id: 1 }).toArray();
    assert.deepEqual(
      found.map((d) => d._id),
      [1, 2],
    );
    assert.equal(await c.countDocuments({ name: 'resume' }, { collation: { locale: 'en', strength: 1 } }), 3);
  });

  it('refuses collation options it cannot follow rather than sort otherwise', async function () {
    if (!usingEmbeddedEngine()) this.skip(); // MongoDB follows them
    for (const collation of [
      { locale: 'fr', backwards: true },
      { locale: 'en', alternate: 'shifted', maxVariable: 'space' },
    ]) {
      await assert.rejects(
        c.find({}).collation(collation).toArray(),
        (e: unknown) => e instanceof MongoServerError && e.code === 238,
      );
    }
  });

  it('projects the first element matching an operator-only $elemMatch', async () => {
    await c.insertOne({ _id: 1, n: [1, 7, 9], other: 1 });
    const doc = await c.findOne({ _id: 1 }, { projection: { n: { $elemMatch: { $gt: 5 } } } });
    assert.deepEqual(doc, { _id: 1, n: [7] });
  });

  it('returns included fields in document order with _id first', async () => {
    await c.insertOne({ a: 1, q: 2, z: 3, _id: 5 });
    const doc = await c.findOne({}, { projection: { z: 1, q: 1 } });
    assert.deepEqual(Object.keys(doc ?? {}), ['_id', 'q', 'z']);
    const [agg] = await c.aggregate([{ $project: { z: 1, a: 1 } }]).toArray();
    assert.deepEqual(Object.keys(agg ?? {}), ['_id', 'a', 'z']);
  });

  it('returns documents in the order of the hinted index', async () => {
    await c.insertMany([
      { _id: 1, b: 3 },
      { _id: 2, b: 1 },
      { _id: 3, b: 2 },
    ]);
    await c.createIndex({ b: 1 });
    await c.createIndex({ b: -1, _id: 1 });
    const asc = await c.find({}).hint({ b: 1 }).toArray();
    assert.deepEqual(
      asc.map((d) => d.b),
      [1, 2, 3],
    );
    const desc = await c.find({}).hint('b_-1__id_1').toArray();
    assert.deepEqual(
      desc.map((d) => d.b),
      [3, 2, 1],
    );
  });

  it('applies $bits* operators to binary data', async () => {
    await c.insertMany([
      { _id: 1, bin: new Binary(Buffer.from([0b00000101, 0b10000000])) },
      { _id: 2, bin: new Binary(Buffer.from([0b00000001])) },
      { _id: 3, bin: 5 },
    ]);
    assert.deepEqual(await ids({ bin: { $bitsAllSet: [0, 2] } }), [1, 3]);
    assert.deepEqual(await ids({ bin: { $bitsAllSet: [15] } }), [1]);
    assert.deepEqual(await ids({ bin: { $bitsAnySet: [1, 15] } }), [1]);
    assert.deepEqual(await ids({ bin: { $bitsAllClear: [2] } }), [2]);
    assert.deepEqual(await ids({ bin: { $bitsAnyClear: [0, 2] } }), [2]);
  });

  it('matches a DBRef by $ref and $id inside $elemMatch', async () => {
    await c.insertMany([
      { _id: 1, refs: [new DBRef('people', 10 as any), new DBRef('people', 11 as any)] },
      { _id: 2, refs: [new DBRef('places', 11 as any)] },
    ]);
    assert.deepEqual(await ids({ refs: { $elemMatch: { $id: 11 } } }), [1, 2]);
    assert.deepEqual(await ids({ refs: { $elemMatch: { $ref: 'people', $id: 11 } } }), [1]);
    assert.deepEqual(await ids({ 'refs.$id': 10 }), [1]);
  });

  it('orders strings by their UTF-8 bytes under the simple collation', async () => {
    // U+FF61 sorts before U+1F600 in UTF-8 (EF BD A1 < F0 9F 98 80), after it in UTF-16 units.
    await c.insertMany([
      { _id: 1, s: '😀' },
      { _id: 2, s: '｡' },
      { _id: 3, s: 'a' },
    ]);
    const sorted = async () => (await c.find({}).sort({ s: 1 }).toArray()).map((d) => d._id);
    assert.deepEqual(await sorted(), [3, 2, 1]);
    assert.deepEqual(await ids({ s: { $gt: '｡' } }), [1]);
    await c.createIndex({ s: 1 });
    assert.deepEqual(await sorted(), [3, 2, 1]);
    assert.deepEqual(await ids({ s: { $gt: '｡' } }), [1]);
    assert.deepEqual(await ids({ s: { $lt: '😀' } }), [2, 3]);
  });

  it('refuses an invalid filter on a collection that does not exist', async () => {
    const missing = t.db.collection('no_such_collection');
    await assert.rejects(
      missing.find({ a: { $bogus: 1 } }).toArray(),
      (e: unknown) => e instanceof MongoServerError && e.code === 2,
    );
    await assert.rejects(
      missing.countDocuments({ $and: 'x' } as any),
      (e: unknown) => e instanceof MongoServerError && e.code === 2,
    );
  });

  it('serves an $or from the indexes of its branches', async () => {
    await c.insertMany(Array.from({ length: 3000 }, (_, i) => ({ _id: i, a: i, b: -i, pad: 'x' })));
    await c.createIndex({ a: 1 });
    await c.createIndex({ b: 1 });
    const scanned = async () => {
      const status = await t.client.db('admin').command({ serverStatus: 1 });
      return Number(status.metrics.queryExecutor.scannedObjects);
    };
    const before = await scanned();
    const found = await c.find({ $or: [{ a: 5 }, { b: -7 }, { a: { $gte: 2998 } }] }).toArray();
    const examined = (await scanned()) - before;
    assert.deepEqual(
      found.map((d) => d._id).sort((x, y) => x - y),
      [5, 7, 2998, 2999],
    );
    assert.ok(examined < 100, `examined ${examined} documents for an indexed $or`);
  });
});
