// Attacks on the engine's availability: one client's expensive query must not stall every other
// client, `maxTimeMS` must stop it with MongoDB's error, a catastrophically backtracking regular
// expression must not freeze the server, and command names never reach object prototypes.
import assert from 'node:assert/strict';
import { type Collection, MongoClient, MongoServerError } from 'mongodb';
import { testMongoUri } from '../helpers/mongo.ts';
import { openTestDb, type TestDb } from './support.ts';

describe('engine: bounded work', () => {
  let t: TestDb;
  let other: MongoClient;
  let big: Collection<any>;

  before(async function () {
    this.timeout(120_000);
    t = await openTestDb('bounded_work');
    other = await new MongoClient(testMongoUri()).connect();
    big = t.db.collection('big');
    const batch = 10_000;
    for (let i = 0; i < 100_000; i += batch) {
      await big.insertMany(
        Array.from({ length: batch }, (_, j) => ({ _id: i + j, s: `row ${i + j} ${'x'.repeat(40)}` })),
        { ordered: false },
      );
    }
  });
  after(async () => {
    await other.close();
    await t.close();
  });

  const code = (n: number) => (e: unknown) => e instanceof MongoServerError && e.code === n;
  // Costly for every document, and never true.
  const slowFilter = { $expr: { $eq: [{ $strLenCP: { $concat: ['$s', '$s', '$s'] } }, 1] } };

  it('stops a query past maxTimeMS with MaxTimeMSExpired (50)', async () => {
    await assert.rejects(big.find(slowFilter).maxTimeMS(1).toArray(), code(50));
    await assert.rejects(big.countDocuments(slowFilter, { maxTimeMS: 1 }), code(50));
    await assert.rejects(
      big.aggregate([{ $match: slowFilter }, { $count: 'n' }], { maxTimeMS: 1 }).toArray(),
      code(50),
    );
    await assert.rejects(big.updateMany(slowFilter, { $set: { seen: true } }, { maxTimeMS: 1 }), code(50));
    // Within its time a query answers as usual.
    assert.equal((await big.find({ _id: 7 }).maxTimeMS(60_000).toArray()).length, 1);
  });

  it('answers other connections while one scans a large collection', async () => {
    let scanDone = false;
    const scan = big
      .find(slowFilter)
      .toArray()
      .then((docs) => {
        scanDone = true;
        return docs;
      });
    await new Promise((r) => setTimeout(r, 5));
    await other.db('admin').command({ ping: 1 });
    const pingedDuringScan = !scanDone;
    assert.deepEqual(await scan, []);
    assert.ok(pingedDuringScan, 'a ping waited for the whole scan');
  });

  it('does not freeze on a catastrophically backtracking regular expression', async () => {
    const evil = t.db.collection<any>('evil');
    await evil.insertOne({ _id: 1, s: `${'a'.repeat(34)}!` });
    const attempt = evil
      .find({ s: { $regex: '^(a+)+$' } })
      .toArray()
      .then(
        (docs) => ({ docs }),
        (err: unknown) => ({ err }),
      );
    await other.db('admin').command({ ping: 1 });
    const outcome = await attempt;
    // MongoDB's regex engine may refuse it as too costly; the engine answers it: no match.
    if ('docs' in outcome) assert.deepEqual(outcome.docs, []);
    else assert.ok(outcome.err instanceof MongoServerError);
  });

  it('refuses command names that are object prototype properties (59)', async () => {
    for (const name of ['constructor', 'toString', 'hasOwnProperty', 'valueOf']) {
      await assert.rejects(t.db.command({ [name]: 1 }), code(59), name);
    }
    await assert.rejects(t.db.command(JSON.parse('{"__proto__": 1}')), code(59), '__proto__');
  });
});
