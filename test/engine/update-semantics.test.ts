// Conformance: update paths and array operators as MongoDB documents them (the positional `$`,
// `$pull` with logical conditions, `$addToSet` with `$each`, path errors, unusual field names).
import assert from 'node:assert/strict';
import { type Collection, type Document, MongoServerError } from 'mongodb';
import { openTestDb, type TestDb } from './support.ts';

describe('engine: update paths and array operators', () => {
  let t: TestDb;
  let c: Collection<any>;

  before(async () => {
    t = await openTestDb('update_semantics');
  });
  after(async () => {
    await t.close();
  });
  beforeEach(async () => {
    c = t.db.collection(`u_${Math.random().toString(36).slice(2, 8)}`);
  });

  // The driver's types do not know $pull's query forms.
  const pull = (spec: Document): Document => ({ $pull: spec });
  const code = (n: number) => (e: unknown) => e instanceof MongoServerError && e.code === n;

  it('sets two fields of one element through the positional $ in one update', async () => {
    await c.insertOne({ _id: 1, k: [{ x: 1 }, { x: 2 }] });
    const r = await c.updateOne({ 'k.x': 2 }, { $set: { 'k.$.a': 1, 'k.$.b': 2 } });
    assert.equal(r.modifiedCount, 1);
    assert.deepEqual((await c.findOne({ _id: 1 }))?.k, [{ x: 1 }, { x: 2, a: 1, b: 2 }]);
  });

  it('finds the $ element from two conditions on the array, from $and and from a one-branch $or', async () => {
    await c.insertOne({
      _id: 1,
      k: [
        { x: 1, y: 1 },
        { x: 2, y: 3 },
      ],
    });
    await c.updateOne({ 'k.x': 2, 'k.y': 3 }, { $set: { 'k.$.p': 1 } });
    await c.updateOne({ $and: [{ _id: 1 }, { 'k.x': 2 }] }, { $set: { 'k.$.q': 1 } });
    await c.updateOne({ $or: [{ 'k.y': 3 }] }, { $set: { 'k.$.r': 1 } });
    assert.deepEqual((await c.findOne({ _id: 1 }))?.k, [
      { x: 1, y: 1 },
      { x: 2, y: 3, p: 1, q: 1, r: 1 },
    ]);
    // An $or of several branches gives the positional operator no element (MongoDB's matcher
    // does not record one there).
    await assert.rejects(
      c.updateOne({ $or: [{ 'k.x': 1 }, { 'k.x': 2 }] }, { $set: { 'k.$.s': 1 } }),
      code(2),
    );
  });

  it('$pull with $or, $and and $nor conditions removes exactly the matching elements', async () => {
    const a = [
      { f: '1', g: 1 },
      { f: '2', g: 2 },
      { f: '3', g: 2 },
    ];
    await c.insertOne({ _id: 1, a });
    await c.updateOne({ _id: 1 }, pull({ a: { $or: [{ f: '1' }] } }));
    assert.deepEqual((await c.findOne({ _id: 1 }))?.a, a.slice(1));
    await c.updateOne({ _id: 1 }, pull({ a: { $and: [{ g: 2 }, { f: '3' }] } }));
    assert.deepEqual((await c.findOne({ _id: 1 }))?.a, [a[1]]);
    await c.insertOne({ _id: 2, a });
    await c.updateOne({ _id: 2 }, pull({ a: { $nor: [{ f: '1' }] } }));
    assert.deepEqual((await c.findOne({ _id: 2 }))?.a, [a[0]]);
  });

  it('$pull with operator conditions on scalars and with a field condition on documents', async () => {
    await c.insertOne({ _id: 1, n: [1, 5, 7, 'x', 9], d: [{ v: 1 }, { v: 6 }, 3] });
    await c.updateOne({ _id: 1 }, pull({ n: { $gte: 6 }, d: { v: { $gt: 5 } } }));
    assert.deepEqual(await c.findOne({ _id: 1 }), { _id: 1, n: [1, 5, 'x'], d: [{ v: 1 }, 3] });
  });

  it('$addToSet with $each adds each distinct value once', async () => {
    await c.insertOne({ _id: 1 });
    await c.updateOne({ _id: 1 }, { $addToSet: { s: { $each: [1, 1, 2] } } });
    assert.deepEqual((await c.findOne({ _id: 1 }))?.s, [1, 2]);
    await c.updateOne({ _id: 1 }, { $addToSet: { s: { $each: [3, 2, 3, { o: 1 }, { o: 1 }] } } });
    assert.deepEqual((await c.findOne({ _id: 1 }))?.s, [1, 2, 3, { o: 1 }]);
  });

  it('refuses a field path that runs through an array or a scalar (PathNotViable, 28)', async () => {
    await c.insertOne({ _id: 1, arr: [{ b: 1 }], n: 5 });
    await assert.rejects(c.updateOne({ _id: 1 }, { $set: { 'arr.body': 1 } }), code(28));
    await assert.rejects(c.updateOne({ _id: 1 }, { $set: { 'n.x': 1 } }), code(28));
    // A numeric step into an array is an element, and past its end the array grows with nulls.
    await c.updateOne({ _id: 1 }, { $set: { 'arr.0.c': 2, 'arr.2': 'z' } });
    assert.deepEqual((await c.findOne({ _id: 1 }))?.arr, [{ b: 1, c: 2 }, null, 'z']);
  });

  it('refuses two operators on one path, or on a path and its parent (code 40)', async () => {
    await c.insertOne({ _id: 1, a: { b: 1 } });
    await assert.rejects(c.updateOne({ _id: 1 }, { $set: { a: 1, 'a.b': 2 } }), code(40));
    await assert.rejects(c.updateOne({ _id: 1 }, { $set: { x: 1 }, $inc: { x: 1 } }), code(40));
  });

  it('stores $-prefixed field names on insert and __proto__ as an ordinary field', async () => {
    await c.insertOne({ _id: 1, $price: 50, location: { $db: 'novels', $inc: true } });
    assert.deepEqual(await c.findOne({ _id: 1 }), {
      _id: 1,
      $price: 50,
      location: { $db: 'novels', $inc: true },
    });
    await c.updateOne({ _id: 1 }, { $set: { 'location.$street': 'Elm' } });
    assert.equal((await c.findOne({ _id: 1 }))?.location.$street, 'Elm');

    const withProto = JSON.parse('{"_id": 2, "__proto__": {"polluted": true}, "a": 1}');
    await c.insertOne(withProto);
    await c.updateOne({ _id: 2 }, { $set: { a: 2 } });
    const back = await c.findOne({ '__proto__.polluted': true });
    assert.ok(back);
    assert.deepEqual(Object.keys(back), ['_id', '__proto__', 'a']);
    assert.deepEqual(Object.getOwnPropertyDescriptor(back, '__proto__')?.value, { polluted: true });
    assert.equal(({} as { polluted?: boolean }).polluted, undefined);
  });

  it('updates a child array with timestamps through Mongoose-style positional paths', async () => {
    const when = new Date('2026-05-20T01:00:00Z');
    await c.insertOne({
      _id: 1,
      children: [
        { _id: 'a', n: 1 },
        { _id: 'b', n: 2 },
      ],
    });
    await c.updateOne(
      { _id: 1, 'children._id': 'b' },
      { $set: { 'children.$.n': 3, 'children.$.updatedAt': when, updatedAt: when } },
    );
    assert.deepEqual(await c.findOne({ _id: 1 }), {
      _id: 1,
      children: [
        { _id: 'a', n: 1 },
        { _id: 'b', n: 3, updatedAt: when },
      ],
      updatedAt: when,
    });
  });
});
