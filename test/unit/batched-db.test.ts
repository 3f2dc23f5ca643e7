// A batched write answers each call alone only when the server refused documents one by one
// (a duplicate key): any other failure of the shared command — a network error (the driver
// reports it with `writeErrors: []`), a write-concern error, a refused command (ok: 0), a
// reply that does not account for every document — fails every call that shared it, so no
// couple is ever confirmed on a write that may not be stored. The errors are built with the
// driver's own classes, as it throws them.
import assert from 'node:assert/strict';
import { MongoBulkWriteError, MongoNetworkError, MongoServerError } from 'mongodb';
import { Types } from 'mongoose';
import { batchedInsert, batchedUpdate } from '../../src/lib/batched-db.ts';
import { isDatabaseUnavailable, perDocumentErrors } from '../../src/lib/database-errors.ts';
import { takePlacesInSlots } from '../../src/services/booking/slot-counter.ts';

type BulkResult = ConstructorParameters<typeof MongoBulkWriteError>[1];

/** What the driver attaches to a bulk error: counts and the write-concern error, if any. */
function result(counts: Record<string, unknown> = {}, writeConcernError?: object): BulkResult {
  return { ...counts, getWriteConcernError: () => writeConcernError } as unknown as BulkResult;
}

const networkError = () =>
  // How the driver reports a connection lost mid-command: a bulk error with no per-document errors.
  new MongoBulkWriteError(new MongoNetworkError('connection 3 to 127.0.0.1:27017 closed'), result());
const duplicateAt = (index: number, counts: Record<string, unknown> = {}, wce?: object) =>
  new MongoBulkWriteError(
    {
      message: 'E11000 duplicate key error',
      code: 11000,
      writeErrors: [{ index, code: 11000, errmsg: 'E11000 duplicate key error collection: t.x index: _id_' }],
    } as never,
    result(counts, wce),
  );

/** A collection that fails (or answers) its insertMany as told, recording what it was sent. */
function fakeCollection(answer: (docs: object[]) => unknown) {
  const sent: object[][] = [];
  return {
    sent,
    collection: () => ({
      insertMany: async (docs: never[]) => {
        sent.push(docs);
        const out = answer(docs);
        if (out instanceof Error) throw out;
        return out;
      },
      find: () => ({ toArray: async () => [] }),
    }),
  };
}

const settle = (calls: Promise<unknown>[]) => Promise.allSettled(calls);

describe('batched writes: what a failure of the shared command means', () => {
  it('fails every call when the connection is lost mid-insert (writeErrors: [])', async () => {
    const fake = fakeCollection(() => networkError());
    const insert = batchedInsert(fake.collection);
    const outcomes = await settle([insert({ a: 1 }), insert({ a: 2 }), insert({ a: 3 })]);
    assert.equal(fake.sent.length, 1, 'the three inserts shared one command');
    assert.deepEqual(
      outcomes.map((o) => o.status),
      ['rejected', 'rejected', 'rejected'],
    );
    for (const o of outcomes) assert.ok(isDatabaseUnavailable((o as PromiseRejectedResult).reason));
  });

  it('fails every call on a refused command (ok: 0) and on a write-concern error', async () => {
    const refused = new MongoBulkWriteError(
      new MongoServerError({ ok: 0, code: 14031, codeName: 'OutOfDiskSpace', errmsg: 'no space' }),
      result(),
    );
    const concern = new MongoBulkWriteError(
      { message: 'waiting for replication timed out', code: 64 } as never,
      result({ insertedCount: 2 }, { code: 64, errmsg: 'waiting for replication timed out' }),
    );
    for (const error of [refused, concern]) {
      const insert = batchedInsert(fakeCollection(() => error).collection);
      const outcomes = await settle([insert({ a: 1 }), insert({ a: 2 })]);
      assert.deepEqual(
        outcomes.map((o) => o.status),
        ['rejected', 'rejected'],
        error.message,
      );
    }
  });

  it('fails every call when a duplicate comes with a write-concern error', async () => {
    const insert = batchedInsert(
      fakeCollection(() => duplicateAt(0, { insertedCount: 1 }, { code: 64, errmsg: 'wtimeout' })).collection,
    );
    const outcomes = await settle([insert({ a: 1 }), insert({ a: 2 })]);
    assert.deepEqual(
      outcomes.map((o) => o.status),
      ['rejected', 'rejected'],
    );
  });

  it('fails every call when the reply does not account for every document', async () => {
    const insert = batchedInsert(fakeCollection(() => ({ insertedCount: 1 })).collection);
    const outcomes = await settle([insert({ a: 1 }), insert({ a: 2 })]);
    assert.deepEqual(
      outcomes.map((o) => o.status),
      ['rejected', 'rejected'],
    );
    assert.ok(isDatabaseUnavailable((outcomes[0] as PromiseRejectedResult).reason));
  });

  it('still answers a duplicate key to its own call alone', async () => {
    const insert = batchedInsert(fakeCollection(() => duplicateAt(1, { insertedCount: 2 })).collection);
    const outcomes = await settle([insert({ a: 1 }), insert({ a: 2 }), insert({ a: 3 })]);
    assert.deepEqual(
      outcomes.map((o) => o.status),
      ['fulfilled', 'rejected', 'fulfilled'],
    );
    assert.equal(((outcomes[1] as PromiseRejectedResult).reason as { code: number }).code, 11000);
  });

  it('reads a socket that failed under a command (the server died as it was written to) as unavailable', () => {
    // The driver may pass the system's error on as it is: a 503 ("try again"), never a 500.
    const epipe = Object.assign(new Error('write EPIPE'), { code: 'EPIPE', errno: -32, syscall: 'write' });
    assert.ok(isDatabaseUnavailable(epipe));
    assert.ok(isDatabaseUnavailable(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })));
    assert.ok(!isDatabaseUnavailable(Object.assign(new Error('no such file'), { code: 'ENOENT' })));
  });

  it('sends conditional upserts together, answering an upsert refused by its _id to its own call', async () => {
    const sent: object[][] = [];
    const update = batchedUpdate(() => ({
      bulkWrite: async (ops: object[]) => {
        sent.push(ops);
        throw duplicateAt(1, { matchedCount: 0, upsertedCount: 1 });
      },
    }));
    const op = (id: string) => ({
      filter: { _id: id, n: { $lt: 3 } },
      update: { $inc: { n: 1 } },
      upsert: true,
    });
    const outcomes = await settle([update(op('a')), update(op('b'))]);
    assert.deepEqual(sent, [[{ updateOne: op('a') }, { updateOne: op('b') }]]);
    assert.deepEqual(
      outcomes.map((o) => o.status),
      ['fulfilled', 'rejected'],
    );
    assert.equal(((outcomes[1] as PromiseRejectedResult).reason as { code: number }).code, 11000);
  });

  it('reads only duplicate keys and validation failures as per-document errors', () => {
    assert.equal(perDocumentErrors(networkError()), null);
    assert.equal(perDocumentErrors(new MongoNetworkError('closed')), null);
    assert.equal(perDocumentErrors({ writeErrors: [] }), null);
    assert.equal(perDocumentErrors({ writeErrors: [{ index: 0, code: 91, errmsg: 'shutting down' }] }), null);
    assert.equal(
      perDocumentErrors({ writeErrors: [{ index: 0, code: 11000 }], writeConcernError: {} }),
      null,
    );
    assert.deepEqual(perDocumentErrors({ writeErrors: [{ index: 0, code: 121 }] }), [
      { index: 0, code: 121 },
    ]);
  });
});

describe('taking places in several slots at once: what a failure means', () => {
  const wants = [
    { slotId: new Types.ObjectId(), n: 2 },
    { slotId: new Types.ObjectId(), n: 1 },
  ];
  function slots(answer: () => unknown) {
    return {
      bulkWrite: async () => {
        const out = answer();
        if (out instanceof Error) throw out;
        return out;
      },
      deleteMany: async () => ({ deletedCount: 0 }),
    } as never;
  }

  it('throws, taking nothing for anyone, when the connection is lost (writeErrors: [])', async () => {
    await assert.rejects(takePlacesInSlots(wants, slots(networkError)), (err) => isDatabaseUnavailable(err));
  });

  it('throws on a write-concern error even with per-slot answers', async () => {
    const error = duplicateAt(1, { matchedCount: 1, upsertedCount: 0 }, { code: 64, errmsg: 'wtimeout' });
    await assert.rejects(
      takePlacesInSlots(
        wants,
        slots(() => error),
      ),
    );
  });

  it('throws when the reply does not account for every slot', async () => {
    await assert.rejects(
      takePlacesInSlots(
        wants,
        slots(() => ({ matchedCount: 1, upsertedCount: 0, upsertedIds: {} })),
      ),
      (err) => isDatabaseUnavailable(err),
    );
  });

  it('answers a full slot (its duplicate key) to that slot alone', async () => {
    const error = duplicateAt(1, { matchedCount: 1, upsertedCount: 0 });
    assert.deepEqual(
      await takePlacesInSlots(
        wants,
        slots(() => error),
      ),
      [true, false],
    );
  });
});
