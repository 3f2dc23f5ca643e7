// Steps that must happen one after another (an address's send, then a phone's): the calls of a
// moment share one ordered command; a step refused ends its call there and never lets its
// later steps through; the other calls go on; a failure of the command as a whole fails every
// call still going. The errors are built with the driver's own classes, as it throws them.
import assert from 'node:assert/strict';
import { MongoBulkWriteError, MongoNetworkError } from 'mongodb';
import type { UpdateOne } from '../../src/lib/batched-db.ts';
import { batchedSteps } from '../../src/lib/batched-steps.ts';

type BulkResult = ConstructorParameters<typeof MongoBulkWriteError>[1];
const result = () => ({ getWriteConcernError: () => undefined }) as unknown as BulkResult;

const refusal = (index: number, code: number) => ({
  index,
  code,
  errmsg:
    code === 11000 ? 'E11000 duplicate key error collection: t.x index: _id_' : 'Document failed validation',
});

/**
 * A collection that applies updates as a server does, ordered or not, refusing those `refuse`
 * names (with a duplicate key, unless it gives another code); `applied` lists what was stored.
 */
function fakeCollection(refuse: (op: UpdateOne) => number | undefined, failAll = false) {
  const applied: string[] = [];
  const commands: { ordered: boolean; ops: string[] }[] = [];
  return {
    applied,
    commands,
    collection: () => ({
      bulkWrite: async (ops: { updateOne: UpdateOne }[], options: { ordered: boolean }) => {
        commands.push({ ordered: options.ordered, ops: ops.map((o) => String(o.updateOne.filter._id)) });
        if (failAll) throw new MongoBulkWriteError(new MongoNetworkError('connection closed'), result());
        const errors: ReturnType<typeof refusal>[] = [];
        for (const [index, { updateOne }] of ops.entries()) {
          const code = refuse(updateOne);
          if (code === undefined) applied.push(String(updateOne.filter._id));
          else {
            errors.push(refusal(index, code));
            if (options.ordered) break;
          }
        }
        if (errors.length)
          throw new MongoBulkWriteError(
            { message: 'write errors', code: errors[0]!.code, writeErrors: errors } as never,
            result(),
          );
        return { matchedCount: applied.length };
      },
    }),
  };
}

const step = (id: string): UpdateOne => ({ filter: { _id: id }, update: { $set: { x: 1 } }, upsert: true });
const call = (name: string) => [step(`address:${name}`), step(`phone:${name}`)];

describe('batched steps', () => {
  it('applies every call’s steps in order, in one ordered command, when nothing is refused', async () => {
    const fake = fakeCollection(() => undefined);
    const take = batchedSteps(fake.collection);
    assert.deepEqual(await Promise.all([take(call('a')), take(call('b')), take(call('c'))]), [2, 2, 2]);
    assert.deepEqual(fake.commands, [
      { ordered: true, ops: ['address:a', 'phone:a', 'address:b', 'phone:b', 'address:c', 'phone:c'] },
    ]);
  });

  it('never applies the steps after a refused one; the other calls go on', async () => {
    const fake = fakeCollection((op) => (op.filter._id === 'address:b' ? 11000 : undefined));
    const take = batchedSteps(fake.collection);
    const answers = await Promise.all([take(call('a')), take(call('b')), take(call('c')), take(call('d'))]);
    assert.deepEqual(answers, [2, 0, 2, 2]);
    assert.deepEqual(fake.applied.sort(), [
      'address:a',
      'address:c',
      'address:d',
      'phone:a',
      'phone:c',
      'phone:d',
    ]);
    assert.ok(fake.commands.length <= 3, 'a refusal costs at most one command per step more');
  });

  it('answers how many steps were applied when a later step is refused', async () => {
    const fake = fakeCollection((op) => (op.filter._id === 'phone:a' ? 11000 : undefined));
    const take = batchedSteps(fake.collection);
    assert.deepEqual(await Promise.all([take(call('a')), take(call('b'))]), [1, 2]);
    assert.deepEqual(fake.applied.sort(), ['address:a', 'address:b', 'phone:b']);
  });

  it('keeps a call’s order after a refusal: its second step only once its first is stored', async () => {
    // The first call is refused at once; every other call's first step is then taken in a round
    // of its own, before its second.
    const fake = fakeCollection((op) => (op.filter._id === 'address:a' ? 11000 : undefined));
    const take = batchedSteps(fake.collection);
    assert.deepEqual(await Promise.all([take(call('a')), take(call('b')), take(call('c'))]), [0, 2, 2]);
    for (const name of ['b', 'c'])
      assert.ok(fake.applied.indexOf(`address:${name}`) < fake.applied.indexOf(`phone:${name}`));
  });

  it('rejects a call whose step is refused for another reason than a duplicate key, and that call only', async () => {
    const fake = fakeCollection((op) => (op.filter._id === 'phone:b' ? 121 : undefined));
    const take = batchedSteps(fake.collection);
    const answers = await Promise.allSettled([take(call('a')), take(call('b')), take(call('c'))]);
    assert.deepEqual(
      answers.map((a) => a.status),
      ['fulfilled', 'rejected', 'fulfilled'],
    );
  });

  it('fails every call when the command fails as a whole (the connection lost)', async () => {
    const fake = fakeCollection(() => undefined, true);
    const take = batchedSteps(fake.collection);
    const answers = await Promise.allSettled([take(call('a')), take(call('b'))]);
    assert.deepEqual(
      answers.map((a) => a.status),
      ['rejected', 'rejected'],
    );
  });
});
