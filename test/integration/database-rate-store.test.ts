// The rate limits' store in the database: what one process counts, every process sees, and
// no concurrency loses a hit or counts one twice. Two stores stand for two processes (each
// builds its own); they share nothing but the database.
import assert from 'node:assert/strict';
import type { Options } from 'express-rate-limit';
import mongoose from 'mongoose';
import { DatabaseRateStore, RATE_LIMIT_COLLECTION } from '../../src/lib/database-rate-store.ts';
import { failureCounter } from '../../src/web/limits/failure-counter.ts';
import { resetDatabase } from '../helpers/test-app.ts';

const WINDOW = 60_000;

function store(now: () => number, prefix = 'test:') {
  const s = new DatabaseRateStore(prefix, now);
  s.init({ windowMs: WINDOW } as Options);
  return s;
}

describe('rate limits kept in the database', () => {
  let t = Date.parse('2026-08-10T01:00:00Z');
  const now = () => t;
  beforeEach(async () => {
    t = Date.parse('2026-08-10T01:00:00Z');
    await resetDatabase();
  });

  it('counts every one of many simultaneous hits from two processes once, in one window', async () => {
    const [a, b] = [store(now), store(now)];
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) => (i % 2 ? a : b).increment('203.0.113.7')),
    );
    assert.deepEqual(
      answers.map((r) => r.totalHits).sort((x, y) => x - y),
      Array.from({ length: 200 }, (_, i) => i + 1),
    );
    const resets = new Set(answers.map((r) => r.resetTime?.toISOString()));
    assert.deepEqual([...resets], ['2026-08-10T01:01:00.000Z'], 'one window, begun by the first hit');
    assert.deepEqual(await a.get('203.0.113.7'), {
      totalHits: 200,
      resetTime: new Date('2026-08-10T01:01:00.000Z'),
    });
    const docs = await mongoose.connection.db!.collection(RATE_LIMIT_COLLECTION).find({}).toArray();
    assert.equal(docs.length, 1);
  });

  it('starts a new window after the last one ended, once, however many processes hit it then', async () => {
    const [a, b] = [store(now), store(now)];
    await a.increment('k');
    await b.increment('k');
    t += WINDOW;
    assert.equal(await a.get('k'), undefined, 'the window ended');
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => (i % 2 ? a : b).increment('k')));
    assert.deepEqual(
      answers.map((r) => r.totalHits).sort((x, y) => x - y),
      Array.from({ length: 50 }, (_, i) => i + 1),
    );
    assert.equal((await b.get('k'))?.resetTime?.toISOString(), '2026-08-10T01:02:00.000Z');
  });

  it('gives back, forgets one key, and forgets all of its own keys but no other limit’s', async () => {
    const [a, other] = [store(now), store(now, 'other:')];
    await a.increment('k');
    await a.increment('k');
    await a.decrement('k');
    assert.equal((await a.get('k'))?.totalHits, 1);
    await a.resetKey('k');
    assert.equal(await a.get('k'), undefined);
    await a.increment('x');
    await other.increment('x');
    await a.resetAll();
    assert.equal(await a.get('x'), undefined);
    assert.equal((await other.get('x'))?.totalHits, 1);
  });

  it('keeps a failure counter’s allowance across processes: five failures in all, not five each', async () => {
    const counters = [0, 1].map(() =>
      failureCounter({
        name: 'lookup-pair',
        windowMs: WINDOW,
        limit: 5,
        now,
        store: store(now, 'lookup-pair:'),
      }),
    );
    for (let i = 0; i < 5; i++) await counters[i % 2]!.fail('ABC123|203.0.113.7');
    for (const counter of counters) assert.equal(await counter.retryAfter('ABC123|203.0.113.7'), 60);
    await counters[0]!.forget('ABC123|203.0.113.7');
    assert.equal(await counters[1]!.retryAfter('ABC123|203.0.113.7'), 0);
  });

  it('counts hits and give-backs without waiting for the journal ({ w: 1, j: false }); resets wait for it', async () => {
    const db = mongoose.connection.db!;
    const original = db.collection;
    const writes: string[] = [];
    const WRITES = ['findOneAndUpdate', 'bulkWrite', 'updateOne', 'deleteOne', 'deleteMany'];
    // Each write the store sends, with the write concern of the collection it goes through.
    db.collection = function (this: typeof db, ...args: Parameters<typeof original>) {
      const coll = original.apply(this, args);
      return new Proxy(coll, {
        get(target, prop) {
          const value = Reflect.get(target, prop);
          if (!WRITES.includes(String(prop))) return value;
          const j = target.writeConcern?.j;
          return (...a: unknown[]) => {
            writes.push(`${String(prop)} j:${j}`);
            return value.apply(target, a);
          };
        },
      });
    } as typeof original;
    // The batches' counts go as `update` commands (lib/update-command.ts), their concern in the command.
    const command = db.command;
    db.command = function (this: typeof db, ...args: Parameters<typeof command>) {
      const [cmd] = args as [{ update?: string; writeConcern?: { j?: boolean } }];
      if (cmd.update) writes.push(`update command j:${cmd.writeConcern?.j}`);
      return command.apply(this, args);
    } as typeof command;
    try {
      const a = store(now);
      await a.increment('k');
      await Promise.all(['k', 'other', 'third'].map((key) => a.increment(key)));
      await a.decrement('k');
      await a.resetKey('k');
    } finally {
      db.collection = original;
      db.command = command;
    }
    assert.equal((await store(now).get('other'))?.totalHits, 1);
    assert.deepEqual([...new Set(writes)].sort(), [
      'deleteOne j:undefined',
      'findOneAndUpdate j:false',
      'update command j:false',
      'updateOne j:false',
    ]);
  });

  it('lets the database remove what has ended (a TTL index on the system’s clock)', async () => {
    await store(now).increment('k');
    const indexes = await mongoose.connection.db!.collection(RATE_LIMIT_COLLECTION).indexes();
    const ttl = indexes.find((i) => i.key.expiresAt === 1);
    assert.equal(ttl?.expireAfterSeconds, 0);
    const doc = await mongoose.connection.db!.collection(RATE_LIMIT_COLLECTION).findOne({});
    assert.ok(doc!.expiresAt.getTime() > Date.now(), 'kept at least until the window ends in real time');
  });
});
