// Engine only: what a write concern asks of the journal. `{ w: 1, j: false }` (and `w: 0`) is
// acknowledged once applied, visible at once, and written to the journal in order with the next
// group commit, so a later journaled write's fsync covers it; every other write, with no
// concern, `{ w: 1 }` or `j: true`, is acknowledged only once its journal is on disk. The
// journal's batches are held back through its file operations to see who waits for them; a crash is
// stood for by copying the data directory as it is on disk and starting an engine on the copy.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCommand } from '../../src/embedded-mongo/commands/index.ts';
import { Engine } from '../../src/embedded-mongo/engine.ts';
import { fileIo, type JournalIo } from '../../src/embedded-mongo/journal-io.ts';
import type { Doc } from '../../src/embedded-mongo/values.ts';
import { usingEmbeddedEngine, waitFor } from './support.ts';

const NO_JOURNAL = { w: 1, j: false };

/** The journal's file operations with a gate: while it is held, no batch reaches the file. */
function gatedIo() {
  let open: () => void = () => undefined;
  let gate: Promise<void> | null = null;
  const io = {
    failSync: false,
    hold() {
      gate = new Promise((r) => {
        open = r;
      });
    },
    release() {
      gate = null;
      open();
    },
    append: async (fd: number, buf: Buffer) => {
      if (gate) await gate;
      await fileIo.append(fd, buf);
    },
    truncate: fileIo.truncate,
    sync: async (fd: number) => {
      if (io.failSync) {
        io.failSync = false;
        throw Object.assign(new Error('EIO: injected'), { code: 'EIO' });
      }
      await fileIo.sync(fd);
    },
  } satisfies JournalIo & Record<string, unknown>;
  return io;
}

function engineOn(dir: string, io?: JournalIo) {
  const lines: string[] = [];
  const engine = new Engine(dir, (l) => lines.push(l), io);
  engine.open();
  const run = (cmd: Doc) =>
    runCommand(cmd, { engine, db: 'wc', connectionId: 1, remote: 'test', messageSize: 0 });
  const ids = async () => {
    const reply = await run({ find: 'docs', filter: {}, sort: { _id: 1 } });
    return (reply.cursor as { firstBatch: Doc[] }).firstBatch.map((d) => d._id);
  };
  return { engine, run, ids, lines };
}

/** Whether a promise has settled once the event loop has turned a few times. */
async function settled(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  void p.then(
    () => {
      done = true;
    },
    () => {
      done = true;
    },
  );
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
  return done;
}

/** What a crash at this instant leaves: the data directory's files as they are now. */
async function idsAfterCrash(dir: string): Promise<unknown[]> {
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'write-concern-crash-'));
  try {
    for (const f of fs.readdirSync(dir))
      if (f !== 'mongod.lock') fs.copyFileSync(path.join(dir, f), path.join(copy, f));
    const after = engineOn(copy);
    try {
      return await after.ids();
    } finally {
      await after.engine.close();
    }
  } finally {
    fs.rmSync(copy, { recursive: true, force: true });
  }
}

const journalHolds = (dir: string, text: string) =>
  fs
    .readdirSync(dir)
    .filter((f) => f.startsWith('journal.'))
    .some((f) => fs.readFileSync(path.join(dir, f)).includes(text));

describe('engine: writes acknowledged before the journal (writeConcern j: false)', () => {
  let dir: string;

  before(function () {
    if (!usingEmbeddedEngine()) this.skip();
  });
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'write-concern-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('acknowledges a j: false write once applied, shows it at once, and a later journaled write puts it on disk', async () => {
    const io = gatedIo();
    const db = engineOn(dir, io);
    io.hold();
    const hit = await db.run({ insert: 'docs', documents: [{ _id: 'hit-1' }], writeConcern: NO_JOURNAL });
    assert.equal(hit.ok, 1);
    assert.equal(hit.n, 1);
    assert.deepEqual(await db.ids(), ['hit-1'], 'visible before it is on disk');
    const second = db.run({
      update: 'docs',
      updates: [{ q: { _id: 'hit-1' }, u: { $inc: { hits: 1 } } }],
      writeConcern: NO_JOURNAL,
    });
    assert.equal((await second).ok, 1, 'a second one is not held behind the fsync in flight either');
    const booking = db.run({ insert: 'docs', documents: [{ _id: 'booking' }] });
    assert.equal(await settled(booking), false, 'a write without a concern waits for its fsync');
    io.release();
    assert.equal((await booking).ok, 1);
    assert.deepEqual(
      await idsAfterCrash(dir),
      ['booking', 'hit-1'],
      'the journaled write’s fsync covered the hit',
    );
    await db.engine.close();
  });

  for (const concern of [undefined, { w: 1 }, { w: 1, j: true }, { w: 0, j: true }, { fsync: true }]) {
    it(`acknowledges a write with ${JSON.stringify(concern) ?? 'no concern'} only once it is on disk`, async () => {
      const io = gatedIo();
      const db = engineOn(dir, io);
      io.hold();
      const write = db.run({
        insert: 'docs',
        documents: [{ _id: 1 }],
        ...(concern && { writeConcern: concern }),
      });
      assert.equal(await settled(write), false);
      assert.deepEqual(await idsAfterCrash(dir), [], 'not on disk yet');
      io.release();
      assert.equal((await write).ok, 1);
      assert.deepEqual(await idsAfterCrash(dir), [1]);
      await db.engine.close();
    });
  }

  it('writes a j: false (or w: 0) write to the journal soon on its own, with no other write after it', async () => {
    const db = engineOn(dir, gatedIo());
    await db.run({ insert: 'docs', documents: [{ _id: 'alone-j' }], writeConcern: NO_JOURNAL });
    await db.run({ insert: 'docs', documents: [{ _id: 'alone-w0' }], writeConcern: { w: 0 } });
    await waitFor(() => journalHolds(dir, 'alone-w0'), 10_000, 'the journal to hold the write');
    await waitFor(async () => (await idsAfterCrash(dir)).length === 2, 10_000, 'both on disk');
    assert.deepEqual(await idsAfterCrash(dir), ['alone-j', 'alone-w0']);
    await db.engine.close();
  });

  it('takes a j: false write back, as any other, when its batch fails to reach the disk', async () => {
    const io = gatedIo();
    const db = engineOn(dir, io);
    await db.run({ insert: 'docs', documents: [{ _id: 1 }] });
    io.failSync = true;
    assert.equal((await db.run({ insert: 'docs', documents: [{ _id: 2 }], writeConcern: NO_JOURNAL })).ok, 1);
    await waitFor(() => db.lines.some((l) => /journal write failed/.test(l)), 10_000, 'the failed batch');
    assert.deepEqual(await db.ids(), [1], 'memory equals the disk again');
    assert.equal((await db.run({ insert: 'docs', documents: [{ _id: 3 }] })).ok, 1, 'writes go on');
    assert.deepEqual(await idsAfterCrash(dir), [1, 3]);
    await db.engine.close();
  });
});
