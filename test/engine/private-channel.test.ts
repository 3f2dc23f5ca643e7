// Engine only: the embedded database is for its owner alone. Tried as the attacker would:
// another local user of the machine opens the engine's channel with a plain client, or reads
// its data files. By default (and as the app starts it) the engine listens on a Unix-domain
// socket in a directory only its OS user can open, its data directory is the same, and TCP
// is used only when a port is asked for.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { databaseUri } from '../../src/boot.ts';
import { loadConfig } from '../../src/config.ts';
import { socketPathIn, spawnEmbeddedMongo, startEmbeddedMongo } from '../../src/embedded-mongo/index.ts';
import { createLogger } from '../../src/logger.ts';
import { withoutChildCoverage } from '../helpers/server.ts';
import { usingEmbeddedEngine } from './support.ts';

const NOBODY = 65_534;

/** What another OS user (nobody) gets trying to open `target`: a socket or a directory. */
function asAnotherUser(kind: 'connect' | 'list', target: string): string {
  const script =
    kind === 'connect'
      ? `const s = require('node:net').connect(process.argv[1]);
         s.on('connect', () => { console.log('CONNECTED'); process.exit(0); });
         s.on('error', (e) => { console.log(e.code); process.exit(0); });`
      : `try { require('node:fs').readdirSync(process.argv[1]); console.log('LISTED'); }
         catch (e) { console.log(e.code); }`;
  return execFileSync(process.execPath, ['-e', script, target], {
    uid: NOBODY,
    gid: NOBODY,
    env: { PATH: process.env.PATH ?? '' },
    encoding: 'utf8',
  }).trim();
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;
const mode = (p: string) => fs.statSync(p).mode & 0o777;

async function roundTrip(uri: string): Promise<unknown> {
  const client = await MongoClient.connect(uri, { serverSelectionTimeoutMS: 5_000 });
  try {
    const coll = client.db('private').collection('people');
    await coll.insertOne({ name: '张伟', idNumber: '510104199503010011' });
    return (await coll.findOne({}, { projection: { _id: 0 } }))?.name;
  } finally {
    await client.close();
  }
}

describe('engine: only its owner opens it', function () {
  this.timeout(60_000);
  let dir: string;
  before(function () {
    if (!usingEmbeddedEngine()) this.skip();
  });
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'registry-private-'));
    fs.chmodSync(dir, 0o755); // as a data directory often is: readable by all
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('listens on a private socket by default, not on TCP, and serves its owner there', async () => {
    const mongo = await startEmbeddedMongo({});
    try {
      assert.ok(mongo.socket, 'a socket');
      assert.equal(mongo.port, 0, 'no TCP port');
      assert.match(mongo.uri, /^mongodb:\/\/%2F.+mongod\.sock\/$/);
      assert.equal(mode(path.dirname(mongo.socket!)), 0o700);
      assert.equal(mode(mongo.socket!), 0o600);
      assert.equal(await roundTrip(mongo.uri), '张伟');
    } finally {
      await mongo.stop();
    }
    assert.equal(fs.existsSync(path.dirname(mongo.socket!)), false, 'its temporary directory is removed');
  });

  it('as the app starts it: a socket in $DATA_DIR/run and the data in $DATA_DIR/db, both 0700', async () => {
    const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dir, LOG_LEVEL: 'silent' });
    const { uri, engine } = await withoutChildCoverage(() => databaseUri(config, createLogger('silent')));
    try {
      const socket = path.join(dir, 'run', 'mongod.sock');
      assert.equal(uri, `mongodb://${encodeURIComponent(socket)}/`);
      assert.equal(engine?.port, 0);
      assert.equal(mode(path.join(dir, 'run')), 0o700);
      assert.equal(mode(path.join(dir, 'db')), 0o700);
      assert.equal(await roundTrip(uri), '张伟');
    } finally {
      await engine?.stop();
    }
  });

  it('another local user can neither open the socket nor read the data files', async function () {
    if (!isRoot()) this.skip(); // acting as another user needs root; the modes are checked above
    const socket = path.join(dir, 'run', 'mongod.sock');
    const dbPath = path.join(dir, 'db');
    const mongo = await withoutChildCoverage(() => spawnEmbeddedMongo({ socket, dbPath }));
    try {
      await roundTrip(mongo.uri);
      assert.equal(asAnotherUser('connect', socket), 'EACCES');
      assert.equal(asAnotherUser('list', dbPath), 'EACCES');
      // Even were the directory opened to all, the socket itself stays its owner's.
      fs.chmodSync(path.dirname(socket), 0o755);
      assert.equal(asAnotherUser('connect', socket), 'EACCES');
    } finally {
      await mongo.stop();
    }
  });

  it('refuses a socket directory that belongs to another user', async function () {
    if (!isRoot()) this.skip(); // making a directory of another user needs root
    const run = path.join(dir, 'run');
    fs.mkdirSync(run, { mode: 0o777 });
    fs.chownSync(run, NOBODY, NOBODY);
    await assert.rejects(
      startEmbeddedMongo({ socket: path.join(run, 'mongod.sock') }),
      /belongs to another user/,
    );
  });

  it('takes over the socket a killed engine left, and refuses one a live engine holds', async () => {
    const socket = path.join(dir, 'run', 'mongod.sock');
    const first = await withoutChildCoverage(() => spawnEmbeddedMongo({ socket }));
    await assert.rejects(startEmbeddedMongo({ socket }), /already listening on/);
    await first.stop();
    // A process listening there is killed (kill -9): its socket file stays, nothing answers.
    const holder = spawn(
      process.execPath,
      ['-e', `require('node:net').createServer().listen(process.argv[1], () => console.log('up'))`, socket],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise((resolve) => holder.stdout!.once('data', resolve));
    holder.kill('SIGKILL');
    await new Promise((resolve) => holder.once('exit', resolve));
    assert.ok(fs.existsSync(socket), 'the killed process left its socket');
    const again = await startEmbeddedMongo({ socket });
    try {
      assert.equal(await roundTrip(again.uri), '张伟');
    } finally {
      await again.stop();
    }
  });

  it('falls back to a private temporary directory when the data directory is too deep for a socket', () => {
    const deep = path.join(dir, 'x'.repeat(120));
    const socket = socketPathIn(deep);
    assert.ok(Buffer.byteLength(socket) <= 100);
    assert.equal(mode(path.dirname(socket)), 0o700);
    fs.rmdirSync(path.dirname(socket));
    assert.equal(socketPathIn(dir), path.join(dir, 'mongod.sock'));
  });

  it('uses TCP only when a port is asked for', async () => {
    const mongo = await startEmbeddedMongo({ port: 0 });
    try {
      assert.ok(mongo.port > 0);
      assert.equal(mongo.socket, undefined);
      assert.equal(mongo.uri, `mongodb://127.0.0.1:${mongo.port}/`);
    } finally {
      await mongo.stop();
    }
  });
});
