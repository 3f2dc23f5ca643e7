// The data directory's files: who owns the directory (its lock file), where the snapshot and
// the journals are, and how they are read back into a store at start (replay). The writes that
// fill them, group-committed and compacted, are in journal-writer.ts; record framing in
// journal-format.ts.
//
// Files under dbPath:
//   mongod.lock            pid of the engine that owns the directory
//   snapshot.bson          framed records; the first one is { generation: G }
//   journal.<G>.log        changes made after snapshot G (a compaction that failed or was cut
//                          short leaves journal.<G+1>.log and later ones too: all are replayed,
//                          in order)
import fs from 'node:fs';
import path from 'node:path';
import { encodeRecord, type FileScan, formatOf, scanRecords } from './journal-format.ts';
import type { ChangeRecord, Store } from './storage.ts';

export const SNAPSHOT = 'snapshot.bson';
/** A snapshot being written; removed at start, where a crash may have left it. */
export const SNAPSHOT_TMP = 'snapshot.bson.tmp';
const LOCK = 'mongod.lock';
const JOURNAL_RE = /^journal\.(\d+)\.log$/;

export class DbPathLockedError extends Error {
  constructor(
    message: string,
    /** The process that holds the lock. */
    readonly pid: number | string,
  ) {
    super(message);
    this.name = 'DbPathLockedError';
  }
}

/** Damage in the middle of a data file: the engine refuses to start until it is repaired. */
export class DataCorruptError extends Error {
  constructor(
    readonly file: string,
    readonly offset: number,
  ) {
    const dir = path.dirname(file);
    super(
      `${file} is damaged at byte ${offset}, and readable records follow the damage. The engine ` +
        'does not start, so that nothing after it is lost, and has left the files untouched. ' +
        'To keep a copy of the damaged files and recover every intact record, run: ' +
        `npm run mongo:embedded -- --repair --dbpath ${dir}`,
    );
    this.name = 'DataCorruptError';
  }
}

const lockedInThisProcess = new Set<string>();

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the directory's lock file, or explains who holds it. */
export function acquireLock(dir: string): () => void {
  const lockPath = path.join(dir, LOCK);
  const resolved = path.resolve(dir);
  const refuse = (pid: number | string) =>
    new DbPathLockedError(
      `Another embedded MongoDB engine (pid ${pid}) is already using the data directory ${resolved}; ` +
        'stop it first, or start this one with another --dbpath.',
      pid,
    );
  if (lockedInThisProcess.has(resolved)) throw refuse(process.pid);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = fs.openSync(lockPath, 'wx');
      fs.writeSync(fd, `${process.pid}\n`);
      fs.fsyncSync(fd);
      fs.closeSync(fd);
      lockedInThisProcess.add(resolved);
      return () => {
        lockedInThisProcess.delete(resolved);
        try {
          fs.unlinkSync(lockPath);
        } catch {
          // already gone
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number.parseInt(fs.readFileSync(lockPath, 'utf8'), 10);
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && processAlive(pid)) throw refuse(pid);
      // A stale lock: its owner died (kill -9, power loss). Take it over.
      fs.rmSync(lockPath, { force: true });
    }
  }
  throw refuse('unknown');
}

/**
 * Runs `work` holding the directory's lock, as an engine would hold it. When a live engine
 * holds it, throws what `refusal` makes of that engine's pid instead.
 */
export function underLock<T>(dir: string, refusal: (pid: number | string) => Error, work: () => T): T {
  let release: () => void;
  try {
    release = acquireLock(dir);
  } catch (err) {
    if (err instanceof DbPathLockedError) throw refusal(err.pid);
    throw err;
  }
  try {
    return work();
  } finally {
    release();
  }
}

export function fsyncDir(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // Some platforms cannot fsync a directory; the rename is still atomic.
  }
}

/** Writes a whole file and fsyncs it before it returns. */
export function writeDurably(file: string, data: Buffer): void {
  const fd = fs.openSync(file, 'w');
  try {
    fs.writeFileSync(fd, data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The data files of a directory (the snapshot and the journals, by name), and whether they
 * hold any data: a snapshot, or a journal with a record in it. A missing directory has none.
 */
export function dataFilesIn(dir: string): { files: string[]; holdsData: boolean } {
  if (!fs.existsSync(dir)) return { files: [], holdsData: false };
  const files = fs.readdirSync(dir).filter((f) => f === SNAPSHOT || JOURNAL_RE.test(f));
  const holdsData = files.some((f) => f === SNAPSHOT || fs.statSync(path.join(dir, f)).size > 0);
  return { files, holdsData };
}

/** The journal files of a directory, oldest first. */
export function journalGenerations(dir: string): number[] {
  return fs
    .readdirSync(dir)
    .map((f) => JOURNAL_RE.exec(f))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
}

export function journalPath(dir: string, gen: number): string {
  return path.join(dir, `journal.${gen}.log`);
}

/** The format of a file from its first bytes (a missing or empty file is in the current one). */
export function fileFormat(file: string): 1 | 2 {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return 2;
  }
  try {
    const head = Buffer.alloc(4);
    const n = fs.readSync(fd, head, 0, 4, 0);
    return formatOf(head.subarray(0, n));
  } finally {
    fs.closeSync(fd);
  }
}

export interface RecoveryOptions {
  /** Read past damage (a repair): report it instead of refusing, and touch nothing. */
  skipDamage?: boolean;
  /** Change no file (a backup of a stopped engine): a torn tail is left out, not cut off. */
  readOnly?: boolean;
}

export interface RecoveryReport {
  records: number;
  /** Damaged stretches found (only with skipDamage; otherwise damage is refused). */
  damaged: { file: string; offset: number; end: number }[];
  /** Records that could not be applied (only with skipDamage). */
  conflicts: number;
  /** Files read, oldest first. */
  files: string[];
  generation: number;
}

/** The whole state as snapshot records, the first one naming the generation. */
export function snapshotBuffer(store: Store, generation: number): Buffer {
  const parts: Buffer[] = [encodeRecord({ generation })];
  for (const record of store.snapshotRecords()) parts.push(encodeRecord(record));
  return Buffer.concat(parts);
}

/**
 * Reads a data directory into `store` without changing any file: the snapshot, then every
 * journal from its generation on. Without `skipDamage`, damage followed by readable records
 * (in the same file or a later one) throws DataCorruptError before any file is changed; a torn
 * tail of the last journal is left out and cut off. With it, nothing is changed: every intact record is applied and the
 * damage reported, as a repair needs.
 */
export function replay(
  dir: string,
  store: Store,
  log: (line: string) => void,
  opts: RecoveryOptions,
): RecoveryReport {
  const report: RecoveryReport = { records: 0, damaged: [], conflicts: 0, files: [], generation: 0 };
  const apply = (record: Record<string, unknown>) => {
    try {
      store.apply(record as ChangeRecord);
    } catch (err) {
      if (!opts.skipDamage) throw err;
      report.conflicts++;
    }
  };
  const snapPath = path.join(dir, SNAPSHOT);
  const files: { file: string; buf: Buffer }[] = [];
  let generation: number | undefined;
  if (fs.existsSync(snapPath)) {
    const buf = fs.readFileSync(snapPath);
    let first = true;
    const scan = scanRecords(
      buf,
      (record) => {
        if (first) {
          first = false;
          if (typeof record.generation === 'number') {
            generation = record.generation;
            return;
          }
        }
        apply(record);
        report.records++;
      },
      opts,
    );
    // A snapshot is complete before it is renamed into place: any damage is corruption.
    if (scan.damage.length > 0) {
      if (!opts.skipDamage) throw new DataCorruptError(snapPath, scan.goodEnd);
      for (const d of scan.damage) report.damaged.push({ file: snapPath, ...d });
    }
    if (generation === undefined && !opts.skipDamage) throw new DataCorruptError(snapPath, 0);
    report.files.push(snapPath);
  }
  const gens = journalGenerations(dir).filter((gen) => generation === undefined || gen >= generation);
  for (const gen of gens)
    files.push({ file: journalPath(dir, gen), buf: fs.readFileSync(journalPath(dir, gen)) });
  report.generation = generation ?? gens[0] ?? 0;
  let torn: { file: string; at: number; bytes: number } | null = null;
  files.forEach(({ file, buf }, i) => {
    const scan: FileScan = scanRecords(
      buf,
      (record) => {
        apply(record);
        report.records++;
      },
      opts,
    );
    report.files.push(file);
    if (scan.damage.length === 0) return;
    if (opts.skipDamage) {
      for (const d of scan.damage) report.damaged.push({ file, ...d });
      return;
    }
    const laterRecords = files.slice(i + 1).some((f) => f.buf.length > 0);
    if (!scan.tornTail || laterRecords) throw new DataCorruptError(file, scan.goodEnd);
    torn = { file, at: scan.goodEnd, bytes: buf.length - scan.goodEnd };
  });
  if (torn && !opts.readOnly) {
    const { file, at, bytes } = torn as { file: string; at: number; bytes: number };
    // A write cut short at the very end: it was never acknowledged. Cut it off.
    log(`journal ${path.basename(file)}: discarding ${bytes} bytes of an incomplete write at byte ${at}`);
    fs.truncateSync(file, at);
  }
  return report;
}
