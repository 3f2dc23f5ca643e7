// Engine only: what the journal does when the disk fails it. A batch that cannot be written
// (no space, an I/O error, a short write, a failed fsync) is cut back off the file, and it and
// everything made after it are taken back out of memory before any command is answered: each
// waiting command gets an error, memory equals what a restart reads, and the next write goes
// to the disk again. Faults are injected through the journal's file operations; commands run
// through the engine's own dispatcher, as the wire server runs them.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCommand } from '../../src/embedded-mongo/commands/index.ts';
import { Engine } from '../../src/embedded-mongo/engine.ts';
import { fileIo, type JournalIo } from '../../src/embedded-mongo/journal-io.ts';
import type { Doc } from '../../src/embedded-mongo/values.ts';
import { usingEmbeddedEngine } from './support.ts';

const errno = (code: string) => Object.assign(new Error(`${code}: injected`), { code });

/** The journal's file operations, with faults to order and a way to hold a write in flight. */
function faultyIo() {
  const io = {
    /** Fail the next append: 'short' writes half the batch first, as a filling disk does. */
    failAppend: null as null | 'ENOSPC' | 'EIO' | 'short',
    failSync: null as null | 'EIO',
    failTruncate: 0,
    /** When set, appends wait for it (the batch stays in flight). */
    hold: null as Promise<void> | null,
    appends: 0,
    onAppend: (() => undefined) as () => void,
    append: async (fd: number, buf: Buffer) => {
      io.appends++;
      io.onAppend();
      if (io.hold) await io.hold;
      const fault = io.failAppend;
      io.failAppend = null;
      if (fault === 'short') {
        fs.writeSync(fd, buf, 0, Math.floor(buf.length / 2));
        throw errno('ENOSPC');
      }
      if (fault) throw errno(fault);
      await fileIo.append(fd, buf);
    },
    sync: async (fd: number) => {
      const fault = io.failSync;
      io.failSync = null;
      if (fault) throw errno(fault);
      await fileIo.sync(fd);
    },
    truncate: async (fd: number, length: number) => {
      if (io.failTruncate > 0) {
        io.failTruncate--;
        throw errno('EIO');
      }
      await fileIo.truncate(fd, length);
    },
  } satisfies JournalIo & Record<string, unknown>;
  return io;
}

function open(dir: string, io?: JournalIo) {
  const lines: string[] = [];
  const engine = new Engine(dir, (l) => lines.push(l), io);
  engine.open();
  const run = (cmd: Doc) =>
    runCommand(cmd, { engine, db: 'faults', connectionId: 1, remote: 'test', messageSize: 0 });
  return { engine, run, lines };
}

const journalSize = (dir: string) =>
  fs
    .readdirSync(dir)
    .filter((f) => f.startsWith('journal.'))
    .reduce((n, f) => n + fs.statSync(path.join(dir, f)).size, 0);

async function ids(run: (cmd: Doc) => Promise<Doc>, coll = 'docs'): Promise<unknown[]> {
  const reply = await run({ find: coll, filter: {}, sort: { _id: 1 } });
  return (reply.cursor as { firstBatch: Doc[] }).firstBatch.map((d) => d._id);
}

describe('engine: a journal write that fails is taken back', () => {
  let dir: string;

  before(function () {
    if (!usingEmbeddedEngine()) this.skip();
  });
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'journal-faults-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  for (const fault of ['short', 'ENOSPC', 'EIO'] as const) {
    it(`refuses a write whose append fails (${fault}), keeps memory equal to the disk, and writes again after`, async () => {
      const io = faultyIo();
      let db = open(dir, io);
      assert.equal((await db.run({ insert: 'docs', documents: [{ _id: 1 }] })).ok, 1);
      const before = journalSize(dir);
      io.failAppend = fault;
      const refused = await db.run({ insert: 'docs', documents: [{ _id: 2 }] });
      assert.equal(refused.ok, 0);
      assert.equal(refused.code, fault === 'EIO' ? 39 : 14031, String(refused.errmsg));
      assert.match(String(refused.errmsg), /the write was not applied/);
      assert.deepEqual(await ids(db.run), [1], 'the refused document is not visible');
      assert.equal(journalSize(dir), before, 'the partial record is cut off the file');
      assert.equal((await db.run({ insert: 'docs', documents: [{ _id: 3 }] })).ok, 1, 'writes go on');
      await db.engine.close();

      db = open(dir);
      assert.deepEqual(await ids(db.run), [1, 3], 'a restart reads what was acknowledged, nothing else');
      await db.engine.close();
    });
  }

  it('takes back a batch whose fsync fails (EIO)', async () => {
    const io = faultyIo();
    let db = open(dir, io);
    await db.run({ insert: 'docs', documents: [{ _id: 1 }] });
    io.failSync = 'EIO';
    const update = await db.run({ update: 'docs', updates: [{ q: { _id: 1 }, u: { $set: { v: 2 } } }] });
    assert.equal(update.ok, 0);
    const found = await db.run({ find: 'docs', filter: { _id: 1 } });
    assert.deepEqual((found.cursor as { firstBatch: Doc[] }).firstBatch, [{ _id: 1 }]);
    await db.engine.close();
    db = open(dir);
    assert.deepEqual(
      ((await db.run({ find: 'docs', filter: {} })).cursor as { firstBatch: Doc[] }).firstBatch,
      [{ _id: 1 }],
    );
    await db.engine.close();
  });

  it('with group commit, fails the batch in flight and every change made after it, each command with an error', async () => {
    const io = faultyIo();
    let db = open(dir, io);
    await db.run({ insert: 'counters', documents: [{ _id: 'slot', remaining: 10 }] });
    let release!: () => void;
    io.hold = new Promise<void>((resolve) => {
      release = resolve;
    });
    let started!: () => void;
    const inFlight = new Promise<void>((resolve) => {
      started = resolve;
    });
    io.onAppend = () => started();
    const take = () =>
      db.run({
        findAndModify: 'counters',
        query: { _id: 'slot', remaining: { $gt: 0 } },
        update: { $inc: { remaining: -1 } },
        new: true,
      });
    // One place taken and its batch in flight; three more taken while it is (the next batch,
    // each counted down from a value the first one left).
    const first = take();
    await inFlight;
    const later = [take(), take(), take()];
    await new Promise((r) => setImmediate(r));
    io.failAppend = 'EIO';
    release();
    const replies = await Promise.all([first, ...later]);
    assert.deepEqual(
      replies.map((r) => r.ok),
      [0, 0, 0, 0],
      'no place is acknowledged: the later ones were counted from the failed one',
    );
    io.hold = null;
    const counter = await db.run({ find: 'counters', filter: { _id: 'slot' } });
    assert.equal((counter.cursor as { firstBatch: Doc[] }).firstBatch[0]!.remaining, 10, 'memory is back');
    const again = await take();
    assert.equal((again.value as Doc).remaining, 9);
    await db.engine.close();
    db = open(dir);
    const stored = await db.run({ find: 'counters', filter: { _id: 'slot' } });
    assert.equal((stored.cursor as { firstBatch: Doc[] }).firstBatch[0]!.remaining, 9);
    await db.engine.close();
  });

  it('cuts a failed write off before the next one when the first cut fails too', async () => {
    const io = faultyIo();
    let db = open(dir, io);
    await db.run({ insert: 'docs', documents: [{ _id: 1 }] });
    io.failAppend = 'short';
    io.failTruncate = 1;
    assert.equal((await db.run({ insert: 'docs', documents: [{ _id: 2 }] })).ok, 0);
    assert.equal((await db.run({ insert: 'docs', documents: [{ _id: 3 }] })).ok, 1);
    await db.engine.close();
    db = open(dir);
    assert.deepEqual(await ids(db.run), [1, 3], 'no partial record was left in the middle');
    await db.engine.close();
  });

  it('takes back every kind of change: indexes, collections, renames, dropped databases', async () => {
    const io = faultyIo();
    const db = open(dir, io);
    await db.run({ insert: 'docs', documents: [{ _id: 1, k: 'a' }] });
    await db.run({ createIndexes: 'docs', indexes: [{ key: { k: 1 }, name: 'k_1', unique: true }] });
    const state = async () => ({
      colls: (
        (await db.run({ listCollections: 1, nameOnly: true })).cursor as { firstBatch: Doc[] }
      ).firstBatch
        .map((c) => c.name)
        .sort(),
      indexes: ((await db.run({ listIndexes: 'docs' })).cursor as { firstBatch: Doc[] }).firstBatch.map(
        (i) => i.name,
      ),
      docs: await ids(db.run),
    });
    const before = await state();
    const changes: Doc[] = [
      { dropIndexes: 'docs', index: 'k_1' },
      { createIndexes: 'docs', indexes: [{ key: { v: 1 }, name: 'v_1' }] },
      { create: 'other' },
      { drop: 'docs' },
      { delete: 'docs', deletes: [{ q: {}, limit: 0 }] },
      { dropDatabase: 1 },
    ];
    for (const cmd of changes) {
      io.failAppend = 'EIO';
      assert.equal((await db.run(cmd)).ok, 0, JSON.stringify(cmd));
      assert.deepEqual(await state(), before, `after a refused ${Object.keys(cmd)[0]}`);
    }
    io.failAppend = 'EIO';
    const rename = await runCommand(
      { renameCollection: 'faults.docs', to: 'faults.moved' },
      { engine: db.engine, db: 'admin', connectionId: 1, remote: 'test', messageSize: 0 },
    );
    assert.equal(rename.ok, 0);
    assert.deepEqual(await state(), before, 'after a refused rename');
    // The unique index still holds after all that.
    const dup = await db.run({ insert: 'docs', documents: [{ _id: 2, k: 'a' }] });
    assert.equal((dup.writeErrors as Doc[])[0]!.code, 11000);
    await db.engine.close();
  });

  it('keeps the previous snapshot and journal when compaction fails, and goes on', async () => {
    let db = open(dir);
    await db.run({ insert: 'docs', documents: [{ _id: 1 }, { _id: 2 }] });
    // Compaction writes its snapshot to a temporary file first: make that impossible.
    fs.mkdirSync(path.join(dir, 'snapshot.bson.tmp'));
    const failed = await db.run({ compact: 'docs' });
    assert.equal(failed.ok, 0);
    assert.match(String(failed.errmsg), /previous snapshot and journal are kept/);
    assert.equal((await db.run({ insert: 'docs', documents: [{ _id: 3 }] })).ok, 1, 'the engine goes on');
    fs.rmdirSync(path.join(dir, 'snapshot.bson.tmp'));
    await db.engine.close();
    db = open(dir);
    assert.deepEqual(await ids(db.run), [1, 2, 3]);
    assert.equal((await db.run({ compact: 'docs' })).ok, 1, 'a later compaction succeeds');
    await db.run({ insert: 'docs', documents: [{ _id: 4 }] });
    await db.engine.close();
    db = open(dir);
    assert.deepEqual(await ids(db.run), [1, 2, 3, 4]);
    assert.deepEqual(
      fs.readdirSync(dir).filter((f) => f.startsWith('journal.')).length,
      1,
      'older journals are gone once a snapshot holds them',
    );
    await db.engine.close();
  });
});
