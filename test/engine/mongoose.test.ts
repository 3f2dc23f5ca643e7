// Library: Mongoose 9 against the test server.
import assert from 'node:assert/strict';
import mongoose, { Schema } from 'mongoose';
import { testDbName, testMongoUri } from '../helpers/mongo.ts';

describe('engine: Mongoose 9', () => {
  let conn: mongoose.Connection;

  const officeSchema = new Schema(
    { code: { type: String, required: true, unique: true }, name: String },
    { timestamps: true },
  );
  const slotSchema = new Schema(
    {
      office: { type: Schema.Types.ObjectId, ref: 'Office', required: true },
      day: { type: String, required: true },
      time: { type: String, required: true },
      remaining: { type: Number, min: 0 },
      tags: [String],
    },
    { timestamps: true },
  );
  slotSchema.index({ office: 1, day: 1, time: 1 }, { unique: true });
  slotSchema.index({ day: 1 });

  before(async () => {
    conn = await mongoose.createConnection(testMongoUri(), { dbName: testDbName('mongoose') }).asPromise();
    await conn.dropDatabase();
  });
  after(async () => {
    await conn.dropDatabase();
    await conn.close();
  });

  it('syncs unique and compound indexes', async () => {
    const Office = conn.model('Office', officeSchema);
    const Slot = conn.model('Slot', slotSchema);
    await Office.syncIndexes();
    await Slot.syncIndexes();
    const names = (await Slot.listIndexes()).map((ix) => ix.name).sort();
    assert.deepEqual(names, ['_id_', 'day_1', 'office_1_day_1_time_1']);
    const officeIndexes = await Office.listIndexes();
    assert.equal(officeIndexes.find((ix) => ix.name === 'code_1')?.unique, true);
    // A second sync finds nothing to change.
    assert.deepEqual(await Slot.syncIndexes(), []);
    assert.deepEqual(await Slot.diffIndexes(), { toDrop: [], toCreate: [] });
  });

  it('creates with timestamps and populates references', async () => {
    const Office = conn.model('Office');
    const Slot = conn.model('Slot');
    const office = await Office.create({ code: 'EAST', name: 'East office' });
    assert.ok(office.createdAt instanceof Date);
    await Slot.create({ office: office._id, day: '2026-05-20', time: '09:00', remaining: 2, tags: ['peak'] });
    const slot = (await Slot.findOne({ day: '2026-05-20' }).populate('office').lean()) as {
      office: { code: string };
      updatedAt: Date;
    } | null;
    assert.equal(slot?.office.code, 'EAST');
    assert.ok(slot?.updatedAt instanceof Date);
  });

  it('takes capacity atomically with findOneAndUpdate and a condition', async () => {
    const Slot = conn.model('Slot');
    const slot = await Slot.findOne({ day: '2026-05-20', time: '09:00' });
    const take = () =>
      Slot.findOneAndUpdate(
        { _id: slot!._id, remaining: { $gt: 0 } },
        { $inc: { remaining: -1 } },
        { returnDocument: 'after' },
      );
    const results = await Promise.all([take(), take(), take(), take()]);
    assert.equal(results.filter(Boolean).length, 2);
    assert.equal((await Slot.findById(slot!._id))?.remaining, 0);
  });

  it('updates an element of a child array with timestamps by the positional operator', async () => {
    const childSchema = new Schema({ name: String }, { timestamps: true });
    const Family = conn.model('Family', new Schema({ children: [childSchema] }, { timestamps: true }));
    const family = await Family.create({ children: [{ name: 'a' }, { name: 'b' }] });
    const second = family.children[1]!;
    const res = await Family.updateOne(
      { _id: family._id, 'children._id': second._id },
      { $set: { 'children.$.name': 'B' } },
    );
    assert.equal(res.modifiedCount, 1);
    const back = await Family.findById(family._id).lean();
    assert.deepEqual(
      back?.children.map((ch) => ch.name),
      ['a', 'B'],
    );
    assert.ok(back?.children[1]?.updatedAt instanceof Date);
    family.children.pull(family.children[0]!._id);
    await family.save();
    assert.deepEqual(
      (await Family.findById(family._id).lean())?.children.map((ch) => ch.name),
      ['B'],
    );
  });

  it('upserts with findOneAndUpdate', async () => {
    const Office = conn.model('Office');
    const created = await Office.findOneAndUpdate(
      { code: 'WEST' },
      { $set: { name: 'West' }, $setOnInsert: { code: 'WEST' } },
      { upsert: true, returnDocument: 'after' },
    );
    assert.equal(created?.name, 'West');
    assert.ok(created?.createdAt instanceof Date);
    const again = await Office.findOneAndUpdate(
      { code: 'WEST' },
      { $set: { name: 'West 2' } },
      { upsert: true, returnDocument: 'after' },
    );
    assert.equal(String(again?._id), String(created?._id));
    assert.equal(await Office.countDocuments({ code: 'WEST' }), 1);
  });

  it('reports duplicate keys as Mongoose does against mongod', async () => {
    const Office = conn.model('Office');
    const err = await Office.create({ code: 'EAST' }).then(
      () => assert.fail('duplicate accepted'),
      (e: { name: string; code: number; keyValue: unknown; keyPattern: unknown; message: string }) => e,
    );
    assert.equal(err.name, 'MongoServerError');
    assert.equal(err.code, 11000);
    assert.deepEqual(err.keyValue, { code: 'EAST' });
    assert.deepEqual(err.keyPattern, { code: 1 });
    assert.match(
      err.message,
      /E11000 duplicate key error collection: .*offices index: code_1 dup key: \{ code: "EAST" \}/,
    );
    const Slot = conn.model('Slot');
    const office = await Office.findOne({ code: 'EAST' });
    await assert.rejects(
      Slot.create({ office: office!._id, day: '2026-05-20', time: '09:00', remaining: 1 }),
      (e: { code: number }) => e.code === 11000,
    );
    await assert.rejects(
      Slot.insertMany([
        { office: office!._id, day: '2026-05-21', time: '10:00' },
        { office: office!._id, day: '2026-05-21', time: '10:00' },
      ]),
      (e: { code: number }) => e.code === 11000,
    );
  });

  it('queries with sort, select, distinct, deleteMany and aggregate', async () => {
    const Slot = conn.model('Slot');
    const office = await conn.model('Office').findOne({ code: 'EAST' });
    await Slot.insertMany(
      ['11:00', '10:30', '12:00'].map((time) => ({
        office: office!._id,
        day: '2026-06-01',
        time,
        remaining: 3,
      })),
    );
    const found = (await Slot.find({ day: '2026-06-01' })
      .sort({ time: 1 })
      .select('time -_id')
      .lean()) as unknown as Array<{
      time: string;
    }>;
    const times = found.map((s) => s.time);
    assert.deepEqual(times, ['10:30', '11:00', '12:00']);
    assert.ok((await Slot.distinct('day')).includes('2026-06-01'));
    const [agg] = await Slot.aggregate([
      { $match: { day: '2026-06-01' } },
      { $group: { _id: '$day', seats: { $sum: '$remaining' } } },
    ]);
    assert.equal(agg.seats, 9);
    assert.equal((await Slot.deleteMany({ day: '2026-06-01' })).deletedCount, 3);
    assert.equal(await Slot.exists({ day: '2026-06-01' }), null);
  });
});
