// The file operations of the journal's writes. The appends, syncs and truncations go through
// JournalIo, so that tests can make them fail (a full disk, an I/O error, a short write) and
// see the journal take the write back.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { ErrorCodes, MongoCommandError } from './errors.ts';
import { fsyncDir, journalGenerations, journalPath, SNAPSHOT, SNAPSHOT_TMP } from './journal.ts';

/** The file operations the journal's writes go through (replaced in tests to inject faults). */
export interface JournalIo {
  /** Writes the whole buffer at the end of the file (or fails). */
  append(fd: number, buf: Buffer): Promise<void>;
  sync(fd: number): Promise<void>;
  truncate(fd: number, length: number): Promise<void>;
}

export const fileIo: JournalIo = {
  append: (fd, buf) =>
    new Promise((resolve, reject) => {
      const step = (offset: number) => {
        fs.write(fd, buf, offset, buf.length - offset, null, (err, written) => {
          if (err) return reject(err);
          if (offset + written < buf.length) step(offset + written);
          else resolve();
        });
      };
      step(0);
    }),
  sync: (fd) => new Promise((resolve, reject) => fs.fdatasync(fd, (err) => (err ? reject(err) : resolve()))),
  truncate: (fd, length) =>
    new Promise((resolve, reject) => fs.ftruncate(fd, length, (err) => (err ? reject(err) : resolve()))),
};

/** The error a client gets for a change the journal could not make durable (and took back). */
export function writeRefused(cause: unknown): MongoCommandError {
  const code = (cause as NodeJS.ErrnoException)?.code;
  const full = code === 'ENOSPC' || code === 'EDQUOT';
  return new MongoCommandError(
    full ? ErrorCodes.OutOfDiskSpace : ErrorCodes.FileStreamFailed,
    `the journal could not be written (${(cause as Error)?.message ?? String(cause)}); the write was not applied`,
  );
}

/**
 * Puts a new snapshot in place of the previous one (written beside it, synced, renamed over
 * it: a crash leaves one or the other whole), then removes the journals it holds, those of
 * generations up to `foldedGeneration`.
 */
export async function installSnapshot(dir: string, bytes: Buffer, foldedGeneration: number): Promise<void> {
  const tmp = path.join(dir, SNAPSHOT_TMP);
  try {
    const fh = await fsp.open(tmp, 'w');
    try {
      await fh.writeFile(bytes);
      await fh.datasync();
    } finally {
      await fh.close();
    }
    await fsp.rename(tmp, path.join(dir, SNAPSHOT));
  } catch (err) {
    await fsp.rm(tmp, { force: true }).catch(() => undefined);
    throw err;
  }
  fsyncDir(dir);
  for (const gen of journalGenerations(dir)) {
    if (gen <= foldedGeneration) await fsp.rm(journalPath(dir, gen), { force: true }).catch(() => undefined);
  }
}
