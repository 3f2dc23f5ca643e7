import { MongoClient, ObjectId } from 'mongodb';
import mongoose from 'mongoose';
import { startEmbeddedMongo } from '../src/embedded-mongo/index.ts';
const m = await startEmbeddedMongo({ port: 0, logger: (l) => console.log('[engine]', l) });
const client = new MongoClient(m.uri);
await client.connect();
const db = client.db('t');
const c = db.collection('things');
console.log(await db.command({ ping: 1 }));
console.log(await c.insertMany([{ a: 1 }, { a: 2, tags: ['x', 'y'] }, { a: 3 }]));
console.log(await c.find({ a: { $gte: 2 } }).sort({ a: -1 }).toArray());
console.log(await c.updateOne({ a: 1 }, { $set: { b: 1 }, $setOnInsert: { z: 1 } }));
console.log(await c.updateOne({ a: 9 }, { $set: { b: 1 }, $setOnInsert: { z: 1 } }, { upsert: true }));
await c.createIndex({ a: 1 }, { unique: true });
try { await c.insertOne({ a: 1 }); } catch (e: any) { console.log('dup', e.code, e.message, e.keyValue); }
console.log(await c.findOneAndUpdate({ a: 2 }, { $inc: { n: 1 } }, { returnDocument: 'after' }));
console.log(await c.countDocuments({ a: { $gt: 1 } }), await c.estimatedDocumentCount(), await c.distinct('a'));
console.log(await c.listIndexes().toArray());
for (let i = 0; i < 250; i++) await c.insertOne({ a: 100 + i });
console.log((await c.find({}).batchSize(10).toArray()).length);
const session = client.startSession();
try { session.startTransaction(); await c.insertOne({ q: 1 }, { session }); } catch (e: any) { console.log('txn', e.code, e.message); }
await session.endSession();
await client.close();

await mongoose.connect(m.uri, { dbName: 'mg' });
const Offer = mongoose.model('Offer', new mongoose.Schema({ code: { type: String, unique: true }, remaining: Number }, { timestamps: true }));
await Offer.syncIndexes();
const o = await Offer.create({ code: 'A', remaining: 2 });
for (let i = 0; i < 3; i++) console.log('fou', await Offer.findOneAndUpdate({ _id: o._id, remaining: { $gt: 0 } }, { $inc: { remaining: -1 } }, { new: true }).lean());
try { await Offer.create({ code: 'A', remaining: 1 }); } catch (e: any) { console.log('mongoose dup', e.name, e.code, e.message); }
console.log(await Offer.listIndexes());
await mongoose.disconnect();
await m.stop();
