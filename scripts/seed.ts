// `npm run seed`: the demo data on demand, idempotently, against MONGODB_URI or the embedded engine under DATA_DIR.
import path from 'node:path';
import mongoose from 'mongoose';
import { loadConfig } from '../src/config.ts';
import { createContainer } from '../src/container.ts';
import { applicationSecret, connectDatabase, ensureIndexes } from '../src/db.ts';
import { type EmbeddedMongo, spawnEmbeddedMongo } from '../src/embedded-mongo/index.ts';
import { createLogger } from '../src/logger.ts';
import { seedDemo } from '../src/seed/demo-seed.ts';
import { extraSeeders } from '../src/seed/seeders.ts';

const config = loadConfig();
const logger = createLogger(config.logLevel);
let engine: EmbeddedMongo | undefined;
let uri = config.mongodbUri;
if (!uri) {
  engine = await spawnEmbeddedMongo({ port: 0, dbPath: path.join(config.dataDir, 'db') });
  uri = engine.uri;
}
try {
  await connectDatabase(uri, config.mongodbDb);
  await ensureIndexes();
  const secret = await applicationSecret(config.appSecret);
  const container = createContainer({ config, logger, secret });
  await seedDemo({ now: new Date(), log: (line) => console.log(line) }, extraSeeders(container));
  console.log('seed complete');
} finally {
  await mongoose.disconnect();
  await engine?.stop();
}
