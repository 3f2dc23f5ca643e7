// Engine only: what connections may make the engine hold, and for how long. Tried as the
// attacker would, over raw sockets: ten half-sent 40 MB messages; sixty requests whose replies
// are never read; two hundred connections that send a few bytes of a message and stop. The
// engine's memory stays within its budgets (the client waits, not the engine: backpressure),
// others are still served, and stalled connections are closed after a bound.
import assert from 'node:assert/strict';
import net from 'node:net';
import { type Document, MongoClient } from 'mongodb';
import {
  type EmbeddedMongo,
  spawnEmbeddedMongo,
  startEmbeddedMongo,
} from '../../src/embedded-mongo/index.ts';
import { encodeOpMsg, OP_MSG } from '../../src/embedded-mongo/wire.ts';
import { withoutChildCoverage } from '../helpers/server.ts';
import { usingEmbeddedEngine, waitFor } from './support.ts';

const MB = 1024 * 1024;

function connectRaw(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** A request as a driver sends it: OP_MSG with one body section. */
const request = (command: Document) => encodeOpMsg(0, command);

/** The header of an OP_MSG announcing `length` bytes, and as many bytes of its body as wanted. */
function halfMessage(length: number, sent: number): Buffer {
  const buf = Buffer.alloc(Math.max(sent, 16));
  buf.writeInt32LE(length, 0);
  buf.writeInt32LE(1, 4);
  buf.writeInt32LE(0, 8);
  buf.writeInt32LE(OP_MSG, 12);
  return buf.subarray(0, sent);
}

const closed = (socket: net.Socket) =>
  new Promise<void>((resolve) => {
    if (socket.destroyed) resolve();
    else socket.once('close', () => resolve());
  });

describe('engine: connection limits', function () {
  this.timeout(120_000);
  before(function () {
    if (!usingEmbeddedEngine()) this.skip();
  });

  describe('memory (the engine in a child process, measured by its serverStatus)', () => {
    let engine: EmbeddedMongo;
    let client: MongoClient;
    const sockets: net.Socket[] = [];
    const status = () => client.db('admin').command({ serverStatus: 1 });

    afterEach(async () => {
      for (const s of sockets.splice(0)) s.destroy();
      await client?.close();
      await engine?.stop();
    });

    it('ten half-sent 40 MB messages do not grow its memory by hundreds of MB, and others are served', async () => {
      engine = await withoutChildCoverage(() =>
        spawnEmbeddedMongo({ port: 0, limits: { messageTimeoutMs: 1_000 } }),
      );
      client = await MongoClient.connect(engine.uri);
      const before = (await status()).mem.resident as number;
      const half = halfMessage(40_000_000, 39_000_000);
      for (let i = 0; i < 10; i++) {
        const socket = await connectRaw(engine.port);
        socket.on('error', () => undefined);
        socket.write(half);
        sockets.push(socket);
      }
      // The engine takes what its budget allows and leaves the rest unread, with the senders.
      await waitFor(
        async () => (await status()).wire.waitingForInputBudget >= 5,
        20_000,
        'senders held back',
      );
      const during = await status();
      const grown = (during.mem.resident as number) - before;
      assert.ok(grown < 150, `memory grew by ${grown} MB (budget 64 MB)`);
      assert.ok(during.wire.reservedInputBytes <= 64 * MB, `${during.wire.reservedInputBytes} bytes held`);
      // Others are served meanwhile, a large write included once room is made.
      assert.deepEqual(await client.db('admin').command({ ping: 1 }), { ok: 1 });
      const docs = Array.from({ length: 10 }, (_, i) => ({ i, blob: Buffer.alloc(MB, i) }));
      await client.db('limits').collection('big').insertMany(docs);
      assert.equal(await client.db('limits').collection('big').countDocuments(), 10);
      // Every half-sent message's connection is closed after its time.
      await Promise.all(sockets.map(closed));
      const after = await status();
      assert.ok(after.wire.closed.messageTimeout >= 10);
      assert.equal(after.wire.reservedInputBytes, 0);
    });

    it('sixty unread replies do not grow its memory by hundreds of MB: it stops reading that client until they are read', async () => {
      engine = await withoutChildCoverage(() => spawnEmbeddedMongo({ port: 0 }));
      client = await MongoClient.connect(engine.uri);
      // Each reply carries 8 MB: sixty of them, unread, held 480 MB before.
      const docs = Array.from({ length: 8 }, (_, i) => ({ i, blob: Buffer.alloc(MB - 200, i) }));
      await client.db('limits').collection('big').insertMany(docs);
      const before = (await status()).mem.resident as number;
      const socket = await connectRaw(engine.port);
      sockets.push(socket);
      socket.pause(); // never read (until told below)
      const find = request({ find: 'big', filter: {}, batchSize: 8, singleBatch: true, $db: 'limits' });
      socket.write(Buffer.concat(Array.from({ length: 60 }, () => find)));
      await waitFor(async () => (await status()).wire.waitingForReplies >= 1, 20_000, 'the reader held back');
      const during = await status();
      const grown = (during.mem.resident as number) - before;
      assert.ok(grown < 150, `memory grew by ${grown} MB for ${60 * 8} MB of replies`);
      assert.deepEqual(await client.db('admin').command({ ping: 1 }), { ok: 1 });
      // Read at last: every reply arrives, in full (counted by the lengths in their headers).
      let received = 0;
      let replies = 0;
      let left = 0; // bytes of the reply being read
      let head = Buffer.alloc(0);
      const done = new Promise<void>((resolve) => {
        socket.on('data', (chunk: Buffer) => {
          received += chunk.length;
          let at = 0;
          while (at < chunk.length) {
            if (left === 0) {
              const need = 4 - head.length;
              head = Buffer.concat([head, chunk.subarray(at, at + need)]);
              at += Math.min(need, chunk.length - at);
              if (head.length < 4) break;
              left = head.readInt32LE(0) - 4;
              head = Buffer.alloc(0);
            }
            const take = Math.min(left, chunk.length - at);
            left -= take;
            at += take;
            if (left === 0) replies++;
          }
          if (replies === 60) resolve();
        });
      });
      socket.resume();
      await done;
      assert.ok(received > 60 * 7 * MB);
    });
  });

  describe('time limits (the engine in this process)', () => {
    let engine: EmbeddedMongo;
    let client: MongoClient;
    afterEach(async () => {
      await client?.close();
      await engine?.stop();
    });

    it('closes two hundred half-sent connections and silent ones after a bound, and serves others meanwhile', async () => {
      engine = await startEmbeddedMongo({ port: 0, limits: { messageTimeoutMs: 500 } });
      const sockets: net.Socket[] = [];
      for (let i = 0; i < 200; i++) {
        const socket = await connectRaw(engine.port);
        socket.on('error', () => undefined);
        socket.write(halfMessage(1_000, 10));
        sockets.push(socket);
      }
      for (let i = 0; i < 20; i++) {
        const silent = await connectRaw(engine.port);
        silent.on('error', () => undefined);
        sockets.push(silent);
      }
      client = await MongoClient.connect(engine.uri);
      assert.deepEqual(await client.db('admin').command({ ping: 1 }), { ok: 1 });
      await Promise.all(sockets.map(closed));
      const status = await client.db('admin').command({ serverStatus: 1 });
      assert.ok(status.wire.closed.messageTimeout >= 220, JSON.stringify(status.wire));
      assert.deepEqual(
        await client.db('admin').command({ ping: 1 }),
        { ok: 1 },
        'the driver was never cut off',
      );
    });

    it('over the total reply budget, connections whose replies are not read are closed', async () => {
      engine = await startEmbeddedMongo({
        port: 0,
        limits: { maxTotalUnreadOutput: 4 * MB, pressureTimeoutMs: 200 },
      });
      client = await MongoClient.connect(engine.uri);
      const docs = Array.from({ length: 8 }, (_, i) => ({ i, blob: Buffer.alloc(MB - 200, i) }));
      await client.db('limits').collection('big').insertMany(docs);
      const find = request({ find: 'big', filter: {}, batchSize: 8, singleBatch: true, $db: 'limits' });
      const readers: net.Socket[] = [];
      for (let i = 0; i < 10; i++) {
        const socket = await connectRaw(engine.port);
        socket.on('error', () => undefined);
        socket.pause(); // never read
        socket.write(find);
        readers.push(socket);
      }
      // Some replies fit in the operating system's buffers; the rest the engine holds, until
      // the connections that do not read them are closed and what is left fits the budget.
      const status = () => client.db('admin').command({ serverStatus: 1 });
      await waitFor(
        async () => {
          const s = await status();
          return s.wire.closed.pressure >= 1 && s.wire.unreadOutputBytes <= 4 * MB;
        },
        30_000,
        'stalled readers closed',
      );
      assert.equal(await client.db('limits').collection('big').countDocuments(), 8, 'others are served');
      for (const r of readers) r.destroy();
    });

    it('closes a connection idle past the idle limit, and not one that keeps talking', async () => {
      engine = await startEmbeddedMongo({ port: 0, limits: { idleTimeoutMs: 600 } });
      const idle = await connectRaw(engine.port);
      const busy = await connectRaw(engine.port);
      busy.on('data', () => undefined);
      idle.on('data', () => undefined);
      idle.write(request({ ping: 1, $db: 'admin' }));
      const started = Date.now();
      let busyOpen = true;
      busy.once('close', () => {
        busyOpen = false;
      });
      while (Date.now() - started < 1_500) {
        busy.write(request({ ping: 1, $db: 'admin' }));
        await new Promise((r) => setTimeout(r, 100));
      }
      await closed(idle);
      assert.equal(busyOpen, true, 'a connection in use stays open');
      busy.destroy();
    });
  });
});
