// Conformance: a conditional update is atomic whatever the number of connections.
import assert from 'node:assert/strict';
import { MongoClient } from 'mongodb';
import { testMongoUri } from '../helpers/mongo.ts';
import { openTestDb, type TestDb } from './support.ts';

describe('engine: concurrency of conditional updates', () => {
  let t: TestDb;
  let clients: MongoClient[];

  before(async () => {
    t = await openTestDb('concurrency');
    clients = await Promise.all(
      Array.from({ length: 10 }, () => new MongoClient(testMongoUri(), { maxPoolSize: 4 }).connect()),
    );
  });
  after(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await t.close();
  });

  it('never takes a seat past zero with many connections racing', async () => {
    const seats = t.db.collection('seats');
    const { insertedId: _id } = await seats.insertOne({ remaining: 25 });
    const attempts = clients.flatMap((client) =>
      Array.from({ length: 12 }, () =>
        client
          .db(t.db.databaseName)
          .collection('seats')
          .findOneAndUpdate(
            { _id, remaining: { $gt: 0 } },
            { $inc: { remaining: -1 } },
            { returnDocument: 'after' },
          ),
      ),
    );
    const results = await Promise.all(attempts);
    const taken = results.filter((r) => r !== null);
    assert.equal(taken.length, 25);
    assert.deepEqual(
      taken.map((r) => r!.remaining).sort((a, b) => a - b),
      Array.from({ length: 25 }, (_, i) => i),
    );
    assert.equal((await seats.findOne({ _id }))?.remaining, 0);
  });

  it('counts conditional updateOne results exactly', async () => {
    const quota = t.db.collection('quota');
    await quota.insertOne({ _id: 'day' as any, used: 0, limit: 40 });
    const results = await Promise.all(
      clients.flatMap((client) =>
        Array.from({ length: 8 }, () =>
          client
            .db(t.db.databaseName)
            .collection('quota')
            .updateOne({ _id: 'day' as any, $expr: { $lt: ['$used', '$limit'] } }, { $inc: { used: 1 } }),
        ),
      ),
    );
    assert.equal(
      results.reduce((n, r) => n + r.modifiedCount, 0),
      40,
    );
    assert.equal((await quota.findOne({ _id: 'day' as any }))?.used, 40);
  });

  it('never oversells when the conditional update has to scan (and may yield) to find its document', async () => {
    const slots = t.db.collection('scanned_slots');
    await slots.insertMany(Array.from({ length: 30_000 }, (_, i) => ({ n: i, remaining: 1 })));
    await slots.insertOne({ slot: 'peak', remaining: 5 });
    const attempts = clients.flatMap((client) =>
      Array.from({ length: 4 }, () =>
        client
          .db(t.db.databaseName)
          .collection('scanned_slots')
          .findOneAndUpdate({ slot: 'peak', remaining: { $gte: 1 } }, { $inc: { remaining: -1 } }),
      ),
    );
    const results = await Promise.all(attempts);
    assert.equal(results.filter((r) => r !== null).length, 5);
    assert.equal((await slots.findOne({ slot: 'peak' }))?.remaining, 0);
  });

  it('lets exactly one of many concurrent inserts of a unique key win', async () => {
    const bookings = t.db.collection('bookings');
    await bookings.createIndex({ slot: 1 }, { unique: true });
    const outcomes = await Promise.allSettled(
      clients.map((client, i) =>
        client.db(t.db.databaseName).collection('bookings').insertOne({ slot: 'A', by: i }),
      ),
    );
    assert.equal(outcomes.filter((o) => o.status === 'fulfilled').length, 1);
    for (const o of outcomes)
      if (o.status === 'rejected') assert.equal((o.reason as { code: number }).code, 11000);
  });
});
