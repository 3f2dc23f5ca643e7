// `npm run seed`: the demo data on demand, idempotently, against MONGODB_URI or the embedded engine under DATA_DIR.
import { configOrExit, connectAndCompose, databaseUri } from '../src/boot.ts';
import { disconnectDatabase } from '../src/db.ts';
import { createLogger } from '../src/logger.ts';
import { seed } from '../src/seed/index.ts';

const config = configOrExit();
const logger = createLogger(config.logLevel);
const { uri, engine } = await databaseUri(config, logger);
try {
  const container = await connectAndCompose(config, logger, uri);
  await seed(container, { now: new Date(), log: (line) => console.log(line) }, { demo: true });
  console.log('seed complete');
} finally {
  await disconnectDatabase();
  await engine?.stop();
}
