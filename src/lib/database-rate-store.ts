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
import type { ClientRateLimitInfo, IncrementResponse, Options, Store } from 'express-rate-limit';
import mongoose from 'mongoose';
import { isDuplicate } from './duplicate-key.ts';

export const RATE_LIMIT_COLLECTION = 'rate_limits';

export interface RateLimitDocument {
  /** The limit's name and the key, e.g. `book:<hash>`: never personal data in clear. */
  _id: string;
  hits: number;
  /** When the window ends, on the application's clock. */
  resetAt: Date;
  /** When the database may remove the document (TTL), on the system's clock. */
  expiresAt: Date;
}

/** Concurrent first hits of one key race to insert it; the loser counts again on what won. */
const MAX_ATTEMPTS = 5;

export class DatabaseRateStore implements Store {
  readonly localKeys = false;
  private windowMs = 60_000;

  /**
   * @param prefix namespaces the keys of one limit (`address:`, `book:`)
   * @param now milliseconds since the epoch: the application's clock
   */
  constructor(
    readonly prefix: string,
    private readonly now: () => number = Date.now,
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
    for (let attempt = 1; ; attempt++) {
      const now = new Date(this.now());
      try {
        // The live window counts one more; without one, a new window starts with this hit.
        const counted = await collection().findOneAndUpdate(
          { _id, resetAt: { $gt: now } },
          { $inc: { hits: 1 }, $setOnInsert: this.window(now) },
          { upsert: true, returnDocument: 'after' },
        );
        if (counted) return { totalHits: counted.hits, resetTime: counted.resetAt };
      } catch (err) {
        if (!isDuplicate(err) || attempt >= MAX_ATTEMPTS) throw err;
      }
      // The key's document is there with its window ended (not yet removed): start it again,
      // unless another process did so first (then count on its window, next time round).
      const restarted = await collection().findOneAndUpdate(
        { _id, resetAt: { $lte: now } },
        { $set: { hits: 1, ...this.window(now) } },
        { returnDocument: 'after' },
      );
      if (restarted) return { totalHits: restarted.hits, resetTime: restarted.resetAt };
    }
  }

  async decrement(key: string): Promise<void> {
    await collection().updateOne(
      { _id: this.id(key), resetAt: { $gt: new Date(this.now()) }, hits: { $gt: 0 } },
      { $inc: { hits: -1 } },
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

  private window(now: Date): Pick<RateLimitDocument, 'resetAt' | 'expiresAt'> {
    return {
      resetAt: new Date(now.getTime() + this.windowMs),
      expiresAt: new Date(Date.now() + this.windowMs),
    };
  }
}

function collection() {
  const db = mongoose.connection.db;
  if (!db) throw new Error('rate limits: the database is not connected');
  return db.collection<RateLimitDocument>(RATE_LIMIT_COLLECTION);
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
