// Staff sessions live in MongoDB (connect-mongo), on the application's own connection, so
// every process shares them and a restart signs nobody out. Built on first use, never on import.
import MongoStore from 'connect-mongo';
import mongoose from 'mongoose';

export const SESSION_COLLECTION = 'staff_sessions';

export function createSessionStore(ttlSeconds: number): MongoStore {
  const connection = mongoose.connection;
  return MongoStore.create({
    // Mongoose bundles its own copy of the driver; the client is the same at run time.
    client: connection.getClient() as unknown as NonNullable<
      Parameters<typeof MongoStore.create>[0]['client']
    >,
    dbName: connection.name,
    collectionName: SESSION_COLLECTION,
    ttl: ttlSeconds,
    // A session seen again within a minute is not rewritten (the idle limit is 30 minutes).
    touchAfter: 60,
    stringify: false,
  });
}
