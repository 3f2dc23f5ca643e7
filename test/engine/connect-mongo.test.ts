// Library: connect-mongo sessions (set/get/destroy, expiry through its TTL index).
import assert from 'node:assert/strict';
import MongoStore from 'connect-mongo';
import type { SessionData } from 'express-session';
import { testMongoUri } from '../helpers/mongo.ts';
import { openTestDb, type TestDb, waitFor } from './support.ts';

function call<T>(fn: (cb: (err: unknown, value?: T | null) => void) => void): Promise<T | null | undefined> {
  return new Promise((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value))));
}

function session(expiresInMs: number, user: string): SessionData {
  return {
    cookie: { originalMaxAge: expiresInMs, expires: new Date(Date.now() + expiresInMs) },
    user,
  } as unknown as SessionData;
}

describe('engine: connect-mongo sessions', function () {
  this.timeout(90_000);
  let t: TestDb;
  let store: MongoStore;

  before(async () => {
    t = await openTestDb('sessions');
    store = MongoStore.create({
      mongoUrl: testMongoUri(),
      dbName: t.db.databaseName,
      collectionName: 'sessions',
    });
  });
  after(async () => {
    await store.close().catch(() => undefined);
    await t.close();
  });

  it('sets, gets, touches and destroys a session', async () => {
    await call((cb) => store.set('sid-1', session(60_000, 'ann'), cb));
    const got = await call<SessionData>((cb) => store.get('sid-1', cb));
    assert.equal((got as unknown as { user: string }).user, 'ann');
    await call((cb) => store.touch('sid-1', session(120_000, 'ann'), cb));
    assert.equal(await call<number>((cb) => store.length(cb)), 1);
    await call((cb) => store.destroy('sid-1', cb));
    assert.equal(await call((cb) => store.get('sid-1', cb)), null);
  });

  it('creates the TTL index on expires, and expired sessions disappear', async () => {
    await call((cb) => store.set('sid-live', session(3_600_000, 'ben'), cb));
    const indexes = await t.db.collection('sessions').listIndexes().toArray();
    const ttl = indexes.find((ix) => ix.key.expires === 1);
    assert.equal(ttl?.expireAfterSeconds, 0);
    const admin = t.client.db('admin');
    const { was } = await admin.command({ setParameter: 1, ttlMonitorSleepSecs: 1 });
    try {
      await call((cb) => store.set('sid-old', session(200, 'carl'), cb));
      await waitFor(
        async () => (await t.db.collection('sessions').countDocuments({ _id: 'sid-old' as any })) === 0,
        70_000,
        'TTL expiry',
      );
      assert.equal(await call((cb) => store.get('sid-old', cb)), null);
      const live = await call<SessionData>((cb) => store.get('sid-live', cb));
      assert.equal((live as unknown as { user: string }).user, 'ben');
    } finally {
      await admin.command({ setParameter: 1, ttlMonitorSleepSecs: was ?? 60 });
    }
  });
});
