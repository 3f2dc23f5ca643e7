// Conformance: namespaces, indexes, unique constraints on every write path, TTL expiry.
import assert from 'node:assert/strict';
import { type Collection, type Document, MongoServerError } from 'mongodb';
import { openTestDb, type TestDb, waitFor } from './support.ts';

const isDup = (e: unknown) => e instanceof MongoServerError && e.code === 11000;

describe('engine: namespaces and indexes', () => {
  let t: TestDb;

  before(async () => {
    t = await openTestDb('indexes');
  });
  after(async () => {
    await t.close();
  });

  it('creates, lists, renames and drops collections with MongoDB error codes', async () => {
    await t.db.createCollection('ns_a');
    await assert.rejects(
      t.db.command({ create: 'ns_a' }),
      (e: MongoServerError) => e.code === 48 && e.codeName === 'NamespaceExists',
    );
    const names = (await t.db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
    assert.ok(names.includes('ns_a'));
    const [info] = await t.db.listCollections({ name: 'ns_a' }).toArray();
    assert.equal(info?.type, 'collection');
    await t.db.collection('ns_a').insertOne({ x: 1 });
    await t.db.renameCollection('ns_a', 'ns_b');
    assert.equal(await t.db.collection('ns_b').countDocuments(), 1);
    assert.equal(await t.db.collection('ns_a').countDocuments(), 0);
    await assert.rejects(t.db.renameCollection('ns_missing', 'ns_c'), (e: MongoServerError) => e.code === 26);
    await t.db.createCollection('ns_c');
    await assert.rejects(t.db.renameCollection('ns_b', 'ns_c'), (e: MongoServerError) => e.code === 48);
    await t.db.renameCollection('ns_b', 'ns_c', { dropTarget: true });
    assert.equal(await t.db.collection('ns_c').countDocuments(), 1);
    assert.equal(await t.db.collection('ns_c').drop(), true);
    await assert.rejects(
      t.db.collection('ns_never').listIndexes().toArray(),
      (e: MongoServerError) => e.code === 26,
    );
  });

  it('lists databases and drops one', async () => {
    const other = t.client.db(`${t.db.databaseName}_other`);
    await other.collection('x').insertOne({ a: 1 });
    const { databases } = await t.client.db('admin').admin().listDatabases();
    assert.ok(databases.some((d) => d.name === other.databaseName));
    await other.dropDatabase();
    const after = await t.client.db('admin').admin().listDatabases({ nameOnly: true });
    assert.ok(!after.databases.some((d) => d.name === other.databaseName));
  });

  describe('unique indexes', () => {
    let c: Collection<Document>;
    beforeEach(async () => {
      c = t.db.collection(`uniq_${Math.random().toString(36).slice(2, 8)}`);
      await c.createIndex({ email: 1 }, { unique: true });
    });

    it('refuses a duplicate insert with E11000, keyPattern and keyValue', async () => {
      await c.insertOne({ email: 'a@example.org' });
      const err = await c.insertOne({ email: 'a@example.org' }).then(
        () => assert.fail('duplicate accepted'),
        (e: MongoServerError) => e,
      );
      assert.equal(err.code, 11000);
      assert.match(
        err.message,
        new RegExp(
          `^E11000 duplicate key error collection: ${t.db.databaseName}\\.${c.collectionName} index: email_1 dup key: \\{ email: "a@example\\.org" \\}`,
        ),
      );
      assert.deepEqual(err.keyPattern, { email: 1 });
      assert.deepEqual(err.keyValue, { email: 'a@example.org' });
    });

    it('refuses duplicates made by updates, upserts and findOneAndUpdate', async () => {
      await c.insertMany([{ email: 'a' }, { email: 'b' }]);
      await assert.rejects(c.updateOne({ email: 'b' }, { $set: { email: 'a' } }), isDup);
      await assert.rejects(c.updateOne({ email: 'zz' }, { $set: { email: 'a' } }, { upsert: true }), isDup);
      await assert.rejects(c.replaceOne({ email: 'b' }, { email: 'a' }), isDup);
      const err = await c.findOneAndUpdate({ email: 'b' }, { $set: { email: 'a' } }).then(
        () => assert.fail('duplicate accepted'),
        (e: MongoServerError) => e,
      );
      assert.equal(err.code, 11000);
      assert.equal(err.codeName, 'DuplicateKey');
      assert.deepEqual(err.keyValue, { email: 'a' });
      await assert.rejects(c.updateMany({}, { $set: { email: 'same' } }), isDup);
      const emails = (await c.find({}).toArray()).map((d) => d.email).sort();
      assert.equal(emails.length, 2);
      assert.ok(emails.includes('same'));
    });

    it('frees a key once its document is deleted or changed', async () => {
      const { insertedId } = await c.insertOne({ email: 'x' });
      await c.updateOne({ _id: insertedId }, { $set: { email: 'y' } });
      await c.insertOne({ email: 'x' });
      await c.deleteOne({ email: 'y' });
      await c.insertOne({ email: 'y' });
      assert.equal(await c.countDocuments(), 2);
    });

    it('enforces compound, sparse and partial unique indexes', async () => {
      const k = t.db.collection(`uniq_compound_${Math.random().toString(36).slice(2, 8)}`);
      const sparse = t.db.collection(`uniq_sparse_${Math.random().toString(36).slice(2, 8)}`);
      const partial = t.db.collection(`uniq_partial_${Math.random().toString(36).slice(2, 8)}`);
      await k.createIndex({ office: 1, day: 1 }, { unique: true });
      await sparse.createIndex({ code: 1 }, { unique: true, sparse: true });
      await partial.createIndex(
        { slot: 1 },
        { unique: true, partialFilterExpression: { status: 'active' }, name: 'active_slot' },
      );
      await k.insertMany([
        { office: 'e', day: 1 },
        { office: 'e', day: 2 },
        { office: 'w', day: 1 },
      ]);
      const err = await k.insertOne({ office: 'e', day: 1 }).then(
        () => assert.fail('duplicate accepted'),
        (e: MongoServerError) => e,
      );
      assert.deepEqual(err.keyPattern, { office: 1, day: 1 });
      assert.deepEqual(err.keyValue, { office: 'e', day: 1 });
      // Sparse: any number of documents without the field; the field itself stays unique.
      await sparse.insertMany([{ other: 1 }, { other: 2 }, { code: 'c1' }]);
      await assert.rejects(sparse.insertOne({ code: 'c1' }), isDup);
      // Partial: only active documents compete.
      await partial.insertMany([
        { slot: 9, status: 'active' },
        { slot: 9, status: 'cancelled' },
        { slot: 9, status: 'cancelled' },
      ]);
      await assert.rejects(partial.insertOne({ slot: 9, status: 'active' }), isDup);
      await assert.rejects(
        partial.updateOne({ slot: 9, status: 'cancelled' }, { $set: { status: 'active' } }),
        isDup,
      );
    });

    it('refuses to build a unique index over existing duplicates', async () => {
      const d = t.db.collection(`uniq_build_${Math.random().toString(36).slice(2, 8)}`);
      await d.insertMany([{ v: 1 }, { v: 1 }]);
      await assert.rejects(d.createIndex({ v: 1 }, { unique: true }), isDup);
      const names = (await d.listIndexes().toArray()).map((ix) => ix.name);
      assert.deepEqual(names, ['_id_']);
    });
  });

  it('creates, lists and drops indexes, with conflicts reported', async () => {
    const c = t.db.collection('ix_admin');
    assert.equal(await c.createIndex({ a: 1 }), 'a_1');
    assert.equal(await c.createIndex({ a: 1 }), 'a_1');
    await c.createIndex({ b: -1, c: 1 }, { name: 'bc' });
    await c.createIndex({ at: 1 }, { expireAfterSeconds: 3600 });
    const list = await c.listIndexes().toArray();
    assert.deepEqual(
      list.map((ix) => [ix.name, ix.key]),
      [
        ['_id_', { _id: 1 }],
        ['a_1', { a: 1 }],
        ['bc', { b: -1, c: 1 }],
        ['at_1', { at: 1 }],
      ],
    );
    assert.equal(list.find((ix) => ix.name === 'at_1')?.expireAfterSeconds, 3600);
    await assert.rejects(
      c.createIndex({ a: 1 }, { unique: true }),
      (e: MongoServerError) => e.code === 85 || e.code === 86,
    );
    await assert.rejects(
      c.createIndex({ z: 1 }, { name: 'a_1' }),
      (e: MongoServerError) => e.code === 85 || e.code === 86,
    );
    await c.dropIndex('a_1');
    await assert.rejects(c.dropIndex('a_1'), (e: MongoServerError) => e.code === 27);
    await assert.rejects(c.dropIndex('_id_'), (e: MongoServerError) => e.code === 72);
    await c.dropIndexes();
    assert.deepEqual(
      (await c.listIndexes().toArray()).map((ix) => ix.name),
      ['_id_'],
    );
  });

  it('finds through an index with equality, $in and ranges, including multikey arrays', async () => {
    const c = t.db.collection('ix_lookup');
    await c.createIndex({ n: 1 });
    await c.createIndex({ tags: 1 });
    await c.insertMany(
      Array.from({ length: 200 }, (_, i) => ({
        n: i,
        tags: [`t${i % 3}`, `u${i % 5}`],
        when: new Date(i * 1000),
      })),
    );
    await c.createIndex({ when: 1 });
    assert.equal(await c.countDocuments({ n: 42 }), 1);
    assert.equal(await c.countDocuments({ n: { $in: [1, 2, 500] } }), 2);
    assert.equal(await c.countDocuments({ n: { $gte: 10, $lt: 20 } }), 10);
    assert.equal(await c.countDocuments({ n: { $gt: 195 } }), 4);
    assert.equal(await c.countDocuments({ n: { $lte: 0 } }), 1);
    assert.equal(await c.countDocuments({ n: { $gt: 'a' } }), 0);
    assert.equal(await c.countDocuments({ tags: 't1' }), 67);
    // Each bound may be met by a different element of the array: every document matches.
    assert.equal(await c.countDocuments({ tags: { $gt: 't1', $lt: 'u1' } }), 200);
    assert.equal(await c.countDocuments({ tags: { $elemMatch: { $gt: 't1', $lt: 'u1' } } }), 93);
    assert.equal(await c.countDocuments({ when: { $lt: new Date(5000) } }), 5);
    assert.equal(await c.countDocuments({ n: { $gte: 10 }, tags: 'u0' }), 38);
    const sorted = await c
      .find({ n: { $lt: 5 } })
      .sort({ n: -1 })
      .toArray();
    assert.deepEqual(
      sorted.map((d) => d.n),
      [4, 3, 2, 1, 0],
    );
  });

  it('sorts with a limit the same way whether or not it walks an index', async () => {
    const c = t.db.collection('ix_sorted');
    await c.createIndex({ score: 1 });
    const docs = Array.from({ length: 1500 }, (_, i) => {
      if (i % 100 === 0) return { i };
      if (i % 250 === 1) return { i, score: [i % 7, 5000 + i] };
      return { i, score: (i * 37) % 1000 };
    });
    await c.insertMany(docs);
    for (const sort of [
      { score: 1, i: 1 },
      { score: -1, i: -1 },
      { score: 1, i: -1 },
    ] as const) {
      const all = (
        await c
          .find({}, { projection: { _id: 0, i: 1 } })
          .sort(sort)
          .toArray()
      ).map((d) => d.i);
      const limited = (
        await c
          .find({}, { projection: { _id: 0, i: 1 } })
          .sort(sort)
          .skip(5)
          .limit(40)
          .toArray()
      ).map((d) => d.i);
      assert.deepEqual(limited, all.slice(5, 45), `sort ${JSON.stringify(sort)}`);
      const filtered = (
        await c
          .find({ i: { $gte: 700 } })
          .sort(sort)
          .limit(12)
          .toArray()
      ).map((d) => d.i);
      assert.deepEqual(filtered, all.filter((i) => i >= 700).slice(0, 12));
    }
    // Missing fields sort first ascending; an array sorts by its largest element descending.
    const first = await c.find({}).sort({ score: 1, i: 1 }).limit(3).toArray();
    assert.deepEqual(
      first.map((d) => d.i),
      [0, 100, 200],
    );
    const top = await c.find({}).sort({ score: -1 }).limit(1).toArray();
    assert.equal(top[0]?.i, 1251);
  });

  it('expires documents through a TTL index', async function () {
    this.timeout(90_000);
    const admin = t.client.db('admin');
    const { was } = await admin.command({ setParameter: 1, ttlMonitorSleepSecs: 1 });
    try {
      const c = t.db.collection('ttl_docs');
      await c.createIndex({ expires: 1 }, { expireAfterSeconds: 0 });
      await c.insertMany([
        { name: 'old', expires: new Date(Date.now() - 60_000) },
        { name: 'future', expires: new Date(Date.now() + 3_600_000) },
        { name: 'no-date', expires: 'not a date' },
      ]);
      await waitFor(async () => (await c.countDocuments({ name: 'old' })) === 0, 70_000, 'the TTL monitor');
      assert.deepEqual(
        (await c.find({}).sort({ name: 1 }).toArray()).map((d) => d.name),
        ['future', 'no-date'],
      );
    } finally {
      await admin.command({ setParameter: 1, ttlMonitorSleepSecs: was ?? 60 });
    }
  });
});
