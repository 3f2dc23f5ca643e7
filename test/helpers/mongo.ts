// Where the tests' MongoDB lives: the embedded engine (in memory, started once per
// Mocha process by the root hooks) or, when TEST_MONGODB_URI is set, a real MongoDB.
// Tests never depend on which one it is.
import { type EmbeddedMongo, startEmbeddedMongo } from '../../src/embedded-mongo/index.ts';

let engine: EmbeddedMongo | undefined;
let uri: string | undefined = process.env.TEST_MONGODB_URI || undefined;

export async function startTestMongo(): Promise<void> {
  if (uri) return;
  engine = await startEmbeddedMongo({ port: 0 });
  uri = engine.uri;
}

export async function stopTestMongo(): Promise<void> {
  await engine?.stop();
  engine = undefined;
  if (!process.env.TEST_MONGODB_URI) uri = undefined;
}

/** Connection string of the test server; pass a database name separately (dbName option). */
export function testMongoUri(): string {
  if (!uri) throw new Error('test MongoDB is not started (root hooks missing?)');
  return uri;
}

/** A database name unique to this process and suite, so parallel runs never collide. */
export function testDbName(suite: string): string {
  return `test_${suite.replace(/[^a-z0-9]/gi, '_')}_${process.pid}`;
}
