// Conformance: CRUD and the query/update operators the app and its libraries use.
import assert from 'node:assert/strict';
import { type Collection, type Document, MongoServerError, ObjectId } from 'mongodb';
import { openTestDb, type TestDb } from './support.ts';

describe('engine: CRUD with the official driver', () => {
  let t: TestDb;
  let c: Collection<any>;

  before(async () => {
    t = await openTestDb('crud');
  });
  after(async () => {
    await t.close();
  });
  beforeEach(async () => {
    c = t.db.collection(`items_${Math.random().toString(36).slice(2, 8)}`);
  });

  it('inserts with a generated ObjectId _id and finds by _id', async () => {
    const { insertedId } = await c.insertOne({ name: 'a', n: 1 });
    assert.ok(insertedId instanceof ObjectId);
    const doc = await c.findOne({ _id: insertedId });
    assert.deepEqual(doc, { _id: insertedId, name: 'a', n: 1 });
    assert.equal(await c.findOne({ _id: new ObjectId() }), null);
  });

  it('keeps value types: dates, nested documents, arrays, null, booleans, strings _id', async () => {
    const when = new Date('2026-03-01T09:30:00.000Z');
    await c.insertOne({
      _id: 'key-1' as any,
      when,
      nested: { a: [1, { b: 'x' }] },
      none: null,
      yes: true,
      f: 1.5,
    });
    const doc = await c.findOne({ _id: 'key-1' as any });
    assert.deepEqual(doc, {
      _id: 'key-1',
      when,
      nested: { a: [1, { b: 'x' }] },
      none: null,
      yes: true,
      f: 1.5,
    });
  });

  it('matches comparison, logical, element, array and regex operators', async () => {
    await c.insertMany([
      { _id: 1 as any, n: 1, tags: ['a', 'b'], name: 'Alice', at: new Date(1000), items: [{ k: 1, v: 'x' }] },
      { _id: 2 as any, n: 2, tags: ['b'], name: 'bob', at: new Date(2000), items: [{ k: 2, v: 'y' }] },
      { _id: 3 as any, n: 3, name: 'Carol', extra: null },
      { _id: 4 as any, n: 'four' },
    ]);
    const ids = async (filter: Document) =>
      (await c.find(filter).sort({ _id: 1 }).toArray()).map((d) => d._id as unknown as number);
    assert.deepEqual(await ids({ n: { $gt: 1 } }), [2, 3]);
    assert.deepEqual(await ids({ n: { $gte: 1, $lt: 3 } }), [1, 2]);
    assert.deepEqual(await ids({ n: { $lte: 2 } }), [1, 2]);
    assert.deepEqual(await ids({ n: { $in: [1, 3, 'four'] } }), [1, 3, 4]);
    assert.deepEqual(await ids({ n: { $nin: [1, 3] } }), [2, 4]);
    assert.deepEqual(await ids({ n: { $ne: 2 } }), [1, 3, 4]);
    assert.deepEqual(await ids({ tags: 'b' }), [1, 2]);
    assert.deepEqual(await ids({ tags: { $all: ['a', 'b'] } }), [1]);
    assert.deepEqual(await ids({ tags: { $size: 1 } }), [2]);
    assert.deepEqual(await ids({ tags: { $exists: false } }), [3, 4]);
    assert.deepEqual(await ids({ extra: null }), [1, 2, 3, 4]);
    assert.deepEqual(await ids({ extra: { $type: 'null' } }), [3]);
    assert.deepEqual(await ids({ n: { $type: 'string' } }), [4]);
    assert.deepEqual(await ids({ $or: [{ n: 1 }, { name: 'Carol' }] }), [1, 3]);
    assert.deepEqual(await ids({ $and: [{ n: { $gt: 1 } }, { n: { $lt: 3 } }] }), [2]);
    assert.deepEqual(await ids({ $nor: [{ n: 1 }, { n: 2 }] }), [3, 4]);
    assert.deepEqual(await ids({ n: { $not: { $gt: 1 } } }), [1, 4]);
    assert.deepEqual(await ids({ name: /^[ab]/i }), [1, 2]);
    assert.deepEqual(await ids({ name: { $regex: 'ol$' } }), [3]);
    assert.deepEqual(await ids({ at: { $lte: new Date(1500) } }), [1]);
    assert.deepEqual(await ids({ 'items.k': 2 }), [2]);
    assert.deepEqual(await ids({ items: { $elemMatch: { k: 1, v: 'x' } } }), [1]);
    assert.deepEqual(await ids({ $expr: { $gt: ['$n', 2] } }), [3, 4]);
  });

  it('compares scalars, arrays and sub-documents alike in simple filters', async () => {
    await c.insertMany([
      { _id: 1, v: 5 },
      { _id: 2, v: [1, 9] },
      { _id: 3, v: { x: 1 } },
      { _id: 4 },
      { _id: 5, v: null },
      { _id: 6, v: '7' },
      { _id: 7, v: new Date(5) },
    ]);
    const ids = async (filter: Document) =>
      (await c.find(filter).sort({ _id: 1 }).toArray()).map((d) => d._id as unknown as number);
    assert.deepEqual(await ids({ v: { $gt: 4 } }), [1, 2]);
    assert.deepEqual(await ids({ v: { $gt: 4, $lt: 6 } }), [1, 2]);
    assert.deepEqual(await ids({ v: { $lt: 2 } }), [2]);
    assert.deepEqual(await ids({ v: 9 }), [2]);
    assert.deepEqual(await ids({ v: { $ne: 5 } }), [2, 3, 4, 5, 6, 7]);
    assert.deepEqual(await ids({ v: { $in: [9, '7'] } }), [2, 6]);
    assert.deepEqual(await ids({ v: { x: 1 } }), [3]);
    assert.deepEqual(await ids({ v: { $gte: new Date(0) } }), [7]);
    assert.deepEqual(await ids({ _id: { $gt: 2 }, v: { $ne: null } }), [3, 6, 7]);
  });

  it('sorts, skips, limits and projects', async () => {
    await c.insertMany([3, 1, 4, 1, 5, 9, 2, 6].map((n, i) => ({ i, n, sub: { x: n * 10 }, drop: true })));
    const docs = await c
      .find({}, { projection: { _id: 0, n: 1, 'sub.x': 1 } })
      .sort({ n: -1, i: 1 })
      .skip(1)
      .limit(3)
      .toArray();
    assert.deepEqual(docs, [
      { n: 6, sub: { x: 60 } },
      { n: 5, sub: { x: 50 } },
      { n: 4, sub: { x: 40 } },
    ]);
    const excluded = await c.findOne({ n: 9 }, { projection: { drop: 0, sub: 0 } });
    assert.deepEqual(Object.keys(excluded ?? {}).sort(), ['_id', 'i', 'n']);
  });

  it('sorts mixed types in BSON order', async () => {
    await c.insertMany([
      { v: 'b' },
      { v: 2 },
      { v: null },
      { v: new Date(0) },
      { v: true },
      { v: { o: 1 } },
      {},
    ]);
    const order = (
      await c
        .find({}, { projection: { _id: 0 } })
        .sort({ v: 1 })
        .toArray()
    ).map((d) => d.v);
    assert.deepEqual(order.slice(2), [2, 'b', { o: 1 }, true, new Date(0)]);
    assert.deepEqual(
      order.slice(0, 2).map((v) => v ?? null),
      [null, null],
    );
  });

  it('applies update operators', async () => {
    const { insertedId: _id } = await c.insertOne({
      n: 5,
      m: 2,
      lo: 10,
      hi: 10,
      old: 'x',
      gone: 1,
      list: [3, 1],
      set: ['a'],
      pull: [1, 2, 3, 2],
      pop: [1, 2, 3],
    });
    const update: Document = {
      $inc: { n: 2, fresh: 1 },
      $mul: { m: 3 },
      $min: { lo: 5 },
      $max: { hi: 20 },
      $rename: { old: 'renamed' },
      $unset: { gone: '' },
      $push: { list: { $each: [5, 2], $sort: 1, $slice: -3 } },
      $addToSet: { set: { $each: ['a', 'b'] } },
      $pull: { pull: 2 },
      $pop: { pop: -1 },
      $set: { 'deep.path': 'y' },
      $currentDate: { touched: true },
    };
    const res = await c.updateOne({ _id }, update);
    assert.equal(res.matchedCount, 1);
    assert.equal(res.modifiedCount, 1);
    const doc = await c.findOne({ _id });
    assert.ok(doc);
    assert.equal(doc.n, 7);
    assert.equal(doc.fresh, 1);
    assert.equal(doc.m, 6);
    assert.equal(doc.lo, 5);
    assert.equal(doc.hi, 20);
    assert.equal(doc.renamed, 'x');
    assert.equal('old' in doc, false);
    assert.equal('gone' in doc, false);
    assert.deepEqual(doc.list, [2, 3, 5]);
    assert.deepEqual(doc.set, ['a', 'b']);
    assert.deepEqual(doc.pull, [1, 3]);
    assert.deepEqual(doc.pop, [2, 3]);
    assert.deepEqual(doc.deep, { path: 'y' });
    assert.ok(doc.touched instanceof Date);
  });

  it('reports modifiedCount 0 when a $set changes nothing, and allows setting _id to itself', async () => {
    const { insertedId: _id } = await c.insertOne({ a: 1 });
    const res = await c.updateOne({ _id }, { $set: { a: 1, _id } });
    assert.equal(res.matchedCount, 1);
    assert.equal(res.modifiedCount, 0);
  });

  it('pushes with $each/$slice onto a missing field', async () => {
    const { insertedId: _id } = await c.insertOne({});
    const push: Document = { $push: { log: { $each: [1, 2, 3], $slice: -2 } } };
    await c.updateOne({ _id }, push);
    assert.deepEqual((await c.findOne({ _id }))?.log, [2, 3]);
  });

  it('updates array elements with arrayFilters and the positional operator', async () => {
    const { insertedId: _id } = await c.insertOne({
      seats: [
        { n: 1, free: 2 },
        { n: 2, free: 0 },
        { n: 3, free: 5 },
      ],
    });
    await c.updateOne(
      { _id },
      { $inc: { 'seats.$[s].free': -1 } },
      { arrayFilters: [{ 's.free': { $gt: 0 } }] },
    );
    await c.updateOne({ _id, 'seats.n': 2 }, { $set: { 'seats.$.label': 'two' } });
    const doc = await c.findOne({ _id });
    assert.deepEqual(doc?.seats, [
      { n: 1, free: 1 },
      { n: 2, free: 0, label: 'two' },
      { n: 3, free: 4 },
    ]);
  });

  it('upserts with $setOnInsert and fields from the filter', async () => {
    const first = await c.updateOne(
      { day: '2026-05-20', office: 'east' },
      { $inc: { booked: 1 }, $setOnInsert: { capacity: 10 } },
      { upsert: true },
    );
    assert.equal(first.upsertedCount, 1);
    assert.ok(first.upsertedId instanceof ObjectId);
    const second = await c.updateOne(
      { day: '2026-05-20', office: 'east' },
      { $inc: { booked: 1 }, $setOnInsert: { capacity: 99 } },
      { upsert: true },
    );
    assert.equal(second.upsertedCount, 0);
    assert.equal(second.modifiedCount, 1);
    const doc = await c.findOne({ day: '2026-05-20' }, { projection: { _id: 0 } });
    assert.deepEqual(doc, { day: '2026-05-20', office: 'east', booked: 2, capacity: 10 });
    const withId = await c.updateOne({ _id: 'fixed' as any }, { $set: { v: 1 } }, { upsert: true });
    assert.equal(withId.upsertedId, 'fixed');
  });

  it('replaces documents and runs pipeline updates', async () => {
    const { insertedId: _id } = await c.insertOne({ a: 1, b: 2 });
    const r = await c.replaceOne({ _id }, { c: 3 });
    assert.equal(r.modifiedCount, 1);
    assert.deepEqual(await c.findOne({ _id }), { _id, c: 3 });
    await c.updateOne({ _id }, [{ $set: { d: { $add: ['$c', 1] } } }, { $unset: 'c' }]);
    assert.deepEqual(await c.findOne({ _id }), { _id, d: 4 });
    const up = await c.replaceOne({ key: 'k' }, { key: 'k', v: 1 }, { upsert: true });
    assert.equal(up.upsertedCount, 1);
  });

  it('updates many and deletes one or many', async () => {
    await c.insertMany([{ g: 1 }, { g: 1 }, { g: 2 }, { g: 2 }, { g: 2 }]);
    const u = await c.updateMany({ g: 2 }, { $set: { seen: true } });
    assert.equal(u.matchedCount, 3);
    assert.equal(u.modifiedCount, 3);
    assert.equal((await c.deleteOne({ g: 1 })).deletedCount, 1);
    assert.equal((await c.deleteMany({ g: 2 })).deletedCount, 3);
    assert.equal(await c.countDocuments(), 1);
  });

  it('findOneAndUpdate / Replace / Delete with sort, projection, returnDocument and upsert', async () => {
    await c.insertMany([
      { q: 'x', p: 1 },
      { q: 'x', p: 3 },
      { q: 'x', p: 2 },
    ]);
    const before = await c.findOneAndUpdate({ q: 'x' }, { $set: { taken: true } }, { sort: { p: -1 } });
    assert.equal(before?.p, 3);
    assert.equal(before?.taken, undefined);
    const after = await c.findOneAndUpdate(
      { q: 'x', taken: { $exists: false } },
      { $set: { taken: true } },
      { sort: { p: 1 }, returnDocument: 'after', projection: { _id: 0, p: 1, taken: 1 } },
    );
    assert.deepEqual(after, { p: 1, taken: true });
    assert.equal(await c.findOneAndUpdate({ q: 'none' }, { $set: { a: 1 } }), null);
    const raw = await c.findOneAndUpdate({ q: 'none' }, { $set: { a: 1 } }, { includeResultMetadata: true });
    assert.equal(raw.value, null);
    assert.equal(raw.lastErrorObject?.n, 0);
    const created = await c.findOneAndUpdate(
      { q: 'new' },
      { $set: { a: 1 } },
      { upsert: true, returnDocument: 'after', includeResultMetadata: true },
    );
    assert.equal(created.value?.q, 'new');
    assert.equal(created.lastErrorObject?.updatedExisting, false);
    assert.ok(created.lastErrorObject?.upserted);
    const replaced = await c.findOneAndReplace({ q: 'new' }, { q: 'newer' }, { returnDocument: 'after' });
    assert.equal(replaced?.q, 'newer');
    const removed = await c.findOneAndDelete({ q: 'x' }, { sort: { p: 1 } });
    assert.equal(removed?.p, 1);
    assert.equal(await c.countDocuments({ q: 'x' }), 2);
  });

  it('counts and lists distinct values', async () => {
    await c.insertMany([{ k: 'a', t: [1, 2] }, { k: 'b', t: [2, 3] }, { k: 'a' }]);
    assert.equal(await c.countDocuments({ k: 'a' }), 2);
    assert.equal(await c.countDocuments({}, { limit: 2 }), 2);
    assert.equal(await c.estimatedDocumentCount(), 3);
    assert.deepEqual((await c.distinct('k')).sort(), ['a', 'b']);
    assert.deepEqual((await c.distinct('t')).sort(), [1, 2, 3]);
    assert.deepEqual(await c.distinct('k', { t: 3 }), ['b']);
  });

  it('matches and sorts strings under a case-insensitive collation', async () => {
    await c.insertMany([{ name: 'Émile' }, { name: 'emile' }, { name: 'Zoe' }, { name: 'adam' }]);
    const collation = { locale: 'fr', strength: 2 } as const;
    assert.equal(await c.countDocuments({ name: 'EMILE' }, { collation: { locale: 'en', strength: 1 } }), 2);
    assert.equal(await c.countDocuments({ name: 'EMILE' }, { collation }), 1);
    const sorted = (await c.find({}).sort({ name: 1 }).collation(collation).toArray()).map((d) => d.name);
    assert.deepEqual(sorted, ['adam', 'emile', 'Émile', 'Zoe']);
  });

  it('runs aggregation pipelines, $lookup, $out and $merge', async () => {
    const orders = t.db.collection('agg_orders');
    const people = t.db.collection('agg_people');
    await orders.deleteMany({});
    await people.deleteMany({});
    await people.insertMany([
      { _id: 1 as any, name: 'ann' },
      { _id: 2 as any, name: 'ben' },
    ]);
    await orders.insertMany([
      { who: 1, amount: 5 },
      { who: 1, amount: 7 },
      { who: 2, amount: 1 },
    ]);
    const totals = await orders
      .aggregate([
        { $match: { amount: { $gt: 0 } } },
        { $group: { _id: '$who', total: { $sum: '$amount' }, n: { $sum: 1 } } },
        { $lookup: { from: 'agg_people', localField: '_id', foreignField: '_id', as: 'person' } },
        { $unwind: '$person' },
        { $project: { _id: 0, name: '$person.name', total: 1, n: 1 } },
        { $sort: { total: -1 } },
      ])
      .toArray();
    assert.deepEqual(totals, [
      { total: 12, n: 2, name: 'ann' },
      { total: 1, n: 1, name: 'ben' },
    ]);
    await orders
      .aggregate([{ $group: { _id: '$who', total: { $sum: '$amount' } } }, { $out: 'agg_totals' }])
      .toArray();
    const out = await t.db.collection('agg_totals').find().sort({ _id: 1 }).toArray();
    assert.deepEqual(out, [
      { _id: 1, total: 12 },
      { _id: 2, total: 1 },
    ]);
    await orders
      .aggregate([
        { $match: { who: 2 } },
        { $project: { _id: '$who', extra: '$amount' } },
        { $merge: { into: 'agg_totals' } },
      ])
      .toArray();
    assert.deepEqual(await t.db.collection('agg_totals').findOne({ _id: 2 as any }), {
      _id: 2,
      total: 1,
      extra: 1,
    });
  });

  it('answers errors in MongoDB shapes', async () => {
    await c.insertOne({ _id: 1 as any, s: 'text' });
    await assert.rejects(c.find({ a: { $bogus: 1 } }).toArray(), (e: MongoServerError) => e.code === 2);
    await assert.rejects(
      c.updateOne({ _id: 1 as any }, { $set: { _id: 2 } }),
      (e: MongoServerError) => e.code === 66,
    );
    await assert.rejects(
      c.updateOne({ _id: 1 as any }, { $inc: { s: 1 } }),
      (e: MongoServerError) => e.code === 14,
    );
    await assert.rejects(
      t.db.command({ update: c.collectionName, updates: [{ q: {}, u: { $bogus: { a: 1 } } }] }).then((r) => {
        if (r.writeErrors) throw new MongoServerError(r.writeErrors[0]);
        return r;
      }),
      (e: MongoServerError) => e.code === 9,
    );
    await assert.rejects(
      t.db.command({ noSuchCommand: 1 }),
      (e: MongoServerError) => e.code === 59 && e.codeName === 'CommandNotFound',
    );
    await assert.rejects(
      c.aggregate([{ $bogusStage: {} }]).toArray(),
      (e: MongoServerError) => e.code === 40324,
    );
  });

  it('stops an ordered insert at the first error and goes on when unordered', async () => {
    await assert.rejects(
      c.insertMany([{ _id: 1 as any }, { _id: 1 as any }, { _id: 2 as any }]),
      (e: MongoServerError) => e.code === 11000,
    );
    assert.equal(await c.countDocuments(), 1);
    await assert.rejects(
      c.insertMany([{ _id: 1 as any }, { _id: 3 as any }, { _id: 3 as any }, { _id: 4 as any }], {
        ordered: false,
      }),
      (e: any) => e.code === 11000 && e.writeErrors.length === 2,
    );
    assert.equal(await c.countDocuments(), 3);
  });
});
