import { Query, update, Aggregator } from 'mingo';
import { ObjectId, Long, Binary, Decimal128 } from 'bson';
const a = new ObjectId(), b = new ObjectId();
const docs = [{ _id: a, x: 1, d: new Date(1000), tags: ['a', 'b'], arr: [{ k: 1 }, { k: 2 }] }, { _id: b, x: 'str', d: new Date(2000) }];
const t = (q: any) => docs.filter((d) => new Query(q).test(d)).map((d) => String(d._id) === String(a) ? 'a' : 'b');
console.log(t({ _id: new ObjectId(a.toHexString()) }), t({ _id: { $in: [new ObjectId(b.toHexString())] } }));
console.log(t({ d: { $lte: new Date(1500) } }), t({ x: { $gt: 0 } }), t({ y: { $exists: false } }), t({ y: null }));
console.log(t({ $or: [{ x: 1 }, { d: { $gt: new Date(1500) } }] }), t({ 'arr.k': 2 }), t({ tags: 'b' }), t({ _id: { $ne: a } }));
const o: any = { _id: 1, arr: [{ k: 1 }, { k: 2 }] };
console.log(update(o, { $set: { 'arr.$[e].k': 9 } } as any, [{ 'e.k': 2 }]), JSON.stringify(o));
const o2: any = { _id: 1, arr: [{ k: 1 }, { k: 2 }] };
console.log(update(o2, { $set: { 'arr.$.v': 9 } } as any, [], { 'arr.k': 2 } as any), JSON.stringify(o2));
console.log(new Query({}).find(docs, { x: 1, _id: 0 }).all());
console.log(new Query({ 'arr.k': 2 }).find(docs, { 'arr.$': 1 }).all());
console.log(new Aggregator([{ $group: { _id: 1, n: { $sum: 1 } } }]).run(docs));
try { new Query({ x: { $foo: 1 } }); } catch (e) { console.log('err', (e as Error).message, (e as Error).constructor.name); }
try { update({ a: 1 }, { $foo: { a: 1 } } as any); } catch (e) { console.log('err', (e as Error).message); }
console.log(t({ _id: { $type: 'objectId' } }), t({ x: { $type: 'string' } }), t({ x: { $type: 'number' } }));
const o3: any = { a: 1 }; console.log(update(o3, { $push: { list: { $each: [1, 2], $slice: -1 } } } as any), o3);
const o4: any = { a: 1, n: null }; console.log(update(o4, { $currentDate: { t: true }, $unset: { a: '' }, $inc: { c: 2 }, $max: { m: 5 } } as any), o4);
