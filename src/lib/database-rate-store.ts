// express-rate-limit's Store interface kept in the database, so that every process serving the
// application counts against one allowance: N processes allow what one does. One document per
// key holds its hits and when its window ends; every change is a single-document atomic update
// (an increment with upsert, a conditional reset), so no concurrency, within a process or
// across processes, loses a hit or lets one through twice.
//
// The window starts at a key's first hit and ends `windowMs` later, as in the memory store
// (memory-store.ts), on the application's clock (tests move it). A TTL index on `expiresAt`,
// set on the system's clock, removes documents whose window has ended: the database's TTL
// monitor works on real time, and a test clock may be anywhere.
//
// Hits counted at the same moment share their commands (rate-count-batch.ts): the stores of
// one process share one hit counter, so a rush of bookings costs a bulk write (the `update`
// command, update-command.ts) and at most a read per batch, each hit still getting its own
// exact count.
//
// Hits and give-backs are written with `{ w: 1, j: false }` (COUNT_CONCERN): a limit's count is
// a promise to no one, so its write need not wait for the journal's fsync.
import type { ClientRateLimitInfo, IncrementResponse, Options, Store } from 'express-rate-limit';
import type { CollectionOptions } from 'mongodb';
import mongoose from 'mongoose';
import { isDuplicate } from './duplicate-key.ts';
import {
  type Counted,
  type CounterDocument,
  type CountersLike,
  countChange,
  countUpdate,
  createHitCounter,
  type HitAsk,
  windowFrom,
} from './rate-count-batch.ts';
import { updateCommand } from './update-command.ts';

export const RATE_LIMIT_COLLECTION = 'rate_limits';

export interface RateLimitDocument extends CounterDocument {
  /** The limit's name and the key, e.g. `book:<hash>`: never personal data in clear. */
  _id: string;
  hits: number;
  /** When the window ends, on the application's clock. */
  resetAt: Date;
  /** When the database may remove the document (TTL), on the system's clock. */
  expiresAt: Date;
}

/**
 * How counts are written: acknowledged once applied, the journal flushed on its own cadence
 * (MongoDB's documented `j: false`; the embedded engine's next group commit). A crash may lose
 * the last few hits, which only lets a couple or an address try a few more times; a booking, a
 * place or a hold is never written so. Valid on a replica set too: a count acknowledged by the
 * primary alone and lost in a failover costs the same.
 */
export const COUNT_CONCERN = { w: 1, j: false } as const;

/** Counts one hit, sharing a command with the hits counted at the same moment (see above). */
export type HitCounter = (ask: HitAsk) => Promise<Counted | null>;

/** One process's hit counter, for all its stores: hits of different limits share a batch. */
export function createDatabaseHitCounter(): HitCounter {
  return createHitCounter(() => {
    const c = counts();
    // The batches' bulk writes go as `update` commands (lib/update-command.ts), with COUNT_CONCERN.
    return {
      findOneAndUpdate: c.findOneAndUpdate.bind(c),
      find: c.find.bind(c),
      bulkWrite: countUpdates.bulkWrite,
    } as unknown as CountersLike;
  });
}

const countUpdates = updateCommand(() => ({
  db: database(),
  name: RATE_LIMIT_COLLECTION,
  writeConcern: COUNT_CONCERN,
}));

/** Concurrent first hits of one key race to insert it; the loser counts again on what won. */
const MAX_ATTEMPTS = 5;

export class DatabaseRateStore implements Store {
  readonly localKeys = false;
  private windowMs = 60_000;

  /**
   * @param prefix namespaces the keys of one limit (`address:`, `book:`)
   * @param now milliseconds since the epoch: the application's clock
   * @param count the process's hit counter, shared by its stores (one of its own by default)
   */
  constructor(
    readonly prefix: string,
    private readonly now: () => number = Date.now,
    private readonly count: HitCounter = createDatabaseHitCounter(),
  ) {}

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    const doc = await collection().findOne({ _id: this.id(key), resetAt: { $gt: new Date(this.now()) } });
    return doc ? { totalHits: doc.hits, resetTime: doc.resetAt } : undefined;
  }

  async increment(key: string): Promise<IncrementResponse> {
    const _id = this.id(key);
    const counted = await this.count({ _id, now: new Date(this.now()), windowMs: this.windowMs });
    return counted ?? this.incrementAlone(_id);
  }

  /** A hit the batch could not count: its key's window ended, or its first hit raced another. */
  private async incrementAlone(_id: string): Promise<IncrementResponse> {
    for (let attempt = 1; ; attempt++) {
      const now = new Date(this.now());
      try {
        // The live window counts one more; without one, a new window starts with this hit.
        const counted = await counts().findOneAndUpdate(
          { _id, resetAt: { $gt: now } },
          countUpdate(1, '', now, this.windowMs),
          { upsert: true, returnDocument: 'after' },
        );
        if (counted) return { totalHits: counted.hits, resetTime: counted.resetAt };
      } catch (err) {
        if (!isDuplicate(err) || attempt >= MAX_ATTEMPTS) throw err;
      }
      // The key's document is there with its window ended (not yet removed): start it again,
      // unless another process did so first (then count on its window, next time round).
      const restarted = await counts().findOneAndUpdate(
        { _id, resetAt: { $lte: now } },
        { $set: { hits: 1, log: [{ t: '', n: 1 }], ...windowFrom(now, this.windowMs) } },
        { returnDocument: 'after' },
      );
      if (restarted) return { totalHits: restarted.hits, resetTime: restarted.resetAt };
    }
  }

  async decrement(key: string): Promise<void> {
    await counts().updateOne(
      { _id: this.id(key), resetAt: { $gt: new Date(this.now()) }, hits: { $gt: 0 } },
      // Logged as a change of its own, so that a batch reading the count later finds its own.
      countChange(-1, ''),
    );
  }

  async resetKey(key: string): Promise<void> {
    await collection().deleteOne({ _id: this.id(key) });
  }

  async resetAll(): Promise<void> {
    await collection().deleteMany({ _id: { $regex: `^${escapeRegex(this.prefix)}` } });
  }

  private id(key: string): string {
    return `${this.prefix}${key}`;
  }
}

function database() {
  const db = mongoose.connection.db;
  if (!db) throw new Error('rate limits: the database is not connected');
  return db;
}

function collection(options: CollectionOptions = {}) {
  return database().collection<RateLimitDocument>(RATE_LIMIT_COLLECTION, options);
}

/** The collection as the counting writes use it: with COUNT_CONCERN. */
const counts = () => collection({ writeConcern: COUNT_CONCERN });

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
