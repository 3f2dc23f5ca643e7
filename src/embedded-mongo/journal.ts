// On-disk durability: an append-only journal of changes, fsynced in batches (group commit:
// every write waiting while one fsync runs is covered by the next), replayed at start with a
// torn tail cut off, and compacted from time to time into a snapshot.
//
// Files under dbPath:
//   mongod.lock            pid of the engine that owns the directory
//   snapshot.bson          framed records; the first one is { generation: G }
//   journal.<G>.log        changes made after snapshot G (a crash during compaction can
//                          leave journal.<G+1>.log too: both are replayed, in order)
// Record framing: uint32 length of payload, uint32 CRC-32 of payload, BSON payload.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import zlib from 'node:zlib';
import { BSON } from 'bson';
import { fromBson } from './numbers.ts';
import type { ChangeRecord, Store } from './storage.ts';
import { BSON_DESERIALIZE_OPTIONS as deserializeOptions } from './values.ts';

const HEADER = 8;
const SNAPSHOT = 'snapshot.bson';
const SNAPSHOT_TMP = 'snapshot.bson.tmp';
const LOCK = 'mongod.lock';
const JOURNAL_RE = /^journal\.(\d+)\.log$/;

/** Compact once the journal is this large and larger than twice the last snapshot. */
const COMPACT_MIN_BYTES = 64 * 1024 * 1024;

function frame(payload: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(HEADER + payload.length);
  out.writeUInt32LE(payload.length, 0);
  out.writeUInt32LE(zlib.crc32(payload), 4);
  out.set(payload, HEADER);
  return out;
}

function encode(record: object): Buffer {
  return frame(BSON.serialize(record, { ignoreUndefined: true }));
}

/** Reads framed records; stops at the first torn or corrupt one and says where. */
function* readRecords(buf: Buffer): Generator<ChangeRecord | Record<string, unknown>, number> {
  let offset = 0;
  while (offset + HEADER <= buf.length) {
    const len = buf.readUInt32LE(offset);
    const crc = buf.readUInt32LE(offset + 4);
    if (len < 5 || offset + HEADER + len > buf.length) break;
    const payload = buf.subarray(offset + HEADER, offset + HEADER + len);
    if (zlib.crc32(payload) !== crc) break;
    let record: Record<string, unknown>;
    try {
      record = fromBson(BSON.deserialize(payload, deserializeOptions));
    } catch {
      break;
    }
    yield record as ChangeRecord;
    offset += HEADER + len;
  }
  return offset;
}

export class DbPathLockedError extends Error {}

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
function acquireLock(dir: string): () => void {
  const lockPath = path.join(dir, LOCK);
  const resolved = path.resolve(dir);
  const refuse = (pid: number | string) =>
    new DbPathLockedError(
      `Another embedded MongoDB engine (pid ${pid}) is already using the data directory ${resolved}; ` +
        'stop it first, or start this one with another --dbpath.',
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

function fsyncDir(dir: string): void {
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

interface Waiter {
  resolve: () => void;
  reject: (err: Error) => void;
}

export class Journal {
  private readonly dir: string;
  private readonly store: Store;
  private readonly log: (line: string) => void;
  private releaseLock: (() => void) | null = null;
  private generation = 0;
  private fd = -1;
  private journalBytes = 0;
  private snapshotBytes = 0;
  private pending: Buffer[] = [];
  private waiters: Waiter[] = [];
  private flushing = false;
  private compacting: Promise<void> | null = null;
  private closed = false;

  constructor(dir: string, store: Store, log: (line: string) => void) {
    this.dir = dir;
    this.store = store;
    this.log = log;
  }

  private journalPath(gen: number): string {
    return path.join(this.dir, `journal.${gen}.log`);
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
    this.store.changeLog = (record) => this.append(record);
  }

  private recover(): void {
    fs.rmSync(path.join(this.dir, SNAPSHOT_TMP), { force: true });
    const snapPath = path.join(this.dir, SNAPSHOT);
    if (fs.existsSync(snapPath)) {
      const buf = fs.readFileSync(snapPath);
      this.snapshotBytes = buf.length;
      const it = readRecords(buf);
      const head = it.next();
      if (head.done || typeof (head.value as { generation?: unknown }).generation !== 'number') {
        throw new Error(`${snapPath} is corrupt: no generation header`);
      }
      this.generation = (head.value as { generation: number }).generation;
      let n = it.next();
      while (!n.done) {
        this.store.apply(n.value as ChangeRecord);
        n = it.next();
      }
      if (n.value !== buf.length) throw new Error(`${snapPath} is corrupt at byte ${n.value}`);
    }
    const gens = fs
      .readdirSync(this.dir)
      .map((f) => JOURNAL_RE.exec(f))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => Number(m[1]))
      .sort((a, b) => a - b);
    let replayed = 0;
    let current = this.generation;
    for (const gen of gens) {
      const file = this.journalPath(gen);
      if (gen < this.generation) {
        fs.rmSync(file, { force: true });
        continue;
      }
      const buf = fs.readFileSync(file);
      const it = readRecords(buf);
      let n = it.next();
      while (!n.done) {
        this.store.apply(n.value as ChangeRecord);
        replayed++;
        n = it.next();
      }
      const good = n.value;
      if (good < buf.length) {
        // A torn tail: the write was never acknowledged. Cut it off.
        this.log(
          `journal ${path.basename(file)}: discarding ${buf.length - good} bytes of an incomplete write`,
        );
        fs.truncateSync(file, good);
      }
      current = gen;
    }
    this.generation = current;
    this.fd = fs.openSync(this.journalPath(current), 'a');
    this.journalBytes = fs.fstatSync(this.fd).size;
    this.store.changes = 0;
    if (replayed) this.log(`replayed ${replayed} journal records from ${this.dir}`);
  }

  private append(record: ChangeRecord): void {
    if (this.closed) throw new Error('journal is closed');
    const buf = encode(record);
    this.pending.push(buf);
  }

  /** Resolves once every record appended so far is on disk. */
  flush(): Promise<void> {
    if (!this.flushing && this.pending.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      if (!this.flushing) void this.loop();
    });
  }

  private async loop(): Promise<void> {
    this.flushing = true;
    try {
      while (this.pending.length > 0 || this.waiters.length > 0) {
        const batch = this.pending;
        const waiters = this.waiters;
        this.pending = [];
        this.waiters = [];
        try {
          if (batch.length > 0) {
            const buf = batch.length === 1 ? batch[0]! : Buffer.concat(batch);
            await writeAll(this.fd, buf);
            await new Promise<void>((res, rej) => fs.fdatasync(this.fd, (err) => (err ? rej(err) : res())));
            this.journalBytes += buf.length;
          }
          for (const w of waiters) w.resolve();
        } catch (err) {
          for (const w of waiters) w.reject(err as Error);
        }
      }
    } finally {
      this.flushing = false;
    }
    if (
      !this.compacting &&
      !this.closed &&
      this.journalBytes > COMPACT_MIN_BYTES &&
      this.journalBytes > 2 * this.snapshotBytes
    ) {
      this.compacting = this.compact().finally(() => {
        this.compacting = null;
      });
    }
  }

  /**
   * Writes the whole state as snapshot G+1 and starts journal G+1. The state is captured and
   * the journal switched synchronously, between two commands, so nothing falls in between.
   */
  async compact(): Promise<void> {
    // Capture only between batches: nothing pending, no write in flight on the old file.
    for (let attempt = 0; ; attempt++) {
      await this.flush();
      if (this.closed) return;
      if (!this.flushing && this.pending.length === 0) break;
      if (attempt === 100) return;
      await new Promise((r) => setImmediate(r));
    }
    const nextGen = this.generation + 1;
    const parts: Buffer[] = [encode({ generation: nextGen })];
    for (const record of this.store.snapshotRecords()) parts.push(encode(record));
    const oldGen = this.generation;
    const oldFd = this.fd;
    this.fd = fs.openSync(this.journalPath(nextGen), 'a');
    this.generation = nextGen;
    this.journalBytes = 0;
    fs.closeSync(oldFd);
    const snapshot = Buffer.concat(parts);
    const tmp = path.join(this.dir, SNAPSHOT_TMP);
    const fh = await fsp.open(tmp, 'w');
    try {
      await fh.writeFile(snapshot);
      await fh.datasync();
    } finally {
      await fh.close();
    }
    await fsp.rename(tmp, path.join(this.dir, SNAPSHOT));
    fsyncDir(this.dir);
    await fsp.rm(this.journalPath(oldGen), { force: true });
    this.snapshotBytes = snapshot.length;
    this.log(`compacted the journal into ${SNAPSHOT} (generation ${nextGen}, ${snapshot.length} bytes)`);
  }

  async close(): Promise<void> {
    await this.flush();
    if (this.compacting) await this.compacting;
    this.closed = true;
    this.store.changeLog = null;
    if (this.fd >= 0) fs.closeSync(this.fd);
    this.fd = -1;
    this.releaseLock?.();
    this.releaseLock = null;
  }
}

function writeAll(fd: number, buf: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const step = (offset: number) => {
      fs.write(fd, buf, offset, buf.length - offset, null, (err, written) => {
        if (err) return reject(err);
        if (offset + written < buf.length) step(offset + written);
        else resolve();
      });
    };
    step(0);
  });
}
