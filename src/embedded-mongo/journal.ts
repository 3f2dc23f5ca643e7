// On-disk durability: an append-only journal of changes, fsynced in batches (group commit:
// every write waiting while one fsync runs is covered by the next), replayed at start, and
// compacted from time to time into a snapshot. Record framing: journal-format.ts.
//
// Files under dbPath:
//   mongod.lock            pid of the engine that owns the directory
//   snapshot.bson          framed records; the first one is { generation: G }
//   journal.<G>.log        changes made after snapshot G (a compaction that failed or was cut
//                          short leaves journal.<G+1>.log and later ones too: all are replayed,
//                          in order)
//
// The promise: a change is acknowledged only once it is completely on disk, and no good
// record is ever thrown away.
// - A batch that fails to reach the disk (no space, an I/O error, a short write) is cut back
//   off the file, and it and every change made after it are taken back out of memory before
//   any command hears of it: memory always equals what a restart would read. Each command
//   waiting on them gets an error (OutOfDiskSpace, FileStreamFailed). The next write tries
//   the disk again, so writes succeed once space is freed, without a restart.
// - At start only a torn tail (the last write, incomplete, never acknowledged) is dropped. A
//   damaged record with readable records after it is corruption: the engine refuses to start,
//   touches nothing, and names the file and the byte; `--repair` (repair.ts) recovers the rest.
// - A compaction that fails leaves the previous snapshot and journals, which still hold
//   everything, and the engine goes on.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { ErrorCodes, MongoCommandError } from './errors.ts';
import { encodeRecord, type FileScan, formatOf, scanRecords } from './journal-format.ts';
import type { ChangeRecord, Store } from './storage.ts';

export const SNAPSHOT = 'snapshot.bson';
/** A snapshot being written; removed at start, where a crash may have left it. */
export const SNAPSHOT_TMP = 'snapshot.bson.tmp';
const LOCK = 'mongod.lock';
const JOURNAL_RE = /^journal\.(\d+)\.log$/;

/** Compact once the journal is this large and larger than twice the last snapshot. */
const COMPACT_MIN_BYTES = 64 * 1024 * 1024;
/** After a failed compaction, the next automatic attempt waits this long. */
const COMPACT_RETRY_MS = 60_000;

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
function fileFormat(file: string): 1 | 2 {
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
function writeRefused(cause: unknown): MongoCommandError {
  const code = (cause as NodeJS.ErrnoException)?.code;
  const full = code === 'ENOSPC' || code === 'EDQUOT';
  return new MongoCommandError(
    full ? ErrorCodes.OutOfDiskSpace : ErrorCodes.FileStreamFailed,
    `the journal could not be written (${(cause as Error)?.message ?? String(cause)}); the write was not applied`,
  );
}

/** Where a command's writes began: see Journal.commit. */
export interface WriteTicket {
  epoch: number;
}

interface Entry {
  buf: Buffer;
  undo: () => void;
  seq: number;
}

interface Waiter {
  seq: number;
  resolve: () => void;
  reject: (err: Error) => void;
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

export class Journal {
  private readonly dir: string;
  private readonly store: Store;
  private readonly log: (line: string) => void;
  private readonly io: JournalIo;
  private releaseLock: (() => void) | null = null;
  private generation = 0;
  private fd = -1;
  /** Bytes of the current journal file known to be on disk. */
  private fileEnd = 0;
  private snapshotBytes = 0;
  private pending: Entry[] = [];
  private inflight: Entry[] = [];
  private waiters: Waiter[] = [];
  private durableSeq = 0;
  /** Incremented by every rollback: a command that began before one cannot be acknowledged. */
  private epoch = 0;
  private lastFailure: MongoCommandError | null = null;
  /** A failed batch could not be cut off the file yet: no write goes on until it is. */
  private mustTruncate = false;
  private flushing = false;
  private compacting: Promise<void> | null = null;
  private compactNotBefore = 0;
  private closed = false;

  constructor(dir: string, store: Store, log: (line: string) => void, io: JournalIo = fileIo) {
    this.dir = dir;
    this.store = store;
    this.log = log;
    this.io = io;
  }

  /** Locks the directory and rebuilds the store from the snapshot and the journals. */
  open(): void {
    fs.mkdirSync(this.dir, { recursive: true });
    this.releaseLock = acquireLock(this.dir);
    try {
      this.recover();
    } catch (err) {
      this.releaseLock();
      this.releaseLock = null;
      throw err;
    }
    this.store.changeLog = (record, undo) => this.append(record, undo);
  }

  /**
   * Replays the snapshot and the journals into the store. Damage is refused (DataCorruptError)
   * before any file is changed; only then is a torn tail cut off, and a journal in the old
   * format closed to further writes by starting a new one.
   */
  private recover(): void {
    const report = replay(this.dir, this.store, this.log, {});
    const gens = journalGenerations(this.dir);
    // Older journals are folded into the snapshot already.
    for (const gen of gens)
      if (gen < report.generation) fs.rmSync(journalPath(this.dir, gen), { force: true });
    fs.rmSync(path.join(this.dir, SNAPSHOT_TMP), { force: true });
    let current = Math.max(report.generation, gens.at(-1) ?? 0);
    if (fileFormat(journalPath(this.dir, current)) === 1) {
      // Records are appended only in the current format: a journal in the previous one is left
      // as it is and the next one starts (the next compaction folds both into a new snapshot).
      this.log(
        `journal.${current}.log is in the previous format; new writes go to journal.${current + 1}.log`,
      );
      current++;
    }
    this.generation = current;
    this.fd = fs.openSync(journalPath(this.dir, current), 'a');
    this.fileEnd = fs.fstatSync(this.fd).size;
    this.store.changes = 0;
    this.durableSeq = 0;
    if (report.records) this.log(`replayed ${report.records} records from ${this.dir}`);
  }

  private append(record: ChangeRecord, undo: () => void): void {
    if (this.closed) throw new Error('journal is closed');
    this.pending.push({ buf: encodeRecord(record), undo, seq: this.store.changes });
  }

  /** Marks where a command begins, before it writes anything. */
  begin(): WriteTicket {
    return { epoch: this.epoch };
  }

  /**
   * Resolves once every change made so far (the command's own among them) is on disk.
   * Rejects when any of them was taken back, or when a rollback happened while the command
   * ran (it may have read or written what was undone): the command must answer an error.
   */
  commit(ticket: WriteTicket): Promise<void> {
    if (ticket.epoch !== this.epoch) return Promise.reject(this.lastFailure ?? writeRefused('rolled back'));
    return this.waitFor(this.store.changes);
  }

  /** Resolves once every change made so far is on disk (the `fsync` command, the TTL monitor). */
  flush(): Promise<void> {
    return this.waitFor(this.store.changes);
  }

  private waitFor(seq: number): Promise<void> {
    if (seq <= this.durableSeq) return Promise.resolve();
    if (this.closed) return Promise.reject(new Error('journal is closed'));
    return new Promise<void>((resolve, reject) => {
      this.waiters.push({ seq, resolve, reject });
      if (!this.flushing) void this.loop();
    });
  }

  private async loop(): Promise<void> {
    this.flushing = true;
    try {
      while (this.pending.length > 0) {
        const batch = this.pending;
        this.pending = [];
        this.inflight = batch;
        const buf = batch.length === 1 ? batch[0]!.buf : Buffer.concat(batch.map((e) => e.buf));
        try {
          if (this.mustTruncate) {
            await this.io.truncate(this.fd, this.fileEnd);
            this.mustTruncate = false;
          }
          await this.io.append(this.fd, buf);
          await this.io.sync(this.fd);
        } catch (err) {
          await this.rollback(err);
          continue;
        }
        this.inflight = [];
        this.fileEnd += buf.length;
        this.durableSeq = batch.at(-1)!.seq;
        const still: Waiter[] = [];
        for (const w of this.waiters) {
          if (w.seq <= this.durableSeq) w.resolve();
          else still.push(w);
        }
        this.waiters = still;
      }
    } finally {
      this.flushing = false;
    }
    this.maybeCompact();
  }

  /**
   * The batch in flight failed: take it and everything appended since back out of memory,
   * newest first, so that memory equals the disk again; cut the file back to its last good
   * record; tell every waiting command.
   */
  private async rollback(cause: unknown): Promise<void> {
    const lost = [...this.inflight, ...this.pending];
    this.inflight = [];
    this.pending = [];
    for (let i = lost.length - 1; i >= 0; i--) lost[i]!.undo();
    this.epoch++;
    // What is left in memory up to here is on disk: the rest no longer exists.
    if (lost.length > 0) this.durableSeq = Math.max(this.durableSeq, lost.at(-1)!.seq);
    const error = writeRefused(cause);
    this.lastFailure = error;
    const waiters = this.waiters;
    this.waiters = [];
    this.log(`journal write failed: ${error.message}; ${lost.length} changes taken back`);
    try {
      await this.io.truncate(this.fd, this.fileEnd);
    } catch (err) {
      // Tried again before the next write: nothing is appended after a partial record.
      this.mustTruncate = true;
      this.log(`journal: cannot cut the failed write off yet (${(err as Error).message})`);
    }
    for (const w of waiters) w.reject(error);
  }

  private maybeCompact(): void {
    if (
      this.compacting ||
      this.closed ||
      this.mustTruncate ||
      Date.now() < this.compactNotBefore ||
      this.fileEnd <= COMPACT_MIN_BYTES ||
      this.fileEnd <= 2 * this.snapshotBytes
    )
      return;
    this.compacting = this.compact()
      .catch(() => {
        this.compactNotBefore = Date.now() + COMPACT_RETRY_MS;
      })
      .finally(() => {
        this.compacting = null;
      });
  }

  /**
   * Writes the whole state as snapshot G+1 and starts journal G+1. The state is captured and
   * the journal switched synchronously, between two commands, so nothing falls in between.
   * Should writing the snapshot fail, snapshot G and journals G and G+1 still hold everything.
   */
  async compact(): Promise<void> {
    try {
      await this.compactOnce();
    } catch (err) {
      const refused = err instanceof MongoCommandError ? err : writeRefused(err);
      const failure = new MongoCommandError(
        refused.code,
        `compaction failed (${(err as Error)?.message ?? String(err)}); the previous snapshot and journal are kept`,
      );
      this.log(failure.message);
      throw failure;
    }
  }

  private async compactOnce(): Promise<void> {
    // Capture only between batches: nothing pending, no write in flight on the old file.
    for (let attempt = 0; ; attempt++) {
      await this.flush();
      if (this.closed) return;
      if (!this.flushing && this.pending.length === 0) break;
      if (attempt === 100) return;
      await new Promise((r) => setImmediate(r));
    }
    if (this.mustTruncate) throw this.lastFailure ?? new Error('the journal is being repaired');
    const nextGen = this.generation + 1;
    const snapshot = snapshotBuffer(this.store, nextGen);
    const oldGen = this.generation;
    const nextFd = fs.openSync(journalPath(this.dir, nextGen), 'a');
    const oldFd = this.fd;
    this.fd = nextFd;
    this.generation = nextGen;
    this.fileEnd = 0;
    fs.closeSync(oldFd);
    const tmp = path.join(this.dir, SNAPSHOT_TMP);
    try {
      const fh = await fsp.open(tmp, 'w');
      try {
        await fh.writeFile(snapshot);
        await fh.datasync();
      } finally {
        await fh.close();
      }
      await fsp.rename(tmp, path.join(this.dir, SNAPSHOT));
    } catch (err) {
      await fsp.rm(tmp, { force: true }).catch(() => undefined);
      throw err;
    }
    fsyncDir(this.dir);
    for (const gen of journalGenerations(this.dir)) {
      if (gen <= oldGen) await fsp.rm(journalPath(this.dir, gen), { force: true }).catch(() => undefined);
    }
    this.snapshotBytes = snapshot.length;
    this.log(`compacted the journal into ${SNAPSHOT} (generation ${nextGen}, ${snapshot.length} bytes)`);
  }

  async close(): Promise<void> {
    await this.flush().catch(() => undefined);
    if (this.compacting) await this.compacting;
    this.closed = true;
    this.store.changeLog = null;
    if (this.fd >= 0) fs.closeSync(this.fd);
    this.fd = -1;
    this.releaseLock?.();
    this.releaseLock = null;
  }
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
