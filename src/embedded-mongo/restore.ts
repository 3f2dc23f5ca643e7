// Restoring a backup (backup-format.ts) into a data directory the engine then opens. Nothing
// is touched until the whole file has been checked and its records applied in memory. The
// directory's lock is taken first, so no engine runs on it meanwhile; one that holds data is
// refused unless `force`, and then its files are moved aside (DIR/replaced-<time>/), not deleted.
// The state is written as snapshot 1 with an empty journal 1: a crash midway leaves at most
// a temporary snapshot the engine removes at start, and the restore can simply be run again.
import fs from 'node:fs';
import path from 'node:path';
import { type BackupHeader, readBackup } from './backup-format.ts';
import {
  dataFilesIn,
  fsyncDir,
  journalPath,
  SNAPSHOT,
  SNAPSHOT_TMP,
  snapshotBuffer,
  underLock,
  writeDurably,
} from './journal.ts';
import { makePrivateDir } from './private-channel.ts';
import { Store } from './storage.ts';

export interface RestoreResult {
  dbPath: string;
  header: BackupHeader;
  /** What the directory holds now, per database. */
  databases: { name: string; collections: number; documents: number }[];
  /** Where the directory's previous files were moved (force), or null. */
  replaced: string | null;
}

/** A restore that was refused before anything was changed, and why. */
export class RestoreRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RestoreRefusedError';
  }
}

/** The backup's state in memory, every record applied: a file that does not apply is refused whole. */
function loadBackup(file: string): { header: BackupHeader; store: Store } {
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch (err) {
    throw new RestoreRefusedError(`cannot read ${file}: ${(err as Error).message}`);
  }
  const { header, records } = readBackup(buf, file);
  const store = new Store();
  for (const record of records) {
    try {
      store.apply(record);
    } catch (err) {
      throw new RestoreRefusedError(
        `${file} holds a record that cannot be applied (${(err as Error).message}); nothing was restored from it.`,
      );
    }
  }
  return { header, store };
}

/** Checks a backup file as a restore would, without restoring it. */
export function checkBackup(file: string): Omit<RestoreResult, 'dbPath' | 'replaced'> {
  const { header, store } = loadBackup(file);
  return { header, databases: contents(store) };
}

function contents(store: Store): RestoreResult['databases'] {
  return [...store.dbs].map(([name, colls]) => ({
    name,
    collections: colls.size,
    documents: [...colls.values()].reduce((n, c) => n + c.docs.size, 0),
  }));
}

export function restoreBackup(opts: { file: string; dbPath: string; force?: boolean }): RestoreResult {
  const { header, store } = loadBackup(opts.file);
  const dir = path.resolve(opts.dbPath);
  makePrivateDir(dir, { strict: false });
  const refusal = (pid: number | string) =>
    new RestoreRefusedError(
      `an embedded engine (pid ${pid}) is running on ${dir}: stop it (stop the app) before restoring into its data directory.`,
    );
  return underLock(dir, refusal, () => {
    const present = dataFilesIn(dir);
    let replaced: string | null = null;
    if (present.holdsData && !opts.force) {
      throw new RestoreRefusedError(
        `${dir} already holds data (${present.files.join(', ')}), which the restore would replace. ` +
          'To restore anyway, give --force: the present files are first moved to ' +
          `${path.join(dir, 'replaced-<time>')}/.`,
      );
    }
    if (present.holdsData) {
      replaced = path.join(dir, `replaced-${new Date().toISOString().replace(/[:.]/g, '-')}`);
      fs.mkdirSync(replaced, { mode: 0o700 });
      for (const f of present.files) fs.renameSync(path.join(dir, f), path.join(replaced, f));
      fsyncDir(replaced);
    } else {
      // Empty journals of an engine that never wrote anything.
      for (const f of present.files) fs.rmSync(path.join(dir, f));
    }
    fsyncDir(dir);
    const generation = 1;
    writeDurably(journalPath(dir, generation), Buffer.alloc(0));
    const tmp = path.join(dir, SNAPSHOT_TMP);
    writeDurably(tmp, snapshotBuffer(store, generation));
    fs.renameSync(tmp, path.join(dir, SNAPSHOT));
    fsyncDir(dir);
    return { dbPath: dir, header, databases: contents(store), replaced };
  });
}
