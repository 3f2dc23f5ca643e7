// express-rate-limit's Store interface, in memory, on a clock of our choosing (the app's, so
// that a test can move time). A store shared by every process can replace it where the
// interface is taken (failureCounter's `store`).
import type { ClientRateLimitInfo, IncrementResponse, Options, Store } from 'express-rate-limit';

/** Entries kept at most; past it, expired ones are dropped, then the oldest. */
const MAX_KEYS = 100_000;

export class ClockedMemoryStore implements Store {
  readonly localKeys = true;
  private windowMs = 60_000;
  private readonly hits = new Map<string, { totalHits: number; resetTime: Date }>();

  constructor(private readonly now: () => number = Date.now) {}

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  get(key: string): ClientRateLimitInfo | undefined {
    const entry = this.live(key);
    return entry ? { ...entry } : undefined;
  }

  increment(key: string): IncrementResponse {
    const current = this.live(key);
    const entry = current ?? { totalHits: 0, resetTime: new Date(this.now() + this.windowMs) };
    entry.totalHits += 1;
    if (!current && this.hits.size >= MAX_KEYS) this.prune();
    this.hits.set(key, entry);
    return { ...entry };
  }

  decrement(key: string): void {
    const entry = this.hits.get(key);
    if (entry && entry.totalHits > 0) entry.totalHits -= 1;
  }

  resetKey(key: string): void {
    this.hits.delete(key);
  }

  resetAll(): void {
    this.hits.clear();
  }

  private live(key: string): { totalHits: number; resetTime: Date } | undefined {
    const entry = this.hits.get(key);
    if (entry && entry.resetTime.getTime() <= this.now()) {
      this.hits.delete(key);
      return undefined;
    }
    return entry;
  }

  private prune(): void {
    const now = this.now();
    for (const [key, entry] of this.hits) if (entry.resetTime.getTime() <= now) this.hits.delete(key);
    // Still full (a flood of distinct keys): the oldest go first (a Map keeps insertion order).
    for (const key of this.hits.keys()) {
      if (this.hits.size < MAX_KEYS) break;
      this.hits.delete(key);
    }
  }
}
