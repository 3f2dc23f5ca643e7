// Updates sent as the database's `update` command read as the driver's bulk write would: what
// matched and what was inserted by index, a refused update as that update's own error (an
// ordered write stopping there), the write concern carried in the command; and the steps of
// a verification code's sends, going this way, still wait for the journal.
import assert from 'node:assert/strict';
import mongoose from 'mongoose';
import { bulkUpdates } from '../../src/lib/batched-db.ts';
import { isDatabaseUnavailable, perDocumentErrors } from '../../src/lib/database-errors.ts';
import { isDuplicate } from '../../src/lib/duplicate-key.ts';
import { updateCommand } from '../../src/lib/update-command.ts';
import { resetDatabase } from '../helpers/test-app.ts';
import { verificationWorld } from './verification-support.ts';

const NAME = 'update_command_test';

/** The test database's `update` commands while `run` runs, as they were sent. */
async function commandsDuring(run: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
  const db = mongoose.connection.db!;
  const command = db.command;
  const sent: Record<string, unknown>[] = [];
  db.command = function (this: typeof db, ...args: Parameters<typeof command>) {
    const [cmd] = args as [Record<string, unknown>];
    if (cmd.update) sent.push(cmd);
    return command.apply(this, args);
  } as typeof command;
  try {
    await run();
  } finally {
    db.command = command;
  }
  return sent;
}

describe('updates as one update command', () => {
  const updates = (writeConcern?: { w?: number; j?: boolean }) =>
    updateCommand(() => ({ db: mongoose.connection.db!, name: NAME, writeConcern }));
  const docs = () => mongoose.connection.db!.collection<{ _id: string; n: number }>(NAME);

  beforeEach(async () => {
    await resetDatabase();
  });

  it('answers what matched and what was inserted, by index', async () => {
    await docs().insertOne({ _id: 'a', n: 1 });
    const res = await updates().bulkWrite(
      [
        { updateOne: { filter: { _id: 'a' }, update: { $inc: { n: 1 } }, upsert: true } },
        { updateOne: { filter: { _id: 'b' }, update: { $inc: { n: 1 } }, upsert: true } },
        { updateOne: { filter: { _id: 'c', n: 5 }, update: { $inc: { n: 1 } } } },
      ],
      { ordered: false },
    );
    assert.equal(res.matchedCount, 1);
    assert.equal(res.upsertedCount, 1);
    assert.deepEqual(res.upsertedIds, { 1: 'b' });
    assert.deepEqual(await docs().find().sort({ _id: 1 }).toArray(), [
      { _id: 'a', n: 2 },
      { _id: 'b', n: 1 },
    ]);
  });

  it('stops an ordered write at the update refused, that update’s error its own (a duplicate key)', async () => {
    await docs().insertOne({ _id: 'full', n: 3 });
    const ops = ['x', 'full', 'y'].map((_id) => ({
      filter: { _id, n: { $lt: 3 } },
      update: { $inc: { n: 1 } },
      upsert: true,
    }));
    const refused = await bulkUpdates(updates(), ops, true);
    assert.deepEqual([...refused.keys()], [1]);
    assert.ok(isDuplicate(refused.get(1)), 'a conditional upsert over its limit collides on _id');
    assert.deepEqual(
      (await docs().find().sort({ _id: 1 }).toArray()).map((d) => d._id),
      ['full', 'x'],
    );
    const err = await updates()
      .bulkWrite([{ updateOne: ops[1]! }], { ordered: true })
      .catch((e: unknown) => e);
    assert.equal(perDocumentErrors(err)?.length, 1, 'read as the driver’s bulk write error');
    assert.equal(isDatabaseUnavailable(err), false, 'a document’s own refusal, not the database away');
  });

  it('carries the write concern it is given, and none of its own otherwise', async () => {
    const sent = await commandsDuring(async () => {
      await updates({ w: 1, j: false }).bulkWrite(
        [{ updateOne: { filter: { _id: 'a' }, update: { $set: { n: 1 } }, upsert: true } }],
        { ordered: false },
      );
      await updates().bulkWrite([{ updateOne: { filter: { _id: 'a' }, update: { $set: { n: 2 } } } }], {
        ordered: true,
      });
    });
    assert.deepEqual(
      sent.map((c) => c.writeConcern),
      [{ w: 1, j: false }, undefined],
    );
  });

  it('keeps a verification code’s sends journaled: no j: false in their command', async () => {
    const { service } = verificationWorld();
    const sent = await commandsDuring(() =>
      service.issue({ phone: '13800138000', purpose: 'booking', address: '203.0.113.7', locale: 'zh-CN' }),
    );
    const sends = sent.filter((c) => c.update === 'verification_codes');
    assert.equal(sends.length, 1, 'the address’s and the phone’s sends in one command');
    assert.notEqual((sends[0]!.writeConcern as { j?: boolean } | undefined)?.j, false);
  });

  describe('after a failover', () => {
    /** A database whose first command fails with `err`, the next ones answered as one document updated. */
    function failingDb(err: unknown) {
      const sent: unknown[] = [];
      const db = {
        async command(cmd: Record<string, unknown>) {
          sent.push(cmd);
          if (sent.length === 1) throw err;
          return { ok: 1, n: 1, nModified: 1 };
        },
      };
      return { db, sent };
    }
    const op = { updateOne: { filter: { _id: 'a' }, update: { $inc: { n: 1 } } } };

    it('sends the command once more when a stepped-down primary refused it (none of it applied)', async () => {
      const { db, sent } = failingDb(Object.assign(new Error('not primary'), { code: 10107 }));
      const res = await updateCommand(() => ({ db, name: NAME })).bulkWrite([op], { ordered: true });
      assert.equal(res.matchedCount, 1);
      assert.equal(sent.length, 2);
      assert.deepEqual(sent[1], sent[0]);
    });

    it('does not send again a command whose connection was lost (its outcome unknown: it could apply twice)', async () => {
      const lost = Object.assign(new Error('connection closed'), { name: 'MongoNetworkError' });
      const { db, sent } = failingDb(lost);
      const err = await updateCommand(() => ({ db, name: NAME }))
        .bulkWrite([op], { ordered: true })
        .catch((e: unknown) => e);
      assert.equal(err, lost);
      assert.equal(sent.length, 1);
    });
  });
});
