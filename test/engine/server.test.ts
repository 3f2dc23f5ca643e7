// Conformance: handshake, server commands, cursors, transactions refused, and the wire
// protocol's edge cases (legacy OP_QUERY, malformed and oversized messages).
import assert from 'node:assert/strict';
import net from 'node:net';
import { BSON, type Document, Long, MongoClient, type MongoServerError } from 'mongodb';
import { testMongoUri } from '../helpers/mongo.ts';
import { openTestDb, type TestDb, waitFor } from './support.ts';

function serverAddress(): { host: string; port: number } {
  const url = new URL(testMongoUri());
  return { host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port || 27017) };
}

/** A raw TCP connection that sends hand-built messages and reads whole replies. */
class RawConnection {
  private readonly socket: net.Socket;
  private buffer = Buffer.alloc(0);
  private waiting: ((msg: Buffer) => void) | null = null;
  closed: Promise<void>;

  private constructor(socket: net.Socket) {
    this.socket = socket;
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => undefined);
    socket.on('data', (d) => {
      this.buffer = Buffer.concat([this.buffer, d]);
      this.deliver();
    });
  }

  static open(): Promise<RawConnection> {
    const { host, port } = serverAddress();
    return new Promise((resolve, reject) => {
      const s = net.connect(port, host, () => resolve(new RawConnection(s)));
      s.once('error', reject);
    });
  }

  private deliver() {
    if (!this.waiting || this.buffer.length < 4) return;
    const len = this.buffer.readInt32LE(0);
    if (this.buffer.length < len) return;
    const msg = this.buffer.subarray(0, len);
    this.buffer = this.buffer.subarray(len);
    const w = this.waiting;
    this.waiting = null;
    w(msg);
  }

  send(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  reply(): Promise<Buffer> {
    return new Promise((resolve) => {
      this.waiting = resolve;
      this.deliver();
    });
  }

  async opMsg(cmd: Document): Promise<Document> {
    this.send(opMsg(cmd));
    const r = await this.reply();
    assert.equal(r.readInt32LE(12), 2013);
    return BSON.deserialize(r.subarray(21));
  }

  end(): void {
    this.socket.destroy();
  }
}

let requestId = 1;

function header(length: number, opCode: number): Buffer {
  const h = Buffer.alloc(16);
  h.writeInt32LE(length, 0);
  h.writeInt32LE(requestId++, 4);
  h.writeInt32LE(0, 8);
  h.writeInt32LE(opCode, 12);
  return h;
}

function opMsg(cmd: Document, sequences: Array<[string, Document[]]> = []): Buffer {
  const body = Buffer.from(BSON.serialize(cmd));
  const parts: Buffer[] = [Buffer.from([0, 0, 0, 0]), Buffer.from([0]), body];
  for (const [id, docs] of sequences) {
    const payload = Buffer.concat([
      Buffer.from(`${id}\0`),
      ...docs.map((d) => Buffer.from(BSON.serialize(d))),
    ]);
    const size = Buffer.alloc(4);
    size.writeInt32LE(payload.length + 4, 0);
    parts.push(Buffer.from([1]), size, payload);
  }
  const rest = Buffer.concat(parts);
  return Buffer.concat([header(16 + rest.length, 2013), rest]);
}

function opQuery(ns: string, query: Document): Buffer {
  const q = Buffer.from(BSON.serialize(query));
  const rest = Buffer.concat([
    Buffer.alloc(4),
    Buffer.from(`${ns}\0`),
    Buffer.from([0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]),
    q,
  ]);
  return Buffer.concat([header(16 + rest.length, 2004), rest]);
}

describe('engine: server, cursors and wire protocol', () => {
  let t: TestDb;

  before(async () => {
    t = await openTestDb('server');
  });
  after(async () => {
    await t.close();
  });

  it('answers hello as a writable standalone with sizes, wire versions and sessions', async () => {
    const hello = await t.db.admin().command({ hello: 1 });
    assert.equal(hello.isWritablePrimary, true);
    assert.equal(hello.maxBsonObjectSize, 16 * 1024 * 1024);
    assert.equal(hello.maxMessageSizeBytes, 48_000_000);
    assert.equal(hello.maxWriteBatchSize, 100_000);
    assert.ok(hello.maxWireVersion >= 9);
    assert.equal(typeof hello.logicalSessionTimeoutMinutes, 'number');
    const legacy = await t.db.admin().command({ isMaster: 1 });
    assert.equal(legacy.ismaster, true);
  });

  it('matches command names case-insensitively', async () => {
    const info = await t.db.admin().command({ buildinfo: 1 });
    assert.match(info.version, /^\d+\.\d+/);
    assert.equal((await t.db.admin().command({ ismaster: 1 })).ismaster, true);
    assert.equal((await t.db.admin().command({ ping: 1 })).ok, 1);
  });

  it('answers the legacy OP_QUERY isMaster handshake with OP_REPLY', async () => {
    const raw = await RawConnection.open();
    try {
      raw.send(opQuery('admin.$cmd', { isMaster: 1, helloOk: true }));
      const r = await raw.reply();
      assert.equal(r.readInt32LE(12), 1, 'OP_REPLY opcode');
      assert.equal(r.readInt32LE(32), 1, 'one document returned');
      const doc = BSON.deserialize(r.subarray(36));
      assert.equal(doc.ismaster, true);
      assert.equal(doc.ok, 1);
      // The same connection goes on with OP_MSG.
      assert.equal((await raw.opMsg({ ping: 1, $db: 'admin' })).ok, 1);
    } finally {
      raw.end();
    }
  });

  it('reads kind 1 document sequences and honours moreToCome', async () => {
    const raw = await RawConnection.open();
    const coll = 'raw_seq';
    try {
      const reply = await (async () => {
        raw.send(opMsg({ insert: coll, $db: t.db.databaseName }, [['documents', [{ _id: 1 }, { _id: 2 }]]]));
        return BSON.deserialize((await raw.reply()).subarray(21));
      })();
      assert.equal(reply.n, 2);
      // moreToCome (flag bit 1): the server must not answer this one.
      const quiet = opMsg({
        insert: coll,
        documents: [{ _id: 3 }],
        $db: t.db.databaseName,
        writeConcern: { w: 0 },
      });
      quiet.writeUInt32LE(2, 16);
      raw.send(quiet);
      const next = await raw.opMsg({ count: coll, $db: t.db.databaseName });
      assert.equal(next.n, 3);
    } finally {
      raw.end();
    }
  });

  it('closes only the connection that sent a malformed message', async () => {
    const bad = await RawConnection.open();
    const good = await RawConnection.open();
    try {
      const garbage = Buffer.concat([
        header(16 + 12, 2013),
        Buffer.from([0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0x7f, 1, 2, 3]),
      ]);
      bad.send(garbage);
      await bad.closed;
      assert.equal((await good.opMsg({ ping: 1, $db: 'admin' })).ok, 1);
      assert.equal((await t.db.admin().command({ ping: 1 })).ok, 1);
    } finally {
      bad.end();
      good.end();
    }
  });

  it('refuses a message over maxMessageSizeBytes without harming other clients', async () => {
    const raw = await RawConnection.open();
    try {
      raw.send(header(60_000_000, 2013));
      await raw.closed;
      assert.equal((await t.db.admin().command({ ping: 1 })).ok, 1);
    } finally {
      raw.end();
    }
  });

  it('refuses a document over 16 MiB with an error, not a crash', async function () {
    this.timeout(30_000);
    const raw = await RawConnection.open();
    try {
      const big = { _id: 'big', blob: 'x'.repeat(16 * 1024 * 1024 + 10) };
      raw.send(opMsg({ insert: 'raw_big', $db: t.db.databaseName }, [['documents', [big]]]));
      const r = await Promise.race([
        raw.reply().then((b) => BSON.deserialize(b.subarray(21))),
        raw.closed.then(() => null),
      ]);
      if (r) assert.ok(r.ok === 0 || (r.writeErrors?.length ?? 0) > 0, 'the oversized insert must fail');
      assert.equal(await t.db.collection('raw_big').countDocuments({ _id: 'big' as any }), 0);
      assert.equal((await t.db.admin().command({ ping: 1 })).ok, 1);
    } finally {
      raw.end();
    }
  });

  it('refuses transactions with IllegalOperation (code 20)', async () => {
    const session = t.client.startSession();
    try {
      await assert.rejects(
        t.db.command(
          {
            insert: 'txn',
            documents: [{ a: 1 }],
            startTransaction: true,
            autocommit: false,
            txnNumber: Long.fromNumber(1),
          },
          { session },
        ),
        (e: MongoServerError) => e.code === 20,
      );
    } finally {
      await session.endSession();
    }
  });

  it('accepts and ignores session, write and read concern fields', async () => {
    const session = t.client.startSession();
    try {
      const c = t.db.collection('sessions_ok');
      await c.insertOne({ a: 1 }, { session, writeConcern: { w: 1, j: true } });
      const found = await c.findOne(
        { a: 1 },
        { session, readConcern: { level: 'local' }, comment: 'hi', maxTimeMS: 5000 },
      );
      assert.equal(found?.a, 1);
    } finally {
      await session.endSession();
    }
  });

  it('reports serverStatus counters and connections', async () => {
    const before = await t.db.admin().command({ serverStatus: 1 });
    const c = t.db.collection('status');
    await c.insertMany([{ a: 1 }, { a: 2 }]);
    await c.find({}).toArray();
    await c.updateOne({ a: 1 }, { $set: { b: 1 } });
    await c.deleteOne({ a: 2 });
    const after = await t.db.admin().command({ serverStatus: 1 });
    assert.ok(after.uptime >= 0);
    assert.ok(after.connections.current >= 1);
    assert.ok(after.opcounters.insert >= before.opcounters.insert + 2);
    assert.ok(after.opcounters.query >= before.opcounters.query + 1);
    assert.ok(after.opcounters.update >= before.opcounters.update + 1);
    assert.ok(after.opcounters.delete >= before.opcounters.delete + 1);
    assert.ok(after.opcounters.command > before.opcounters.command);
    // Five requests in between: insertMany, find, updateOne, deleteOne and serverStatus itself.
    assert.ok(after.network.numRequests >= before.network.numRequests + 5);
    assert.ok(after.network.bytesIn > before.network.bytesIn);
    assert.ok(after.network.bytesOut > before.network.bytesOut);
  });

  it('ends sessions', async () => {
    const session = t.client.startSession();
    await t.db.collection('s').findOne({}, { session });
    assert.equal((await t.db.admin().command({ endSessions: [session.id] })).ok, 1);
    await session.endSession();
  });

  describe('cursors', () => {
    before(async () => {
      await t.db.collection('cur').insertMany(Array.from({ length: 250 }, (_, i) => ({ i })));
    });

    it('returns batches with Int64 cursor ids through getMore', async () => {
      const first = await t.db.command(
        { find: 'cur', filter: {}, sort: { i: 1 }, batchSize: 100 },
        { promoteLongs: false },
      );
      assert.ok(first.cursor.id instanceof Long);
      assert.ok(!first.cursor.id.isZero());
      assert.equal(first.cursor.firstBatch.length, 100);
      const next = await t.db.command(
        { getMore: first.cursor.id, collection: 'cur', batchSize: 120 },
        { promoteLongs: false },
      );
      assert.equal(next.cursor.nextBatch.length, 120);
      assert.equal(next.cursor.nextBatch[0].i, 100);
      const last = await t.db.command(
        { getMore: next.cursor.id, collection: 'cur' },
        { promoteLongs: false },
      );
      assert.equal(last.cursor.nextBatch.length, 30);
      assert.ok(last.cursor.id.isZero());
      const all = await t.db.collection('cur').find({}).batchSize(7).toArray();
      assert.equal(all.length, 250);
    });

    it('honours limit, negative limit and singleBatch', async () => {
      const r = await t.db.command({ find: 'cur', filter: {}, limit: 5 });
      assert.equal(r.cursor.firstBatch.length, 5);
      assert.equal(Number(r.cursor.id), 0);
      const neg = await t.db.command({ find: 'cur', filter: {}, limit: -3 });
      assert.equal(neg.cursor.firstBatch.length, 3);
      assert.equal(Number(neg.cursor.id), 0);
      const single = await t.db.command({ find: 'cur', filter: {}, batchSize: 10, singleBatch: true });
      assert.equal(single.cursor.firstBatch.length, 10);
      assert.equal(Number(single.cursor.id), 0);
    });

    it('kills cursors; a killed cursor is not found (43)', async () => {
      const first = await t.db.command({ find: 'cur', filter: {}, batchSize: 2 });
      const killed = await t.db.command({ killCursors: 'cur', cursors: [first.cursor.id] });
      assert.equal(killed.cursorsKilled.length, 1);
      await assert.rejects(
        t.db.command({ getMore: first.cursor.id, collection: 'cur' }),
        (e: MongoServerError) => e.code === 43,
      );
    });

    it('times out idle cursors', async function () {
      this.timeout(60_000);
      const admin = t.client.db('admin');
      const { was } = await admin.command({ setParameter: 1, cursorTimeoutMillis: 500 });
      try {
        const before = (await admin.command({ serverStatus: 1 })).metrics.cursor.timedOut;
        const first = await t.db.command({ find: 'cur', filter: {}, batchSize: 1 });
        await waitFor(
          async () => (await admin.command({ serverStatus: 1 })).metrics.cursor.timedOut > before,
          50_000,
          'the idle cursor to time out',
        );
        await assert.rejects(
          t.db.command({ getMore: first.cursor.id, collection: 'cur' }),
          (e: MongoServerError) => e.code === 43,
        );
      } finally {
        await admin.command({ setParameter: 1, cursorTimeoutMillis: was ?? 600_000 });
      }
    });
  });

  it('serves many clients at once', async () => {
    const clients = await Promise.all(
      Array.from({ length: 5 }, () => new MongoClient(testMongoUri()).connect()),
    );
    try {
      await Promise.all(clients.map((c, i) => c.db(t.db.databaseName).collection('many').insertOne({ i })));
      assert.equal(await t.db.collection('many').countDocuments(), 5);
    } finally {
      await Promise.all(clients.map((c) => c.close()));
    }
  });
});
