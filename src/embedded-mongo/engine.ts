// The engine's state and its background work: the TTL monitor and idle-cursor reaping.
import { backupBytes } from './backup-format.ts';
import type { Counters, EngineState, ServerParameters } from './commands/context.ts';
import { CursorRegistry } from './cursors.ts';
import type { JournalIo } from './journal-io.ts';
import { Journal, type WriteTicket } from './journal-writer.ts';
import { Store } from './storage.ts';
import { encodeKey, typeStartKey } from './values.ts';

/** Captures tried while the journal keeps failing its writes, before the backup fails too. */
const BACKUP_ATTEMPTS = 3;

export class Engine implements EngineState {
  readonly store = new Store();
  readonly cursors = new CursorRegistry();
  readonly counters: Counters = { insert: 0, query: 0, update: 0, delete: 0, getmore: 0, command: 0 };
  readonly params: ServerParameters = { ttlMonitorSleepSecs: 60, cursorTimeoutMillis: 10 * 60 * 1000 };
  readonly startedAt = Date.now();
  readonly connections = { current: 0, totalCreated: 0 };
  readonly network = { bytesIn: 0, bytesOut: 0, numRequests: 0 };
  readonly dbPath: string | undefined;
  port = 0;
  bind = '127.0.0.1';
  ttlDeleted = 0;
  private readonly journal: Journal | null;
  private readonly log: (line: string) => void;
  private timer: NodeJS.Timeout | null = null;
  private lastTtlSweep = Date.now();

  constructor(dbPath: string | undefined, log: (line: string) => void, io?: JournalIo) {
    this.dbPath = dbPath;
    this.log = log;
    this.journal = dbPath ? new Journal(dbPath, this.store, log, io) : null;
  }

  get persistent(): boolean {
    return this.journal !== null;
  }

  /** Replays the data directory (on disk) and starts the background monitors. */
  open(): void {
    this.journal?.open();
    this.timer = setInterval(() => this.tick(), 1000);
    this.timer.unref();
  }

  /** Marks the start of a command, before it changes anything (see commit). */
  beginWrite(): WriteTicket {
    return this.journal ? this.journal.begin() : { epoch: 0 };
  }

  /**
   * Resolves once the changes made since `ticket` are durable; rejects (and they are no
   * longer in memory) when the journal could not write them.
   */
  commit(ticket: WriteTicket): Promise<void> {
    return this.journal ? this.journal.commit(ticket) : Promise.resolve();
  }

  commitInMemory(ticket: WriteTicket): Promise<void> {
    return this.journal ? this.journal.commit(ticket, false) : Promise.resolve();
  }

  flush(): Promise<void> {
    return this.journal ? this.journal.flush() : Promise.resolve();
  }

  async compact(): Promise<void> {
    await this.journal?.compact();
  }

  /**
   * The whole state as a backup file (backup-format.ts). It is captured in one synchronous
   * step, between the writes of any two commands, as compaction captures it, and handed out only
   * once everything in it is on disk: should the journal fail to keep a write it holds (and take
   * it back), the capture is made again from what is left.
   */
  async backup(): Promise<Buffer> {
    for (let attempt = 1; ; attempt++) {
      const bytes = backupBytes(this.store);
      try {
        await this.flush();
        return bytes;
      } catch (err) {
        if (attempt >= BACKUP_ATTEMPTS) throw err;
      }
    }
  }

  private tick(): void {
    const now = Date.now();
    this.cursors.timeoutMs = this.params.cursorTimeoutMillis;
    this.cursors.sweep(now);
    if (now - this.lastTtlSweep >= this.params.ttlMonitorSleepSecs * 1000) {
      this.lastTtlSweep = now;
      const removed = this.sweepTtl(now);
      if (removed) void this.flush().catch((err) => this.log(`journal flush failed: ${String(err)}`));
    }
  }

  /** Deletes documents whose TTL-indexed date is older than expireAfterSeconds. */
  sweepTtl(now = Date.now()): number {
    let removed = 0;
    for (const colls of this.store.dbs.values()) {
      for (const coll of colls.values()) {
        for (const ix of coll.indexes) {
          if (ix.expireAfterSeconds === undefined) continue;
          const cutoff = new Date(now - ix.expireAfterSeconds * 1000);
          const ids = [...ix.range(typeStartKey(cutoff), true, encodeKey(cutoff), true)];
          for (const id of ids) {
            const doc = coll.docs.get(id);
            if (!doc) continue;
            coll.delete(doc);
            removed++;
          }
        }
      }
    }
    this.ttlDeleted += removed;
    return removed;
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.cursors.clear();
    await this.journal?.close();
  }
}
