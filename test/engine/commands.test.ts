// Conformance: the less common commands and options the libraries or an operator may use.
import assert from 'node:assert/strict';
import { Binary, type Collection, type Document, MongoServerError, Timestamp } from 'mongodb';
import { openTestDb, type TestDb, usingEmbeddedEngine } from './support.ts';

describe('engine: more commands and options', () => {
  let t: TestDb;
  let c: Collection<any>;

  before(async () => {
    t = await openTestDb('commands');
  });
  after(async () => {
    await t.close();
  });
  beforeEach(async () => {
    c = t.db.collection(`cmd_${Math.random().toString(36).slice(2, 8)}`);
  });

  it('projects with $slice, $elemMatch and the positional $', async () => {
    await c.insertOne({
      _id: 1,
      list: [1, 2, 3, 4],
      people: [
        { n: 'a', age: 3 },
        { n: 'b', age: 7 },
      ],
    });
    assert.deepEqual(await c.findOne({ _id: 1 }, { projection: { list: { $slice: 2 }, people: 0 } }), {
      _id: 1,
      list: [1, 2],
    });
    assert.deepEqual(await c.findOne({ _id: 1 }, { projection: { list: { $slice: [-3, 2] }, people: 0 } }), {
      _id: 1,
      list: [2, 3],
    });
    const sliced = await c.findOne({ _id: 1 }, { projection: { list: { $slice: -1 } } });
    assert.deepEqual(sliced?.list, [4]);
    assert.equal(sliced?.people.length, 2);
    assert.deepEqual(
      await c.findOne({ _id: 1 }, { projection: { people: { $elemMatch: { age: { $gt: 5 } } }, _id: 0 } }),
      {
        people: [{ n: 'b', age: 7 }],
      },
    );
    assert.deepEqual(await c.findOne({ 'people.n': 'a' }, { projection: { 'people.$': 1, _id: 0 } }), {
      people: [{ n: 'a', age: 3 }],
    });
  });

  it('applies a collection default collation to queries and new indexes', async () => {
    const name = `${c.collectionName}_ci`;
    await t.db.createCollection(name, { collation: { locale: 'en', strength: 2 } });
    const ci = t.db.collection(name);
    await ci.createIndex({ email: 1 }, { unique: true });
    const [ix] = (await ci.listIndexes().toArray()).filter((i) => i.name === 'email_1');
    assert.equal(ix?.collation?.strength, 2);
    await ci.insertOne({ email: 'Ann@Example.org' });
    await assert.rejects(
      ci.insertOne({ email: 'ann@example.ORG' }),
      (e: MongoServerError) => e.code === 11000,
    );
    assert.equal(await ci.countDocuments({ email: 'ANN@EXAMPLE.ORG' }), 1);
    assert.equal(
      await ci.countDocuments({ email: 'ANN@EXAMPLE.ORG' }, { collation: { locale: 'simple' } }),
      0,
    );
  });

  it('reports database and collection statistics', async () => {
    await c.insertMany([{ a: 1 }, { a: 2 }]);
    const dbStats = await t.db.stats();
    assert.ok(dbStats.collections >= 1);
    assert.ok(dbStats.objects >= 2);
    const collStats = await t.db.command({ collStats: c.collectionName });
    assert.equal(collStats.count, 2);
    assert.ok(collStats.nindexes >= 1);
  });

  it('changes a TTL with collMod', async () => {
    await c.createIndex({ at: 1 }, { expireAfterSeconds: 100 });
    const r = await t.db.command({
      collMod: c.collectionName,
      index: { keyPattern: { at: 1 }, expireAfterSeconds: 200 },
    });
    assert.equal(r.expireAfterSeconds_new, 200);
    const ix = (await c.listIndexes().toArray()).find((i) => i.name === 'at_1');
    assert.equal(ix?.expireAfterSeconds, 200);
  });

  it('hides and unhides an index with collMod; a hidden unique index still enforces uniqueness', async () => {
    await c.insertMany([
      { _id: 1, a: 1 },
      { _id: 2, a: 2 },
    ]);
    await c.createIndex({ a: 1 }, { unique: true });
    const r = await t.db.command({
      collMod: c.collectionName,
      index: { keyPattern: { a: 1 }, hidden: true },
    });
    assert.equal(r.hidden_old, false);
    assert.equal(r.hidden_new, true);
    const ix = (await c.listIndexes().toArray()).find((i) => i.name === 'a_1');
    assert.equal(ix?.hidden, true);
    await assert.rejects(c.find({ a: 1 }).hint({ a: 1 }).toArray(), MongoServerError);
    assert.equal(await c.countDocuments({ a: 2 }), 1);
    await assert.rejects(c.insertOne({ a: 1 }), (e: MongoServerError) => e.code === 11000);
    const back = await t.db.command({ collMod: c.collectionName, index: { name: 'a_1', hidden: false } });
    assert.equal(back.hidden_new, false);
    assert.equal((await c.find({ a: 1 }).hint({ a: 1 }).toArray()).length, 1);
    await assert.rejects(
      t.db.command({ collMod: c.collectionName, bogusOption: 1 }),
      (e: MongoServerError) => e.code === 72,
    );
  });

  it('engine only: refuses document validators in collMod as not implemented, changing nothing', async function () {
    if (!usingEmbeddedEngine()) this.skip();
    await c.insertOne({ a: 1 });
    await assert.rejects(
      t.db.command({ collMod: c.collectionName, validator: { a: { $type: 'string' } } }),
      (e: MongoServerError) => e.code === 238 && /validat/.test(e.message),
    );
    await c.insertOne({ a: 2 });
    assert.equal(await c.countDocuments(), 2);
  });

  it('gets and sets server parameters', async () => {
    const admin = t.client.db('admin');
    const got = await admin.command({ getParameter: 1, ttlMonitorSleepSecs: 1 });
    assert.equal(typeof got.ttlMonitorSleepSecs, 'number');
    const set = await admin.command({ setParameter: 1, ttlMonitorSleepSecs: got.ttlMonitorSleepSecs });
    assert.equal(set.was, got.ttlMonitorSleepSecs);
    await assert.rejects(admin.command({ setParameter: 1 }), (e: MongoServerError) => e.code === 2);
  });

  it('answers diagnostics commands', async () => {
    const admin = t.client.db('admin');
    assert.ok((await admin.command({ hostInfo: 1 })).system);
    assert.ok((await admin.command({ whatsmyuri: 1 })).you);
    assert.ok((await admin.command({ getCmdLineOpts: 1 })).argv);
    assert.ok((await admin.command({ connectionStatus: 1 })).authInfo);
    assert.ok((await admin.command({ listCommands: 1 })).commands.find);
    assert.ok(Array.isArray((await admin.command({ currentOp: 1 })).inprog));
    assert.equal((await admin.command({ fsync: 1 })).ok, 1);
    assert.ok(Array.isArray((await admin.command({ getLog: 'startupWarnings' })).log));
  });

  it('rejects bad write statements in MongoDB shapes', async () => {
    await c.insertOne({ _id: 1, a: 1 });
    const multiReplace = await t.db.command({
      update: c.collectionName,
      updates: [{ q: {}, u: { b: 1 }, multi: true }],
    });
    assert.equal(multiReplace.writeErrors?.[0]?.code, 9);
    await assert.rejects(
      t.db.command({ findAndModify: c.collectionName, query: {}, remove: true, update: { $set: { a: 2 } } }),
      (e: MongoServerError) => e.code === 9,
    );
    await assert.rejects(
      t.db.command({ findAndModify: c.collectionName, query: {} }),
      (e: MongoServerError) => e.code === 9,
    );
    const badLimit = await t.db
      .command({ delete: c.collectionName, deletes: [{ q: {}, limit: 5 }] })
      .catch((e) => e);
    assert.ok(badLimit instanceof MongoServerError || badLimit.writeErrors?.length === 1);
    await assert.rejects(c.insertOne({ _id: [1, 2] }), (e: MongoServerError) => e.code === 53);
    await assert.rejects(c.replaceOne({ _id: 1 }, { _id: 2, a: 1 }), (e: MongoServerError) => e.code === 66);
    const pushOnNumber: Document = { $push: { a: 1 } };
    await assert.rejects(c.updateOne({ _id: 1 }, pushOnNumber), (e: MongoServerError) => e.code === 2);
    await assert.rejects(c.find({}).hint('no_such_index').toArray(), (e: MongoServerError) => e.code === 2);
  });

  it('keeps binary data, timestamps and regexes and sorts them', async () => {
    const bin = new Binary(Buffer.from([1, 2, 3]));
    await c.insertMany([
      { _id: 1, v: bin },
      { _id: 2, v: new Timestamp({ t: 5, i: 1 }) },
      { _id: 3, v: /ab+c/i },
      { _id: 4, v: new Binary(Buffer.from([1, 2])) },
    ]);
    const back = await c.findOne({ _id: 1 });
    assert.deepEqual(Buffer.from(back?.v.buffer), Buffer.from([1, 2, 3]));
    const order = (await c.find({}).sort({ v: 1 }).toArray()).map((d) => d._id);
    assert.deepEqual(order, [4, 1, 2, 3]);
    assert.equal(await c.countDocuments({ v: bin }), 1);
  });

  it('runs $unionWith, $facet, $bucket, $sortByCount and $count', async () => {
    const other = t.db.collection(`${c.collectionName}_other`);
    await c.insertMany([
      { k: 'a', n: 1 },
      { k: 'b', n: 5 },
      { k: 'a', n: 9 },
      { k: 'b', n: 12 },
    ]);
    await other.insertMany([{ k: 'c', n: 2 }]);
    const union = await c.aggregate([{ $unionWith: other.collectionName }, { $count: 'n' }]).toArray();
    assert.deepEqual(union, [{ n: 5 }]);
    const [facets] = await c
      .aggregate([
        {
          $facet: {
            byKey: [{ $match: { n: { $lt: 10 } } }, { $sortByCount: '$k' }],
            buckets: [{ $bucket: { groupBy: '$n', boundaries: [0, 5, 10], default: 'other' } }],
          },
        },
      ])
      .toArray();
    assert.deepEqual(facets?.byKey, [
      { _id: 'a', count: 2 },
      { _id: 'b', count: 1 },
    ]);
    assert.deepEqual(facets?.buckets, [
      { _id: 0, count: 1 },
      { _id: 5, count: 2 },
      { _id: 'other', count: 1 },
    ]);
    await other.drop();
  });

  it('merges with whenMatched variants and refuses a $merge on a field without a unique index', async () => {
    const target = t.db.collection<any>(`${c.collectionName}_target`);
    await target.insertMany([
      { _id: 1, total: 1, keep: true },
      { _id: 2, total: 2 },
    ]);
    await c.insertMany([
      { _id: 1, total: 10 },
      { _id: 3, total: 30 },
    ]);
    const merge = (spec: object) =>
      c.aggregate([{ $merge: { into: target.collectionName, ...spec } }]).toArray();
    await merge({ whenMatched: 'keepExisting', whenNotMatched: 'discard' });
    assert.deepEqual(await target.find().sort({ _id: 1 }).toArray(), [
      { _id: 1, total: 1, keep: true },
      { _id: 2, total: 2 },
    ]);
    await merge({ whenMatched: 'replace', whenNotMatched: 'insert' });
    assert.deepEqual(await target.findOne({ _id: 1 }), { _id: 1, total: 10 });
    assert.deepEqual(await target.findOne({ _id: 3 }), { _id: 3, total: 30 });
    await merge({ whenMatched: [{ $set: { total: { $add: ['$total', '$$new.total'] } } }] });
    assert.deepEqual(await target.findOne({ _id: 1 }), { _id: 1, total: 20 });
    await assert.rejects(merge({ whenMatched: 'fail' }));
    await assert.rejects(merge({ on: 'total' }));
    await target.drop();
  });

  it('refuses stages that need a replica set or are not aggregation stages', async () => {
    await c.insertOne({ a: 1 });
    await assert.rejects(c.aggregate([{ $changeStream: {} }]).toArray(), MongoServerError);
    await assert.rejects(c.aggregate([{ $out: 'x' }, { $match: {} }]).toArray(), MongoServerError);
  });

  it('refuses what the embedded engine does not implement', async function () {
    if (!usingEmbeddedEngine()) this.skip();
    await assert.rejects(
      t.db.createCollection('capped', { capped: true, size: 4096 }),
      /capped collections are not supported/,
    );
    await assert.rejects(
      t.db.createCollection('view', { viewOn: 'x', pipeline: [] }),
      /views are not supported/,
    );
    await assert.rejects(c.createIndex({ body: 'text' }), /not supported by the embedded engine/);
    await assert.rejects(c.find({ $where: 'this.a > 1' }).toArray(), /\$where is not supported/);
    await assert.rejects(
      t.db.command({ aggregate: c.collectionName, pipeline: [], explain: true }),
      /explain is not supported/,
    );
  });
});
