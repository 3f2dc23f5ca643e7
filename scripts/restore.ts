// `npm run restore -- FILE [--dbpath DIR]`: a backup taken by `npm run backup`, restored into
// the data directory of an embedded engine (default $DATA_DIR/db), which must not be in use.
//   --force   restore into a directory that holds data: its files are moved to DIR/replaced-<time>/
//   --check   only check FILE (whole, intact, every record applicable), restore nothing
// The whole file is checked before the directory is touched: a damaged or incomplete backup is
// refused, saying what is wrong. After a restore, start the app on it: before it takes a booking
// it puts right the counters and holds of bookings the backup caught halfway, as after a crash.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { embeddedEnginePaths } from '../src/embedded-engine-paths.ts';
import { checkBackup, type RestoreResult, restoreBackup } from '../src/embedded-mongo/restore.ts';
import { fail, storageConfigOrExit } from './data-commands.ts';

const USAGE = 'usage: npm run restore -- FILE [--dbpath DIR] [--force] | npm run restore -- FILE --check';

let parsed: {
  values: { dbpath?: string; force?: boolean; check?: boolean; help?: boolean };
  positionals: string[];
};
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: {
      dbpath: { type: 'string' },
      force: { type: 'boolean', default: false },
      check: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
} catch (err) {
  fail(`${(err as Error).message}\n${USAGE}`, 2);
}
const { values, positionals } = parsed;
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
if (positionals.length !== 1) fail(`give one backup FILE\n${USAGE}`, 2);
const file = path.resolve(positionals[0]!);

const describe = (r: Pick<RestoreResult, 'header' | 'databases'>) =>
  `taken ${r.header.createdAt.toISOString()}, ${r.databases
    .map((d) => `database ${d.name}: ${d.collections} collections, ${d.documents} documents`)
    .join('; ')}`;

try {
  if (values.check) {
    console.log(`${file} is a whole, intact backup: ${describe(checkBackup(file))}`);
    process.exit(0);
  }
  let dbPath = values.dbpath;
  if (!dbPath) {
    const config = storageConfigOrExit();
    if (config.mongodbUri)
      fail(
        'MONGODB_URI is set: the app keeps its data in MongoDB, not in an embedded engine. Give the data ' +
          'directory to restore into with --dbpath DIR, or restore a mongodump archive with mongorestore ' +
          '(see docs/deploy.md, "Backups").',
        2,
      );
    dbPath = embeddedEnginePaths(config.dataDir).dbPath;
  }
  const result = restoreBackup({ file, dbPath, force: values.force });
  console.log(`restored ${file} into ${result.dbPath}: ${describe(result)}`);
  if (result.replaced) console.log(`the directory's previous files are kept in ${result.replaced}`);
} catch (err) {
  fail(`cannot restore: ${(err as Error).message}`);
}
