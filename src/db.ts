import { createHmac, randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import type { StorageHealth } from './lib/database-errors.ts';
import { withDeadline } from './lib/deadline.ts';
import { AppSettingModel } from './models/app-setting.model.ts';

/**
 * The longest the server may work on one of the application's reads (find, findOne, count,
 * distinct, aggregate) or findOneAndUpdate before it gives up with MaxTimeMSExpired (code 50),
 * answered as a 503. The application's queries take milliseconds; this bounds a pathological
 * one instead of letting it hold a connection and the request. A query that sets its own
 * `maxTimeMS` keeps it.
 */
export const QUERY_MAX_TIME_MS = 10_000;

/**
 * Connects Mongoose. Commands are not buffered while the database is away: a request fails
 * within SERVER_SELECTION_TIMEOUT_MS with a 503 page instead of hanging, and the driver
 * reconnects on its own, checking the server every HEARTBEAT_MS, so service resumes within
 * a couple of seconds of the database coming back.
 */
export async function connectDatabase(uri: string, dbName: string): Promise<typeof mongoose> {
  mongoose.set('bufferCommands', false);
  mongoose.set('strictQuery', true);
  // Mongoose adds it to every query and aggregation of every connection.
  mongoose.set('maxTimeMS', QUERY_MAX_TIME_MS);
  await mongoose.connect(uri, {
    dbName,
    serverSelectionTimeoutMS: SERVER_SELECTION_TIMEOUT_MS,
    heartbeatFrequencyMS: HEARTBEAT_MS,
    autoIndex: false,
    maxPoolSize: 50,
    // The driver closes idle connections itself before the embedded engine's idle limit
    // (30 minutes) would: a connection is never taken from the pool just as it is closed.
    maxIdleTimeMS: 10 * 60_000,
  });
  return mongoose;
}

/** Whether the application's connection is up. */
export function databaseConnected(): boolean {
  return mongoose.connection.readyState === 1;
}

/** The driver's database of the application's connection (the job queue shares it: no second pool). */
export function connectedDb() {
  const db = mongoose.connection.db;
  if (!db || !databaseConnected()) throw new Error('the database is not connected');
  return db;
}

/** Closes the application's connection (at shutdown; a failure to close changes nothing then). */
export async function disconnectDatabase(): Promise<void> {
  await mongoose.disconnect().catch(() => undefined);
}

/** How long a command waits for a reachable server before it fails (and the request answers 503). */
export const SERVER_SELECTION_TIMEOUT_MS = 3_000;
const HEARTBEAT_MS = 2_000;

/** Builds every model's indexes (unique indexes carry invariants, so they must exist before traffic). */
export async function ensureIndexes(): Promise<void> {
  for (const model of Object.values(mongoose.models)) {
    await model.createCollection().catch((err: { code?: number }) => {
      if (err.code !== 48) throw err;
    });
    await model.createIndexes();
  }
}

/**
 * Whether the database answers, and takes writes: after a write was refused for want of
 * storage (a full disk), a small write must succeed again before this says yes.
 */
/** About the journal space a batch of concurrent bookings takes. */
const READINESS_PROBE_BYTES = 256 * 1024;
const READINESS_PING_MS = 2_000;

export async function databaseReachable(storage: StorageHealth): Promise<boolean> {
  const db = mongoose.connection.db;
  if (!db || mongoose.connection.readyState !== 1) return false;
  try {
    // Bounded by our own timer: the driver's timeoutMS has no effect (see lib/deadline.ts).
    await withDeadline(db.command({ ping: 1 }), READINESS_PING_MS, 'the readiness ping');
    if (storage.failed()) {
      // The probe must be as large as the writes that were refused: on a nearly full disk a
      // tiny write still fits while a batch of bookings does not, and readiness would lie.
      await AppSettingModel.collection.updateOne(
        { _id: 'readiness_probe' } as never,
        { $set: { value: new Date().toISOString(), padding: 'x'.repeat(READINESS_PROBE_BYTES) } },
        { upsert: true },
      );
      await AppSettingModel.collection.deleteOne({ _id: 'readiness_probe' } as never);
      storage.recovered();
    }
    return true;
  } catch {
    return false;
  }
}

/**
 * The application secret: APP_SECRET when set (production), otherwise one generated on the
 * first start and kept in the database so that every process and restart shares it.
 */
export async function applicationSecret(configured: string | undefined): Promise<string> {
  if (configured) return configured;
  const candidate = randomBytes(32).toString('base64url');
  const doc = await AppSettingModel.findOneAndUpdate(
    { _id: 'app_secret' },
    { $setOnInsert: { value: candidate, createdAt: new Date() } },
    { upsert: true, returnDocument: 'after' },
  ).lean();
  return doc!.value;
}

/**
 * The key of ID fingerprints: ID_FINGERPRINT_SECRET, or else the application secret (the
 * key they were always made with, so existing data keeps matching). The database keeps a
 * check value made with the first key it saw: a start with another key (APP_SECRET changed
 * without ID_FINGERPRINT_SECRET set to the old one) would make every stored booking, hold and
 * application stop matching its people, so it is refused, naming the variable.
 */
export async function idFingerprintSecret(
  configured: string | undefined,
  appSecret: string,
): Promise<string> {
  const key = configured ?? appSecret;
  const check = createHmac('sha256', key).update('id-fingerprint-key-check').digest('hex');
  const doc = await AppSettingModel.findOneAndUpdate(
    { _id: 'id_fingerprint_check' },
    { $setOnInsert: { value: check, createdAt: new Date() } },
    { upsert: true, returnDocument: 'after' },
  ).lean();
  if (doc!.value !== check)
    throw new Error(
      `${configured ? 'ID_FINGERPRINT_SECRET' : 'APP_SECRET'} is not the key the stored ID fingerprints were made with: ` +
        'set ID_FINGERPRINT_SECRET to the APP_SECRET they were made with (docs/deploy.md, "The application secret")',
    );
  return key;
}
