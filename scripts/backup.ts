// `npm run backup -- --out FILE`: a consistent backup of the app's embedded engine, taken while
// the app serves (or while it is stopped), written for its owner alone (0600: it holds every
// couple's personal data). See docs/deploy.md, "Backups".
//   --out FILE      where to write it (required); replaced only by a whole, checked backup
//   --socket PATH   the engine's socket, when it is not $DATA_DIR/run/mongod.sock
//   --dbpath DIR    the data directory read when no engine runs (default $DATA_DIR/db)
// With MONGODB_URI set the data is in MongoDB, which its own tool (mongodump) backs up.
import { parseArgs } from 'node:util';
import { embeddedEnginePaths } from '../src/embedded-engine-paths.ts';
import { takeBackup } from '../src/embedded-mongo/backup.ts';
import { fail, storageConfigOrExit } from './data-commands.ts';

const USAGE = 'usage: npm run backup -- --out FILE [--socket PATH] [--dbpath DIR]';

let values: { out?: string; socket?: string; dbpath?: string; help?: boolean };
try {
  ({ values } = parseArgs({
    options: {
      out: { type: 'string' },
      socket: { type: 'string' },
      dbpath: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  }));
} catch (err) {
  fail(`${(err as Error).message}\n${USAGE}`, 2);
}
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const config = storageConfigOrExit();
if (config.mongodbUri) {
  fail(
    'MONGODB_URI is set: the data is in MongoDB, not in the embedded engine. Back it up with ' +
      `MongoDB's own tool, for example:\n  mongodump --uri "$MONGODB_URI" --db ${config.mongodbDb} ` +
      '--archive=FILE --gzip\n(see docs/deploy.md, "Backups").',
    2,
  );
}
if (!values.out) fail(`--out FILE is required\n${USAGE}`, 2);

const engine = embeddedEnginePaths(config.dataDir);
try {
  const result = await takeBackup({
    socket: values.socket ?? engine.socket,
    dbPath: values.dbpath ?? engine.dbPath,
    out: values.out,
  });
  const from =
    'socket' in result.from
      ? `from the running engine on ${result.from.socket}`
      : `from ${result.from.dbPath} (no engine was running)`;
  console.log(
    `backup written to ${result.file}: ${result.records} records, ${result.bytes} bytes, ` +
      `taken ${from} at ${result.createdAt.toISOString()}; readable by its owner only (0600)`,
  );
} catch (err) {
  fail(`cannot take a backup: ${(err as Error).message}`);
}
