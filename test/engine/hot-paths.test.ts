// Conformance of the write paths the engine takes shortcuts on: a filter with `_id` equality and
// further conditions (looked up by `_id`, then checked whole), the filter compiled once per
// statement, and index entries kept as they are when an update leaves the indexed fields alone.
// Everything here holds against a real MongoDB as well.
import assert from 'node:assert/strict';
import { Double, Long, MongoServerError } from 'mongodb';
import { openTestDb, type TestDb } from './support.ts';

const isDup = (e: unknown) => e instanceof MongoServerError && e.code === 11000;

describe('engine: the hot write paths', () => {
  let t: TestDb;

  before(async () => {
    t = await openTestDb('hot_paths');
  });
  after(async () => {
    await t.close();
  });

  it('an _id with further conditions matches only when every condition holds, value after value', async () => {
    const c = t.db.collection<{ _id: string; left: number; sent?: Date[] }>('hp_conditional');
    await c.insertMany([
      { _id: 'a', left: 2 },
      { _id: 'b', left: 0 },
    ]);
    const take = (id: string) => c.updateOne({ _id: id, left: { $gt: 0 } }, { $inc: { left: -1 } });
    assert.equal((await take('a')).modifiedCount, 1);
    assert.equal((await take('b')).matchedCount, 0);
    assert.equal((await take('a')).modifiedCount, 1);
    assert.equal((await take('a')).matchedCount, 0, 'the same filter with the count used up');
    assert.equal((await take('zz')).matchedCount, 0, 'an _id that is not there');
    assert.deepEqual(await c.find({}, { sort: { _id: 1 } }).toArray(), [
      { _id: 'a', left: 0 },
      { _id: 'b', left: 0 },
    ]);
    const found = await c.find({ _id: 'a', left: 0 }).toArray();
    assert.equal(found.length, 1);
    assert.equal(await c.countDocuments({ _id: 'a', left: 1 }), 0);
  });

  it('a conditional upsert on _id inserts when absent and collides on _id when its condition fails', async () => {
    const c = t.db.collection<{ _id: string; sent: Date[] }>('hp_upsert');
    const now = new Date('2026-08-19T02:00:00Z');
    const send = (at: Date) =>
      c.updateOne(
        {
          _id: 'phone:1',
          $and: [
            {
              $or: [
                { 'sent.1': { $exists: false } },
                { 'sent.1': { $lte: new Date(at.getTime() - 60_000) } },
              ],
            },
          ],
        },
        { $push: { sent: { $each: [at], $position: 0, $slice: 2 } } },
        { upsert: true },
      );
    assert.equal((await send(now)).upsertedId, 'phone:1');
    assert.equal((await send(new Date(now.getTime() + 1000))).modifiedCount, 1);
    await assert.rejects(send(new Date(now.getTime() + 2000)), isDup);
    assert.equal((await send(new Date(now.getTime() + 120_000))).modifiedCount, 1);
    const doc = await c.findOne({ _id: 'phone:1' });
    assert.deepEqual(doc?.sent, [new Date(now.getTime() + 120_000), new Date(now.getTime() + 1000)]);
    // The document an upsert builds from its filter keeps the filter's _id.
    await assert.rejects(
      c.updateOne({ _id: 'phone:2' }, { $set: { _id: 'phone:3' } }, { upsert: true }),
      (e: MongoServerError) => e.code === 66,
    );
    assert.equal(await c.countDocuments({ _id: { $in: ['phone:2', 'phone:3'] } }), 0);
    await c.updateOne({ _id: 'phone:2' }, { $set: { _id: 'phone:2' } }, { upsert: true });
    assert.deepEqual(await c.findOne({ _id: 'phone:2' }), { _id: 'phone:2' });
  });

  it('an _id condition compares as numbers across numeric types, and never a string with a number', async () => {
    const c = t.db.collection('hp_types');
    await c.insertMany([
      { _id: 1 as never, kind: 'int' },
      { _id: new Long(5) as never, kind: 'long' },
      { _id: '1' as never, kind: 'string' },
    ]);
    assert.equal((await c.findOne({ _id: new Double(1) as never, kind: 'int' }))?.kind, 'int');
    assert.equal((await c.findOne({ _id: 1 as never, kind: 'int' }))?.kind, 'int');
    assert.equal(await c.findOne({ _id: 1 as never, kind: 'string' }), null);
    assert.equal((await c.findOne({ _id: '1' as never, kind: 'string' }))?.kind, 'string');
    assert.equal((await c.findOne({ _id: 5 as never, kind: 'long' }))?.kind, 'long');
    const r = await c.updateOne(
      { _id: new Long(1) as never, kind: { $in: ['int'] } },
      { $set: { seen: true } },
    );
    assert.equal(r.modifiedCount, 1);
  });

  it('an _id condition follows the collection’s collation', async () => {
    await t.db.createCollection('hp_collation', { collation: { locale: 'en', strength: 2 } });
    const c = t.db.collection<{ _id: string; n: number }>('hp_collation');
    await c.insertOne({ _id: 'Key', n: 1 });
    assert.equal((await c.findOne({ _id: 'key', n: 1 }))?._id, 'Key');
    assert.equal((await c.updateOne({ _id: 'KEY', n: { $gte: 1 } }, { $inc: { n: 1 } })).modifiedCount, 1);
    assert.equal((await c.findOne({ _id: 'key' }, { collation: { locale: 'simple' } }))?._id, undefined);
  });

  it('indexes stay right when an update changes, keeps or reorders the indexed values', async () => {
    const c = t.db.collection<{ _id: number; day: string; tags: string[]; other: number }>('hp_index');
    await c.createIndex({ day: 1 });
    await c.createIndex({ tags: 1 });
    await c.createIndex({ other: 1 }, { unique: true });
    await c.insertMany([
      { _id: 1, day: 'mon', tags: ['a', 'b'], other: 1 },
      { _id: 2, day: 'tue', tags: ['c'], other: 2 },
    ]);
    // Indexed fields left alone.
    await c.updateOne({ _id: 1 }, { $set: { note: 'x' } as never });
    assert.deepEqual(
      (await c.find({ day: 'mon' }).toArray()).map((d) => d._id),
      [1],
    );
    // An indexed field changed.
    await c.updateOne({ _id: 1, day: 'mon' }, { $set: { day: 'wed' } });
    assert.equal(await c.countDocuments({ day: 'mon' }), 0);
    assert.deepEqual(
      (await c.find({ day: 'wed' }).toArray()).map((d) => d._id),
      [1],
    );
    assert.deepEqual(
      (await c.find({ day: { $gte: 'tue' } }, { sort: { _id: 1 } }).toArray()).map((d) => d._id),
      [1, 2],
    );
    // The same elements in another order, then one element gone.
    await c.updateOne({ _id: 1 }, { $set: { tags: ['b', 'a'] } });
    assert.deepEqual(
      (await c.find({ tags: 'a' }).toArray()).map((d) => d._id),
      [1],
    );
    await c.updateOne({ _id: 1 }, { $pull: { tags: 'a' } });
    assert.equal(await c.countDocuments({ tags: 'a' }), 0);
    assert.equal(await c.countDocuments({ tags: 'b' }), 1);
    // A unique index refuses a taken value on update, and keeps its entries when refused.
    await assert.rejects(c.updateOne({ _id: 2 }, { $set: { other: 1 } }), isDup);
    assert.deepEqual(
      (await c.find({ other: 2 }).toArray()).map((d) => d._id),
      [2],
    );
    await c.updateOne({ _id: 2 }, { $set: { other: 3, day: 'thu' } });
    await c.insertOne({ _id: 3, day: 'fri', tags: [], other: 2 });
    assert.deepEqual(
      (await c.find({ other: { $in: [2, 3] } }, { sort: { _id: 1 } }).toArray()).map((d) => d._id),
      [2, 3],
    );
  });

  it('an index created after writes serves the same shape of filter with its values', async () => {
    const c = t.db.collection<{ _id: number; office: string; n: number }>('hp_plan');
    await c.insertMany(Array.from({ length: 30 }, (_, i) => ({ _id: i, office: `o${i % 3}`, n: i })));
    const before = await c.find({ office: 'o1', n: { $lt: 10 } }, { sort: { _id: 1 } }).toArray();
    await c.createIndex({ office: 1 });
    const after = await c.find({ office: 'o1', n: { $lt: 10 } }, { sort: { _id: 1 } }).toArray();
    assert.deepEqual(after, before);
    assert.deepEqual(
      (await c.find({ office: 'o2', n: { $lt: 10 } }, { sort: { _id: 1 } }).toArray()).map((d) => d._id),
      [2, 5, 8],
    );
    await c.dropIndex('office_1');
    assert.deepEqual(
      (await c.find({ office: 'o2', n: { $lt: 10 } }, { sort: { _id: 1 } }).toArray()).map((d) => d._id),
      [2, 5, 8],
    );
  });
});
