// Engine only: backups of the embedded engine and their restore. A backup is taken from the
// running engine over its private socket (the `backup` command) or, when none runs, from its
// data directory; it holds the state of one instant, only what is on disk, in a file for its
// owner alone; a restore checks the whole file before it touches the directory it is given,
// and refuses a damaged file, a directory that holds data, and one an engine is running on.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Decimal128, Int32, Long, MongoClient } from 'mongodb';
import { takeBackup } from '../../src/embedded-mongo/backup.ts';
import { BackupUnusableError, readBackup } from '../../src/embedded-mongo/backup-format.ts';
import { runCommand } from '../../src/embedded-mongo/commands/index.ts';
import { Engine } from '../../src/embedded-mongo/engine.ts';
import { type EmbeddedMongo, startEmbeddedMongo } from '../../src/embedded-mongo/index.ts';
import { fileIo, type JournalIo } from '../../src/embedded-mongo/journal-io.ts';
import { checkBackup, RestoreRefusedError, restoreBackup } from '../../src/embedded-mongo/restore.ts';
import type { Doc } from '../../src/embedded-mongo/values.ts';
import { usingEmbeddedEngine } from './support.ts';

describe('engine: backups and restore', function () {
  this.timeout(60_000);
  let root: string;
  const engines: EmbeddedMongo[] = [];
  const clients: MongoClient[] = [];

  before(function () {
    if (!usingEmbeddedEngine()) this.skip(); // a real MongoDB is backed up with mongodump
  });
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'engine-backup-'));
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) await c.close();
    for (const e of engines.splice(0)) await e.stop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  /** An engine on a socket and a data directory under `root/name`, with a connected client. */
  async function engineOn(name: string) {
    const dbPath = path.join(root, name, 'db');
    const socket = path.join(root, name, 'run', 'mongod.sock');
    const engine = await startEmbeddedMongo({ socket, dbPath });
    engines.push(engine);
    const client = new MongoClient(engine.uri);
    clients.push(client);
    await client.connect();
    const stop = async () => {
      await client.close();
      clients.splice(clients.indexOf(client), 1);
      await engine.stop();
      engines.splice(engines.indexOf(engine), 1);
    };
    return { dbPath, socket, engine, client, db: client.db('registry'), stop };
  }

  it('restores documents, their exact number types, indexes and collection options from the running engine', async () => {
    const source = await engineOn('source');
    const people = source.db.collection('people');
    await people.createIndex({ email: 1 }, { unique: true, name: 'email_unique' });
    await source.db.collection('sessions').createIndex({ expires: 1 }, { expireAfterSeconds: 3600 });
    await source.db.createCollection('names', { collation: { locale: 'zh', strength: 2 } });
    const docs = Array.from(
      { length: 300 },
      (_, i): Doc => ({
        _id: i,
        email: `p${i}@example.cn`,
        small: new Int32(i),
        ratio: i + 0.5,
        big: Long.fromString('9007199254740993'),
        fee: Decimal128.fromString('0.30'),
        nested: { tags: ['a', String(i)], at: new Date(Date.UTC(2025, 7, 29, 1, i % 60)) },
      }),
    );
    await people.insertMany(docs as never[]);
    await source.db.collection('sessions').insertOne({ _id: 's1', expires: new Date() } as never);
    await source.db.collection('names').insertOne({ name: '张三' });

    const out = path.join(root, 'registry.backup');
    const taken = await takeBackup({ socket: source.socket, dbPath: source.dbPath, out });
    assert.deepEqual(taken.from, { socket: source.socket });
    assert.equal(fs.statSync(out).mode & 0o777, 0o600, 'the backup is for its owner alone');
    assert.equal(fs.existsSync(`${out}.partial`), false);
    assert.equal(taken.bytes, fs.statSync(out).size);

    const target = path.join(root, 'target', 'db');
    const restored = restoreBackup({ file: out, dbPath: target });
    assert.equal(restored.replaced, null);
    assert.deepEqual(
      restored.databases.find((d) => d.name === 'registry'),
      { name: 'registry', collections: 3, documents: 302 },
    );
    await source.stop();

    const copy = await engineOn('target');
    const read = copy.client.db('registry', { promoteValues: false } as never);
    const back = await read.collection('people').find({}).sort({ _id: 1 }).toArray();
    assert.equal(back.length, 300);
    assert.ok(back[7]!.small instanceof Int32 && back[7]!.big instanceof Long, 'number types kept');
    assert.equal(back[7]!.big.toString(), '9007199254740993');
    assert.equal(back[7]!.fee.toString(), '0.30');
    const indexes = await copy.db.collection('people').indexes();
    assert.deepEqual(
      indexes.map((ix) => [ix.name, ix.unique ?? false]),
      [
        ['_id_', false],
        ['email_unique', true],
      ],
    );
    await assert.rejects(copy.db.collection('people').insertOne({ email: 'p7@example.cn' }), { code: 11000 });
    const ttl = (await copy.db.collection('sessions').indexes()).find((ix) => ix.name === 'expires_1');
    assert.equal(ttl?.expireAfterSeconds, 3600);
    const [names] = await copy.db.listCollections({ name: 'names' }).toArray();
    assert.equal(
      (names as unknown as { options: { collation: { locale: string } } }).options.collation.locale,
      'zh',
    );
  });

  it('sends a state larger than one reply in getMore batches', async () => {
    const source = await engineOn('large');
    const megabyte = 'x'.repeat(1024 * 1024 - 100);
    for (let i = 0; i < 40; i++) await source.db.collection('large').insertOne({ i, megabyte });
    const out = path.join(root, 'large.backup');
    const taken = await takeBackup({ socket: source.socket, dbPath: source.dbPath, out });
    assert.ok(taken.bytes > 40 * 1024 * 1024, `${taken.bytes} bytes`);
    assert.deepEqual(checkBackup(out).databases, [{ name: 'registry', collections: 1, documents: 40 }]);
  });

  it('captures one instant while clients keep writing: every insert command whole or absent, every earlier one present', async () => {
    const source = await engineOn('busy');
    const batches = source.db.collection('batches');
    let stop = false;
    const acknowledged: number[] = [];
    let next = 0;
    const writer = async () => {
      while (!stop) {
        const batch = next++;
        await batches.insertMany(Array.from({ length: 10 }, (_, i) => ({ batch, i })));
        acknowledged.push(batch);
      }
    };
    const writers = Array.from({ length: 8 }, writer);
    while (acknowledged.length < 20) await new Promise((r) => setTimeout(r, 5));
    const before = [...acknowledged];
    const out = path.join(root, 'busy.backup');
    await takeBackup({ socket: source.socket, dbPath: source.dbPath, out });
    const after = acknowledged.length;
    // The writers go on after the backup too: it held nobody up for good.
    while (acknowledged.length < after + 20) await new Promise((r) => setTimeout(r, 5));
    stop = true;
    await Promise.all(writers);

    const { records } = readBackup(fs.readFileSync(out), out);
    const perBatch = new Map<number, number>();
    for (const r of records)
      if (r.op === 'i' && r.coll === 'batches')
        perBatch.set(r.doc.batch as number, (perBatch.get(r.doc.batch as number) ?? 0) + 1);
    for (const [batch, n] of perBatch) assert.equal(n, 10, `batch ${batch} captured halfway`);
    for (const batch of before)
      assert.ok(perBatch.has(batch), `batch ${batch}, acknowledged before, missing`);
    assert.ok(perBatch.size < next, 'writes made after the backup are in it');
  });

  it('hands out only what is on disk: a write the journal takes back is not in the backup', async () => {
    const dir = path.join(root, 'faulty');
    let release!: () => void;
    let failNext = false;
    const io: JournalIo = {
      ...fileIo,
      append: async (fd, buf) => {
        await held;
        if (failNext) {
          failNext = false;
          throw Object.assign(new Error('EIO: injected'), { code: 'EIO' });
        }
        await fileIo.append(fd, buf);
      },
    };
    let held: Promise<void> = Promise.resolve();
    const engine = new Engine(dir, () => undefined, io);
    engine.open();
    const run = (cmd: Doc, db = 'registry') =>
      runCommand(cmd, { engine, db, connectionId: 1, remote: 'test', messageSize: 0 });
    try {
      await run({ insert: 'docs', documents: [{ _id: 'kept' }] });
      // The next write stays in flight, then fails: it is taken back.
      held = new Promise<void>((resolve) => {
        release = resolve;
      });
      failNext = true;
      const lost = run({ insert: 'docs', documents: [{ _id: 'lost' }] });
      const backup = run({ backup: 1 }, 'admin');
      release();
      const lostReply = await lost;
      assert.equal(lostReply.ok, 0, 'the write was refused');
      const reply = (await backup) as { cursor: { firstBatch: { data: { buffer: Uint8Array } }[] } };
      const bytes = Buffer.concat(reply.cursor.firstBatch.map((c) => Buffer.from(c.data.buffer)));
      const ids = readBackup(bytes, 'reply')
        .records.filter((r) => r.op === 'i')
        .map((r) => (r as { doc: Doc }).doc._id);
      assert.deepEqual(ids, ['kept']);
      const elsewhere = await run({ backup: 1 }, 'registry');
      assert.equal(elsewhere.codeName, 'Unauthorized');
    } finally {
      await engine.close();
    }
  });

  it('backs up an engine that runs in memory', async () => {
    const socket = path.join(root, 'memory', 'mongod.sock');
    const engine = await startEmbeddedMongo({ socket });
    engines.push(engine);
    const client = new MongoClient(engine.uri);
    clients.push(client);
    await client
      .db('registry')
      .collection('docs')
      .insertOne({ _id: 1 } as never);
    const out = path.join(root, 'memory.backup');
    await takeBackup({ socket, dbPath: path.join(root, 'none'), out });
    assert.deepEqual(checkBackup(out).databases, [{ name: 'registry', collections: 1, documents: 1 }]);
  });

  it('without a running engine reads the data directory under its lock and changes no file', async () => {
    const source = await engineOn('stopped');
    await source.db.collection('docs').insertMany([{ n: 1 }, { n: 2 }]);
    await source.stop();
    // The last write, cut short by a crash: a restart would cut it off; a backup leaves it.
    const journal = fs.readdirSync(source.dbPath).find((f) => f.startsWith('journal.'))!;
    fs.appendFileSync(path.join(source.dbPath, journal), Buffer.from([0xc7, 0x4a, 0x52, 0x4e, 9, 9]));
    const files = () =>
      fs
        .readdirSync(source.dbPath)
        .sort()
        .map((f) => [f, fs.statSync(path.join(source.dbPath, f)).size]);
    const unchanged = files();
    const out = path.join(root, 'stopped.backup');
    const taken = await takeBackup({ socket: source.socket, dbPath: source.dbPath, out });
    assert.deepEqual(taken.from, { dbPath: source.dbPath });
    assert.deepEqual(files(), unchanged);
    assert.deepEqual(checkBackup(out).databases, [{ name: 'registry', collections: 1, documents: 2 }]);
    await assert.rejects(
      takeBackup({ socket: source.socket, dbPath: path.join(root, 'empty'), out }),
      /no embedded engine answers on .*mongod\.sock, and .*empty holds no data: nothing to back up/,
    );
  });

  it('asks for the socket of an engine that holds the directory but does not answer where expected', async () => {
    const dbPath = path.join(root, 'tcp', 'db');
    const engine = await startEmbeddedMongo({ port: 0, dbPath });
    engines.push(engine);
    const client = new MongoClient(engine.uri);
    clients.push(client);
    await client.db('registry').collection('docs').insertOne({ n: 1 });
    await assert.rejects(
      takeBackup({ socket: path.join(root, 'tcp', 'run', 'mongod.sock'), dbPath, out: path.join(root, 'x') }),
      new RegExp(
        `an embedded engine \\(pid ${process.pid}\\) is using .*: give the socket it listens on with --socket`,
      ),
    );
    assert.equal(fs.existsSync(path.join(root, 'x')), false);
  });

  describe('restore refuses', () => {
    let backup: string;
    let buf: Buffer;
    beforeEach(async () => {
      const source = await engineOn('source');
      await source.db.collection('docs').insertMany(Array.from({ length: 50 }, (_, n) => ({ n })));
      backup = path.join(root, 'good.backup');
      await takeBackup({ socket: source.socket, dbPath: source.dbPath, out: backup });
      await source.stop();
      buf = fs.readFileSync(backup);
    });

    const refusedWith = (bytes: Buffer, message: RegExp) => {
      const file = path.join(root, 'bad.backup');
      fs.writeFileSync(file, bytes);
      const target = path.join(root, 'target');
      assert.throws(
        () => restoreBackup({ file, dbPath: target }),
        (err: unknown) => {
          assert.ok(err instanceof BackupUnusableError, String(err));
          assert.match(err.message, message);
          assert.match(err.message, /nothing was restored from it\.$/);
          return true;
        },
      );
      assert.equal(fs.existsSync(target), false, 'the target directory was touched');
    };

    it('a file with a damaged byte, saying where', () => {
      const damaged = Buffer.from(buf);
      const at = Math.floor(damaged.length / 2);
      damaged[at] = damaged[at]! ^ 0xff;
      refusedWith(damaged, /bad\.backup is damaged at byte \d+: a record's checksum does not match/);
    });

    it('a file cut short', () => {
      refusedWith(buf.subarray(0, buf.length - 100), /is incomplete: it ends at byte \d+ of \d+/);
    });

    it('a file with bytes added, or records swapped', () => {
      refusedWith(Buffer.concat([buf, buf.subarray(buf.length - 200)]), /bytes more than its header says/);
      const { records } = readBackup(buf, 'good');
      assert.ok(records.length > 3);
      // Two whole records exchanged: each is intact, the file is not.
      const starts: number[] = [];
      for (let at = 0; at < buf.length; at += 16 + buf.readUInt32LE(at + 4)) starts.push(at);
      const [a, b, c] = [starts.at(-3)!, starts.at(-2)!, starts.at(-1)!];
      const swapped = Buffer.concat([
        buf.subarray(0, a),
        buf.subarray(b, c),
        buf.subarray(a, b),
        buf.subarray(c),
      ]);
      refusedWith(swapped, /do not match the checksum in its header/);
    });

    it('a file that is not a backup, or is a data file', () => {
      refusedWith(Buffer.from('mongodump archive, perhaps'), /is not a backup of the embedded engine/);
      const snapshotLike = Buffer.from(buf);
      snapshotLike.write('XX', 24); // the header's text changed, its checksum not
      refusedWith(snapshotLike, /is damaged at byte 0: its header cannot be read/);
    });

    it('a directory that holds data, unless told; then its files are moved aside, not deleted', async () => {
      const target = path.join(root, 'busy-target', 'db');
      restoreBackup({ file: backup, dbPath: target });
      const before = fs.readFileSync(path.join(target, 'snapshot.bson'));
      assert.throws(
        () => restoreBackup({ file: backup, dbPath: target }),
        (err: unknown) =>
          err instanceof RestoreRefusedError &&
          /busy-target\/db already holds data \(.*snapshot\.bson.*\), which the restore would replace\. To restore anyway, give --force/.test(
            err.message,
          ),
      );
      const forced = restoreBackup({ file: backup, dbPath: target, force: true });
      assert.ok(forced.replaced);
      assert.deepEqual(fs.readFileSync(path.join(forced.replaced, 'snapshot.bson')), before);
      const copy = await engineOn('busy-target');
      assert.equal(await copy.db.collection('docs').countDocuments(), 50);
    });

    it('a directory an engine is running on', async () => {
      const running = await engineOn('live');
      assert.throws(
        () => restoreBackup({ file: backup, dbPath: running.dbPath, force: true }),
        (err: unknown) =>
          err instanceof RestoreRefusedError &&
          new RegExp(`an embedded engine \\(pid ${process.pid}\\) is running on .*live/db: stop it`).test(
            err.message,
          ),
      );
      assert.equal(await running.db.collection('docs').countDocuments(), 0, 'the running engine was touched');
    });
  });
});
