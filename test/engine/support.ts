// Shared by the engine suites: a client on the test server and a polling helper.
// Everything here works the same against the embedded engine and a real MongoDB.
import { type Db, MongoClient } from 'mongodb';
import { testDbName, testMongoUri } from '../helpers/mongo.ts';

export interface TestDb {
  client: MongoClient;
  db: Db;
  close(): Promise<void>;
}

/** A connected client and a fresh database for one suite. */
export async function openTestDb(suite: string): Promise<TestDb> {
  const client = new MongoClient(testMongoUri());
  await client.connect();
  const db = client.db(testDbName(suite));
  await db.dropDatabase();
  return {
    client,
    db,
    close: async () => {
      await db.dropDatabase();
      await client.close();
    },
  };
}

/** Polls until `check` returns a truthy value; fails after `timeoutMs`. */
export async function waitFor<T>(
  check: () => Promise<T> | T,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** True when the suite runs against the embedded engine rather than TEST_MONGODB_URI. */
export function usingEmbeddedEngine(): boolean {
  return !process.env.TEST_MONGODB_URI;
}
