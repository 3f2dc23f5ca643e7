// Counts failed attempts (a wrong password, a wrong token or wrong phone digits) per key, in a
// fixed window, and says when a key has had too many. Only failures count: what succeeds
// costs nobody anything, and a key names whoever failed (an address, or an account or a
// booking together with an address), so that a guesser slows only itself.
//
// The counts live in an express-rate-limit Store: in memory by default (one process), and
// any other store of that interface (one shared by every process) can be passed instead.
import type { Options, Store } from 'express-rate-limit';
import { ClockedMemoryStore } from './memory-store.ts';
import { hashKey, type LimitStores } from './rate-limit.ts';

export interface FailureCounter {
  /** Seconds until the key may try again; 0 while it is under its limit. */
  retryAfter(key: string): Promise<number>;
  /** Counts one failure of the key. */
  fail(key: string): Promise<void>;
  /** Forgets the key's failures (after it succeeded). */
  forget(key: string): Promise<void>;
}

export interface FailureCounterOptions {
  /** Namespaces the keys in a shared store. */
  name: string;
  windowMs: number;
  /** Failures allowed in a window; the next attempt waits for the window to end. */
  limit: number;
  /** Default: in memory, on `now`. */
  store?: Store;
  /** Milliseconds since the epoch; the app's clock. Default: the system's. */
  now?: () => number;
}

export function failureCounter(opts: FailureCounterOptions): FailureCounter {
  const now = opts.now ?? Date.now;
  const store = opts.store ?? new ClockedMemoryStore(now);
  // A store reads what it needs of the middleware's options (the window).
  void store.init?.({ windowMs: opts.windowMs, limit: opts.limit } as Options);
  if (!store.get) throw new Error(`failureCounter ${opts.name}: the store must implement get()`);
  const read = store.get.bind(store);
  // Keys are hashed: an e-mail address or a reference is never kept in clear.
  const keyOf = (key: string) => `${opts.name}:${hashKey(key)}`;
  return {
    async retryAfter(key) {
      const info = await read(keyOf(key));
      if (!info || info.totalHits < opts.limit) return 0;
      const resetAt = info.resetTime?.getTime() ?? now() + opts.windowMs;
      return Math.max(1, Math.ceil((resetAt - now()) / 1000));
    },
    async fail(key) {
      await store.increment(keyOf(key));
    },
    async forget(key) {
      await store.resetKey(keyOf(key));
    },
  };
}

/** The keys of one attempt: what is tried (an account, a reference) together with the address, and the address. */
export interface AttemptKeys {
  pair: string;
  address: string;
}

/**
 * Failures counted twice: per subject and address together, and per address alone. A
 * subject (an account, a booking reference) is never counted on its own: a stranger's
 * failures then slow the stranger, never the subject's owner at its own address.
 */
export function subjectAndAddressCounter(opts: {
  name: string;
  windowMs: number;
  perPair: number;
  perAddress: number;
  now?: () => number;
  /** Default: in memory. */
  stores?: LimitStores;
}) {
  const counter = (name: string, limit: number) => {
    const store = opts.stores?.(name, opts.now);
    return failureCounter({
      name,
      limit,
      windowMs: opts.windowMs,
      ...(opts.now ? { now: opts.now } : {}),
      ...(store ? { store } : {}),
    });
  };
  const pairs = counter(`${opts.name}-pair`, opts.perPair);
  const addresses = counter(`${opts.name}-address`, opts.perAddress);
  return {
    keys: (subject: string, address: string): AttemptKeys => ({ pair: `${subject}|${address}`, address }),
    /** Seconds until this attempt may be made; 0 now. */
    async retryAfter(k: AttemptKeys): Promise<number> {
      return Math.max(await pairs.retryAfter(k.pair), await addresses.retryAfter(k.address));
    },
    async fail(k: AttemptKeys): Promise<void> {
      await Promise.all([pairs.fail(k.pair), addresses.fail(k.address)]);
    },
    /** After a success: the subject's failures from that address are forgiven. */
    async succeeded(k: AttemptKeys): Promise<void> {
      await pairs.forget(k.pair);
    },
  };
}
