// The journal's writes: every change the store makes is appended to the current journal file and
// fsynced in batches (group commit: every write waiting while one fsync runs is covered by the
// next); from time to time the whole state is compacted into a snapshot. The files, the lock and
// reading them back at start are in journal.ts; the record framing in journal-format.ts.
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
import path from 'node:path';
import { MongoCommandError } from './errors.ts';
import {
  acquireLock,
  fileFormat,
  journalGenerations,
  journalPath,
  replay,
  SNAPSHOT,
  SNAPSHOT_TMP,
  snapshotBuffer,
} from './journal.ts';
import { encodeRecord } from './journal-format.ts';
import { fileIo, installSnapshot, type JournalIo, writeRefused } from './journal-io.ts';
import type { ChangeRecord, Store } from './storage.ts';

/** Compact once the journal is this large and larger than twice the last snapshot. */
const COMPACT_MIN_BYTES = 64 * 1024 * 1024;
/** After a failed compaction, the next automatic attempt waits this long. */
const COMPACT_RETRY_MS = 60_000;

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

export class Journal {
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

  constructor(
    private readonly dir: string,
    private readonly store: Store,
    private readonly log: (line: string) => void,
    private readonly io: JournalIo = fileIo,
  ) {}

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
   * Not to `wait` (a `j: false` write, write-concern.ts): the flush is started, not waited for.
   */
  commit(ticket: WriteTicket, wait = true): Promise<void> {
    if (ticket.epoch !== this.epoch) return Promise.reject(this.lastFailure ?? writeRefused('rolled back'));
    const durable = this.waitFor(this.store.changes);
    if (!wait) durable.catch(() => undefined);
    return wait ? durable : Promise.resolve();
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
    await installSnapshot(this.dir, snapshot, oldGen);
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
