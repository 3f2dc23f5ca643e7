// Taking a backup of the embedded engine while it serves: the running engine is asked over its
// private socket, as the app reaches it, with its `backup` command (a cursor of the file's
// bytes, captured at one instant: Engine.backup). When no engine answers there, the data
// directory is read directly, under its lock, so a stopped app can be backed up too.
//
// The file holds every document (names, ID fingerprints, phones): it is written for its owner
// alone (0600) under a temporary name, read back and checked, and only then renamed into place,
// so a file with the name asked for is always a whole, checked backup.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { type Binary, MongoClient } from 'mongodb';
import { backupBytes, readBackup } from './backup-format.ts';
import { dataFilesIn, fsyncDir, replay, underLock } from './journal.ts';
import { socketAnswers, socketUri } from './private-channel.ts';
import { Store } from './storage.ts';

export interface BackupResult {
  file: string;
  bytes: number;
  records: number;
  createdAt: Date;
  /** Where the state came from: the running engine's socket, or the data directory. */
  from: { socket: string } | { dbPath: string };
}

/**
 * Writes a backup to `out`: from the engine answering on `socket`, or, when none does, from the
 * data directory `dbPath` (refused while an engine holds it: give its socket instead).
 */
export async function takeBackup(opts: {
  socket?: string;
  dbPath: string;
  out: string;
}): Promise<BackupResult> {
  const out = path.resolve(opts.out);
  if (opts.socket && (await socketAnswers(opts.socket))) {
    const socket = opts.socket;
    return { ...(await writeBackupFile(out, (write) => streamFromEngine(socket, write))), from: { socket } };
  }
  const bytes = backupOfDirectory(opts.dbPath, opts.socket);
  return {
    ...(await writeBackupFile(out, (write) => write(bytes))),
    from: { dbPath: path.resolve(opts.dbPath) },
  };
}

/** Runs `backup` on the engine and hands each chunk of the file to `write`, in order. */
async function streamFromEngine(socket: string, write: (chunk: Uint8Array) => Promise<void>): Promise<void> {
  const client = new MongoClient(socketUri(socket), { serverSelectionTimeoutMS: 5_000 });
  try {
    const cursor = client.db('admin').runCursorCommand({ backup: 1 });
    for await (const chunk of cursor) {
      const data = chunk.data as Binary;
      await write(data.buffer.subarray(0, data.position));
    }
  } catch (err) {
    const code = (err as { codeName?: string }).codeName;
    if (code === 'CommandNotFound')
      throw new Error(
        `the server on ${socket} is not the embedded engine (it has no backup command); back a MongoDB server up with mongodump`,
      );
    throw err;
  } finally {
    await client.close();
  }
}

/** The backup of a data directory no engine runs on, read under its lock; no file is changed. */
function backupOfDirectory(dbPath: string, socket: string | undefined): Buffer {
  const dir = path.resolve(dbPath);
  const nobody = socket ? `no embedded engine answers on ${socket}` : 'no engine socket was given';
  if (!dataFilesIn(dir).holdsData) throw new Error(`${nobody}, and ${dir} holds no data: nothing to back up`);
  return underLock(
    dir,
    (pid) =>
      new Error(
        `an embedded engine (pid ${pid}) is using ${dir}, but ${nobody}: give the socket it listens ` +
          'on with --socket (the app logs it at start)',
      ),
    () => {
      const store = new Store();
      replay(dir, store, () => undefined, { readOnly: true });
      return backupBytes(store);
    },
  );
}

/**
 * Creates `out` for its owner alone from what `fill` writes, checks it as a restore would, and
 * only then gives it its name; a failure leaves no file behind.
 */
async function writeBackupFile(
  out: string,
  fill: (write: (chunk: Uint8Array) => Promise<void>) => Promise<void>,
): Promise<Omit<BackupResult, 'from'>> {
  const partial = `${out}.partial`;
  try {
    const fh = await fsp.open(partial, 'w', 0o600);
    try {
      // The mode given to open() is reduced by the umask, and an existing file keeps its own.
      await fh.chmod(0o600);
      await fill(async (chunk) => {
        await fh.write(chunk);
      });
      await fh.datasync();
    } finally {
      await fh.close();
    }
    const { header } = readBackup(await fsp.readFile(partial), partial);
    await fsp.rename(partial, out);
    fsyncDir(path.dirname(out));
    return { file: out, bytes: fs.statSync(out).size, records: header.records, createdAt: header.createdAt };
  } catch (err) {
    await fsp.rm(partial, { force: true });
    throw err;
  }
}
