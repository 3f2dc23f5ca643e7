// Hits of the rate limits counted together: concurrent hits share a bulk write and a read, each
// still getting its own exact count, and two processes (two hit counters on one database) still
// spend one allowance. A limit that is off never reaches its store.
import assert from 'node:assert/strict';
import express from 'express';
import type { Options, Store } from 'express-rate-limit';
import mongoose from 'mongoose';
import request from 'supertest';
import { DatabaseRateStore, RATE_LIMIT_COLLECTION } from '../../src/lib/database-rate-store.ts';
import { type CountersLike, createHitCounter } from '../../src/lib/rate-count-batch.ts';
import { keyedLimit, perAddressLimit } from '../../src/web/limits/rate-limit.ts';
import { resetDatabase } from '../helpers/test-app.ts';

const WINDOW = 60_000;

/** One process's hit counter, counting the commands it sends; `beforeRead` runs before its reads. */
function processCounter(opts: { beforeRead?: () => Promise<void> } = {}) {
  const commands = { findOneAndUpdate: 0, bulkWrite: 0, find: 0 };
  const real = () => mongoose.connection.db!.collection(RATE_LIMIT_COLLECTION) as unknown as CountersLike;
  const counting: CountersLike = {
    findOneAndUpdate: (...args) => {
      commands.findOneAndUpdate++;
      return real().findOneAndUpdate(...args);
    },
    bulkWrite: (...args) => {
      commands.bulkWrite++;
      return real().bulkWrite(...args);
    },
    find: (filter) => {
      commands.find++;
      return {
        toArray: async () => {
          await opts.beforeRead?.();
          return real().find(filter).toArray();
        },
      };
    },
  };
  return { count: createHitCounter(() => counting), commands };
}

function store(count: ReturnType<typeof processCounter>['count'], now: () => number, prefix = 'book:') {
  const s = new DatabaseRateStore(prefix, now, count);
  s.init({ windowMs: WINDOW } as Options);
  return s;
}

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const oneTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe('rate-limit hits counted together', () => {
  let t = Date.parse('2026-08-10T01:00:00Z');
  const now = () => t;
  beforeEach(async () => {
    t = Date.parse('2026-08-10T01:00:00Z');
    await resetDatabase();
  });

  it('counts 300 simultaneous hits of 30 keys in a few commands, every hit of a key its own count', async () => {
    const p = processCounter();
    const s = store(p.count, now);
    const keys = Array.from({ length: 30 }, (_, i) => `pair-${i}`);
    const hits = Array.from({ length: 300 }, (_, i) => keys[i % 30]!);
    const answers = await Promise.all(hits.map((k) => s.increment(k)));
    for (const k of keys) {
      const counts = answers.filter((_, i) => hits[i] === k).map((a) => a.totalHits);
      assert.deepEqual(sorted(counts), oneTo(10), `${k}: one count each, 1 to 10`);
      assert.equal((await s.get(k))?.totalHits, 10);
    }
    const sent = p.commands.bulkWrite + p.commands.find + p.commands.findOneAndUpdate;
    assert.ok(sent <= 6, `${sent} commands for 300 hits`);
  });

  it('keeps one allowance across two processes counting the same keys at once', async () => {
    const [a, b] = [processCounter(), processCounter()];
    const [sa, sb] = [store(a.count, now), store(b.count, now)];
    const hits = Array.from({ length: 200 }, (_, i) => ({ key: `pair-${i % 4}`, s: i % 3 ? sa : sb }));
    const answers = await Promise.all(hits.map((h) => h.s.increment(h.key)));
    for (let k = 0; k < 4; k++) {
      const counts = answers.filter((_, i) => hits[i]!.key === `pair-${k}`).map((r) => r.totalHits);
      assert.deepEqual(sorted(counts), oneTo(50), 'every count given once, across both processes');
    }
  });

  it('gives a batch its own counts when another process counts the same keys between its write and its read', async () => {
    const other = processCounter();
    const otherStore = store(other.count, now);
    let interleaved = false;
    const p = processCounter({
      beforeRead: async () => {
        if (interleaved) return;
        interleaved = true;
        // Three hits of `x` and one of `y` from elsewhere, after this batch wrote and before it reads.
        await Promise.all([otherStore.increment('x'), otherStore.increment('y')]);
        await Promise.all([otherStore.increment('x'), otherStore.increment('x')]);
      },
    });
    const s = store(p.count, now);
    // A hit of each first, so that the batch finds both keys there and reads their counts back.
    await otherStore.increment('x');
    await otherStore.increment('y');
    const first = await Promise.all([s.increment('x'), s.increment('x'), s.increment('y')]);
    assert.ok(interleaved, 'the batch read its counts back');
    assert.deepEqual(
      first.map((r) => r.totalHits),
      [2, 3, 2],
      'the counts at this batch’s write, not at its read',
    );
    assert.equal((await s.get('x'))?.totalHits, 6);
    assert.equal((await s.get('y'))?.totalHits, 3);
    assert.equal(p.commands.bulkWrite, 1);
  });

  it('reads back only the keys that were there: first hits of their windows are counted by the write alone', async () => {
    const p = processCounter();
    const s = store(p.count, now);
    await s.increment('seen');
    const hits = ['new-1', 'new-1', 'new-2', 'seen', 'seen'];
    const answers = await Promise.all(hits.map((k) => s.increment(k)));
    assert.deepEqual(
      answers.map((r) => r.totalHits),
      [1, 2, 1, 2, 3],
    );
    for (const [i, k] of hits.entries()) {
      const stored = await s.get(k);
      assert.equal(answers[i]!.resetTime?.getTime(), stored?.resetTime?.getTime(), `${k}: its window`);
    }
    assert.equal((await s.get('new-1'))?.totalHits, 2);
    assert.equal(p.commands.find, 1, 'one read, for the key that was there');
    const fresh = await Promise.all(['a', 'b', 'b', 'c'].map((k) => s.increment(k)));
    assert.deepEqual(
      fresh.map((r) => r.totalHits),
      [1, 1, 2, 1],
    );
    assert.equal(p.commands.find, 1, 'no read for a batch of first hits');
  });

  it('starts an ended window again for a key counted in a batch', async () => {
    const p = processCounter();
    const s = store(p.count, now);
    await Promise.all([s.increment('x'), s.increment('y'), s.increment('y')]);
    t += WINDOW;
    const again = await Promise.all([s.increment('x'), s.increment('x'), s.increment('y')]);
    assert.deepEqual(sorted(again.map((r) => r.totalHits)), [1, 1, 2]);
    assert.equal((await s.get('x'))?.resetTime?.toISOString(), '2026-08-10T01:02:00.000Z');
  });

  it('counts on after a give-back', async () => {
    const p = processCounter();
    const s = store(p.count, now);
    await s.increment('x');
    await s.increment('x');
    await s.decrement('x');
    const answers = await Promise.all([s.increment('x'), s.increment('z')]);
    assert.deepEqual(
      answers.map((r) => r.totalHits),
      [2, 1],
    );
  });
});

describe('a limit that is off', () => {
  /** A store that fails the test if it is ever asked anything. */
  function untouchable(): { stores: (name: string) => Store; asked: string[] } {
    const asked: string[] = [];
    const refuse = (what: string) => () => {
      asked.push(what);
      throw new Error(`the store was asked to ${what}`);
    };
    const store = {
      init: () => undefined,
      get: refuse('get'),
      increment: refuse('increment'),
      decrement: refuse('decrement'),
      resetKey: refuse('resetKey'),
    } as unknown as Store;
    const stores = (name: string) => {
      asked.push(`create ${name}`);
      return store;
    };
    return { stores, asked };
  }

  it('writes nothing, for the per-address ceiling at 0 and for a keyed limit at 0', async () => {
    const { stores, asked } = untouchable();
    const app = express();
    app.use(express.json());
    app.use(perAddressLimit(0, stores));
    app.post(
      '/book',
      keyedLimit({ name: 'book', windowMs: WINDOW, limit: 0, key: () => 'pair', stores }),
      (_req, res) => res.status(201).end(),
    );
    for (let i = 0; i < 3; i++) await request(app).post('/book').send({}).expect(201);
    assert.deepEqual(asked, []);
  });
});
