// Engine only: on-disk durability. Acknowledged writes survive `kill -9` of the engine's
// process (a `j: false` one once a later journaled write is acknowledged), a torn journal
// tail is discarded, a damaged record with readable ones after it
// stops the start (files untouched) until `--repair` recovers every intact record, data
// directories in the previous record format are read, compaction keeps everything, a second
// engine on the same directory refuses to start, and a spawned engine dies with its parent.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { BSON } from 'bson';
import { MongoClient } from 'mongodb';
import { spawnEmbeddedMongo, startEmbeddedMongo } from '../../src/embedded-mongo/index.ts';
import { usingEmbeddedEngine, waitFor } from './support.ts';

// Paths from the repository root, where the test scripts run. (No import.meta here: tsx
// would then load this file as ESM, and the engine a second time beside the root hooks' copy.)
const cliPath = path.resolve('src/embedded-mongo/cli.ts');
const indexPath = path.resolve('src/embedded-mongo/index.ts');
const tsxLoader = 'tsx';

/**
 * The environment for child engines, with coverage off: c8 merges the coverage of
 * processes killed or started at different moments badly (it lowers the parent's figures),
 * and these tests are about process lifecycles, not about lines.
 */
function childEnv(): NodeJS.ProcessEnv {
  // Empty rather than absent: Node copies its own NODE_V8_COVERAGE into a child's env
  // unless the env names the variable.
  return { ...process.env, NODE_V8_COVERAGE: '' };
}

/** Runs `fn` with coverage off for spawnEmbeddedMongo's child (see childEnv). */
async function withoutCoverage<T>(fn: () => Promise<T>): Promise<T> {
  const saved = process.env.NODE_V8_COVERAGE;
  process.env.NODE_V8_COVERAGE = '';
  try {
    return await fn();
  } finally {
    if (saved === undefined) delete process.env.NODE_V8_COVERAGE;
    else process.env.NODE_V8_COVERAGE = saved;
  }
}

interface CliEngine {
  child: ChildProcess;
  port: number;
  uri: string;
  output: () => string;
}

/** Runs `npm run mongo:embedded`'s entry point in a child and waits for its ready line. */
function startCli(dbPath: string): Promise<CliEngine> {
  const child = spawn(process.execPath, ['--import', tsxLoader, cliPath, '--port', '0', '--dbpath', dbPath], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: childEnv(),
  });
  let out = '';
  return new Promise((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /waiting for connections on [^\s]+:(\d+)/.exec(out);
      if (m) {
        const port = Number(m[1]);
        resolve({ child, port, uri: `mongodb://127.0.0.1:${port}/`, output: () => out });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.once('exit', (code) => reject(new Error(`engine exited with ${code}: ${out}`)));
  });
}

/** Runs the command line to the end (e.g. --repair) and returns its status and output. */
function runCli(args: string[]): { status: number | null; output: string } {
  const r = spawnSync(process.execPath, ['--import', tsxLoader, cliPath, ...args], {
    env: childEnv(),
    encoding: 'utf8',
  });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

const digest = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

function journalOf(dir: string): string {
  const journals = fs
    .readdirSync(dir)
    .filter((f) => f.startsWith('journal.') && fs.statSync(path.join(dir, f)).size);
  assert.equal(journals.length, 1, `one journal with records in ${fs.readdirSync(dir).join(', ')}`);
  return path.join(dir, journals[0]!);
}

/** Writes `n` documents, one command (and so one journal record) each. */
async function writeDocs(dir: string, n: number): Promise<void> {
  const mongo = await startEmbeddedMongo({ port: 0, dbPath: dir });
  const client = await new MongoClient(mongo.uri).connect();
  try {
    const c = client.db('damage').collection('docs');
    for (let i = 0; i < n; i++) await c.insertOne({ _id: i as never, text: `document ${i} `.repeat(8) });
  } finally {
    await client.close();
    await mongo.stop();
  }
}

async function storedIds(dir: string): Promise<number[]> {
  const mongo = await startEmbeddedMongo({ port: 0, dbPath: dir });
  const client = await new MongoClient(mongo.uri).connect();
  try {
    const docs = await client.db('damage').collection('docs').find({}).sort({ _id: 1 }).toArray();
    return docs.map((d) => d._id as unknown as number);
  } finally {
    await client.close();
    await mongo.stop();
  }
}

/** A record as versions before the current framing wrote it: length, CRC-32, BSON. */
function previousFormat(record: object): Buffer {
  const payload = BSON.serialize(record);
  const head = Buffer.alloc(8);
  head.writeUInt32LE(payload.length, 0);
  head.writeUInt32LE(zlib.crc32(payload), 4);
  return Buffer.concat([head, payload]);
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

describe('engine: durability on disk', function () {
  this.timeout(60_000);
  let dir: string;

  before(function () {
    if (!usingEmbeddedEngine()) this.skip();
  });
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'embedded-mongo-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps every acknowledged write across kill -9, and no torn one', async () => {
    const first = await startCli(dir);
    const client = new MongoClient(first.uri, { maxPoolSize: 8, serverSelectionTimeoutMS: 2000 });
    await client.connect();
    const coll = client.db('durable').collection('writes');
    await coll.createIndex({ writer: 1, seq: 1 }, { unique: true });
    await coll.insertOne({ _id: 'counter' as any, value: 0 });
    const acked = new Set<string>();
    let counterAcked = 0;
    let killed = false;
    const payload = 'p'.repeat(500);
    const writers = Array.from({ length: 6 }, async (_, w) => {
      for (let seq = 0; !killed; seq++) {
        try {
          await coll.insertOne({ _id: `w${w}-${seq}` as any, writer: w, seq, payload });
          acked.add(`w${w}-${seq}`);
          const r = await coll.findOneAndUpdate(
            { _id: 'counter' as any },
            { $inc: { value: 1 } },
            { returnDocument: 'after' },
          );
          counterAcked = Math.max(counterAcked, r?.value ?? 0);
        } catch {
          return;
        }
      }
    });
    await waitFor(() => acked.size >= 600, 30_000, 'acknowledged writes');
    first.child.kill('SIGKILL');
    killed = true;
    await exited(first.child);
    await Promise.all(writers);
    await client.close(true);

    const second = await startCli(dir);
    const check = new MongoClient(second.uri);
    try {
      await check.connect();
      const c = check.db('durable').collection('writes');
      const ids = new Set((await c.find({}, { projection: { _id: 1 } }).toArray()).map((d) => String(d._id)));
      const missing = [...acked].filter((id) => !ids.has(id));
      assert.deepEqual(missing, [], 'acknowledged writes lost');
      const torn = await c.countDocuments({ _id: { $ne: 'counter' as any }, payload: { $ne: payload } });
      assert.equal(torn, 0);
      const counter = await c.findOne({ _id: 'counter' as any });
      assert.ok((counter?.value ?? 0) >= counterAcked);
      // The unique index came back too.
      await assert.rejects(c.insertOne({ writer: 0, seq: 0 }), (e: any) => e.code === 11000);
    } finally {
      await check.close();
      second.child.kill('SIGTERM');
      assert.equal(await exited(second.child), 0);
    }
  });

  it('keeps a j: false write across kill -9 once a later journaled write is acknowledged', async () => {
    const first = await startCli(dir);
    const client = new MongoClient(first.uri, { serverSelectionTimeoutMS: 2000 });
    await client.connect();
    const coll = client.db('durable').collection<{ _id: string; hits?: number }>('limits');
    // As the driver sends it: `writeConcern: { w: 1, j: false }` in the command.
    const noJournal = { writeConcern: { w: 1, j: false } };
    await coll.updateOne({ _id: 'hit' }, { $inc: { hits: 1 } }, { upsert: true, ...noJournal });
    await coll.bulkWrite(
      [{ updateOne: { filter: { _id: 'hit' }, update: { $inc: { hits: 1 } } } }],
      noJournal,
    );
    assert.equal((await coll.findOne({ _id: 'hit' }))?.hits, 2, 'visible once acknowledged');
    await coll.insertOne({ _id: 'booking' });
    first.child.kill('SIGKILL');
    await exited(first.child);
    await client.close(true);

    const second = await startCli(dir);
    const check = new MongoClient(second.uri);
    try {
      await check.connect();
      const docs = await check.db('durable').collection('limits').find({}).sort({ _id: 1 }).toArray();
      assert.deepEqual(docs, [{ _id: 'booking' }, { _id: 'hit', hits: 2 }]);
    } finally {
      await check.close();
      second.child.kill('SIGTERM');
      assert.equal(await exited(second.child), 0);
    }
  });

  it('refuses a second engine on the same data directory with a clear message', async () => {
    const first = await startCli(dir);
    try {
      await assert.rejects(startCli(dir), /already using the data directory/);
      await assert.rejects(startEmbeddedMongo({ port: 0, dbPath: dir }), /already using the data directory/);
    } finally {
      first.child.kill('SIGINT');
      assert.equal(await exited(first.child), 0);
    }
    // Once stopped, the directory is free again.
    const again = await startEmbeddedMongo({ port: 0, dbPath: dir });
    await again.stop();
  });

  it('compacts the journal, discards a torn tail, and keeps the data', async () => {
    let mongo = await startEmbeddedMongo({ port: 0, dbPath: dir });
    let client = await new MongoClient(mongo.uri).connect();
    let c = client.db('compact').collection('docs');
    await c.createIndex({ k: 1 }, { unique: true });
    await c.insertMany(Array.from({ length: 300 }, (_, i) => ({ k: i })));
    await c.deleteMany({ k: { $lt: 100 } });
    await client.db('compact').command({ compact: 'docs' });
    await c.updateMany({ k: { $gte: 250 } }, { $set: { late: true } });
    await client.db('compact').collection('renamed').insertOne({ r: 1 });
    await client.db('admin').command({ renameCollection: 'compact.renamed', to: 'compact.moved' });
    await client.close();
    await mongo.stop();

    const journals = fs.readdirSync(dir).filter((f) => f.startsWith('journal.'));
    assert.ok(fs.existsSync(path.join(dir, 'snapshot.bson')));
    assert.equal(journals.length, 1);
    // A write cut short by a crash leaves a partial record at the end.
    fs.appendFileSync(path.join(dir, journals[0]!), Buffer.from([200, 0, 0, 0, 1, 2, 3, 4, 5, 6]));

    mongo = await startEmbeddedMongo({ port: 0, dbPath: dir });
    client = await new MongoClient(mongo.uri).connect();
    try {
      c = client.db('compact').collection('docs');
      assert.equal(await c.countDocuments(), 200);
      assert.equal(await c.countDocuments({ late: true }), 50);
      assert.equal(await client.db('compact').collection('moved').countDocuments(), 1);
      assert.equal(await client.db('compact').collection('renamed').countDocuments(), 0);
      await assert.rejects(c.insertOne({ k: 150 }), (e: any) => e.code === 11000);
      await c.insertOne({ k: 1000 });
    } finally {
      await client.close();
      await mongo.stop();
    }
    mongo = await startEmbeddedMongo({ port: 0, dbPath: dir });
    client = await new MongoClient(mongo.uri).connect();
    try {
      assert.equal(await client.db('compact').collection('docs').countDocuments(), 201);
    } finally {
      await client.close();
      await mongo.stop();
    }
  });

  it('refuses to start on a damaged record with readable ones after it; --repair recovers every intact one', async () => {
    await writeDocs(dir, 100);
    const journal = journalOf(dir);
    // One byte flipped at 30 % of the journal, inside some record's document.
    const bytes = fs.readFileSync(journal);
    const at = Math.floor(bytes.length * 0.3);
    bytes[at] = bytes[at]! ^ 0xff;
    fs.writeFileSync(journal, bytes);
    const before = new Map(fs.readdirSync(dir).map((f) => [f, digest(path.join(dir, f))]));

    await assert.rejects(startCli(dir), (err: Error) => {
      assert.match(err.message, /engine exited with 1/);
      assert.ok(err.message.includes(journal), `names the file: ${err.message}`);
      assert.match(err.message, /damaged at byte \d+/);
      assert.ok(err.message.includes(`npm run mongo:embedded -- --repair --dbpath ${dir}`), err.message);
      return true;
    });
    await assert.rejects(startEmbeddedMongo({ port: 0, dbPath: dir }), /damaged at byte/);
    const after = new Map(fs.readdirSync(dir).map((f) => [f, digest(path.join(dir, f))]));
    assert.deepEqual(after, before, 'the refused start leaves every file untouched');

    const repair = runCli(['--repair', '--dbpath', dir]);
    assert.equal(repair.status, 0, repair.output);
    assert.match(repair.output, /99 intact records recovered|repaired/);
    const backup = fs.readdirSync(dir).find((f) => f.startsWith('damaged-'));
    assert.ok(backup, `a copy of the damaged files is kept: ${repair.output}`);
    assert.equal(digest(path.join(dir, backup, path.basename(journal))), before.get(path.basename(journal)));

    const ids = await storedIds(dir);
    assert.equal(ids.length, 99, 'every record but the damaged one, those after it included');
    assert.ok(ids.includes(99) && ids.includes(0));
    // Repaired, the directory starts as any other and a second repair finds nothing to do.
    assert.match(runCli(['--repair', '--dbpath', dir]).output, /nothing to repair/);
  });

  it('drops only a torn tail: the last record, cut short', async () => {
    await writeDocs(dir, 100);
    const journal = journalOf(dir);
    fs.truncateSync(journal, fs.statSync(journal).size - 10);
    const ids = await storedIds(dir);
    assert.equal(ids.length, 99);
    assert.equal(ids.at(-1), 98, 'the last, incomplete write is the one dropped');
  });

  it('reads a data directory written in the previous record format and writes the current one', async () => {
    const create = { op: 'create', db: 'damage', coll: 'docs', options: {} };
    const insert = (i: number) => ({ op: 'i', db: 'damage', coll: 'docs', doc: { _id: i } });
    fs.writeFileSync(
      path.join(dir, 'snapshot.bson'),
      Buffer.concat([previousFormat({ generation: 3 }), previousFormat(create), previousFormat(insert(0))]),
    );
    fs.writeFileSync(
      path.join(dir, 'journal.3.log'),
      Buffer.concat([1, 2, 3].map((i) => previousFormat(insert(i)))),
    );
    const mongo = await startEmbeddedMongo({ port: 0, dbPath: dir });
    const client = await new MongoClient(mongo.uri).connect();
    try {
      await client
        .db('damage')
        .collection('docs')
        .insertOne({ _id: 4 as never });
    } finally {
      await client.close();
      await mongo.stop();
    }
    assert.deepEqual(await storedIds(dir), [0, 1, 2, 3, 4]);
    const fresh = fs.readFileSync(path.join(dir, 'journal.4.log'));
    assert.deepEqual(
      [...fresh.subarray(0, 4)],
      [0xc7, 0x4a, 0x52, 0x4e],
      'new records in the current framing',
    );
    // A compaction folds both journals into a snapshot in the current format.
    const again = await startEmbeddedMongo({ port: 0, dbPath: dir });
    const c2 = await new MongoClient(again.uri).connect();
    try {
      await c2.db('damage').command({ compact: 'docs' });
    } finally {
      await c2.close();
      await again.stop();
    }
    assert.deepEqual(
      [...fs.readFileSync(path.join(dir, 'snapshot.bson')).subarray(0, 4)],
      [0xc7, 0x4a, 0x52, 0x4e],
    );
    assert.deepEqual(await storedIds(dir), [0, 1, 2, 3, 4]);
  });

  it('tells damage from a torn tail in the previous record format too', async () => {
    const records = [
      previousFormat({ op: 'create', db: 'damage', coll: 'docs', options: {} }),
      ...Array.from({ length: 20 }, (_, i) =>
        previousFormat({ op: 'i', db: 'damage', coll: 'docs', doc: { _id: i } }),
      ),
    ];
    const journal = Buffer.concat(records);
    const damaged = Buffer.from(journal);
    const at = records[0]!.length + records[1]!.length * 5 + 12;
    damaged[at] = damaged[at]! ^ 0xff;
    fs.writeFileSync(path.join(dir, 'journal.0.log'), damaged);
    await assert.rejects(
      startEmbeddedMongo({ port: 0, dbPath: dir }),
      /journal\.0\.log is damaged at byte \d+/,
    );
    assert.equal(runCli(['--repair', '--dbpath', dir]).status, 0);
    assert.equal((await storedIds(dir)).length, 19);

    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'journal.0.log'), journal.subarray(0, journal.length - 3));
    assert.equal((await storedIds(dir)).length, 19, 'a cut-short last record is dropped, the rest kept');
  });

  it('spawns the engine in a child process that keeps data and stops on request', async () => {
    const lines: string[] = [];
    let mongo = await withoutCoverage(() =>
      spawnEmbeddedMongo({ port: 0, dbPath: dir, logger: (l) => lines.push(l) }),
    );
    assert.match(mongo.uri, /^mongodb:\/\/127\.0\.0\.1:\d+\/$/);
    let client = await new MongoClient(mongo.uri).connect();
    await client.db('spawned').collection('x').insertOne({ a: 1 });
    await client.close();
    await mongo.stop();
    assert.ok(lines.some((l) => l.includes('waiting for connections')));
    mongo = await withoutCoverage(() => spawnEmbeddedMongo({ port: 0, dbPath: dir }));
    client = await new MongoClient(mongo.uri).connect();
    try {
      assert.equal(await client.db('spawned').collection('x').countDocuments(), 1);
    } finally {
      await client.close();
      await mongo.stop();
    }
  });

  it('ends a spawned engine when its parent process dies', async () => {
    const script = `
      import { spawnEmbeddedMongo } from ${JSON.stringify(indexPath)};
      const m = await spawnEmbeddedMongo({ port: 0 });
      console.log('PORT ' + m.port);
      setInterval(() => {}, 1000);
    `;
    const parent = spawn(process.execPath, ['--import', tsxLoader, '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: childEnv(),
    });
    let out = '';
    const port = await new Promise<number>((resolve, reject) => {
      parent.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /PORT (\d+)/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      parent.once('exit', (code) => reject(new Error(`parent exited early (${code})`)));
    });
    const probe = async () => {
      const client = new MongoClient(`mongodb://127.0.0.1:${port}/`, { serverSelectionTimeoutMS: 500 });
      try {
        await client.connect();
        await client.db('admin').command({ ping: 1 });
        return true;
      } catch {
        return false;
      } finally {
        await client.close();
      }
    };
    assert.equal(await probe(), true);
    parent.kill('SIGKILL');
    await exited(parent);
    await waitFor(async () => !(await probe()), 20_000, 'the orphaned engine to exit');
  });
});
