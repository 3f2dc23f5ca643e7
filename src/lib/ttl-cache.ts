/**
 * A small read-through cache with a time to live, for data that is read on every booking
 * but changes rarely (an office, a day's plan). Concurrent misses for one key share a single
 * load, which is what keeps the database calm at the opening second of a peak day. The
 * counters that enforce capacity are never cached: a stale plan can at worst offer a slot
 * whose counter then refuses the booking.
 */
export interface TtlCache<V> {
  get(key: string, load: () => Promise<V>): Promise<V>;
  /**
   * What `get` would give at once: the value of a fresh entry whose load has ended, else
   * undefined (nothing kept, being loaded, or failed). Loads nothing.
   */
  peek(key: string): V | undefined;
  delete(key: string): void;
  deletePrefix(prefix: string): void;
  clear(): void;
}

export function ttlCache<V>(ttlMs: number, maxEntries = 10_000): TtlCache<V> {
  const entries = new Map<string, { at: number; value: Promise<V>; loaded?: { value: V } }>();
  return {
    get(key, load) {
      if (ttlMs <= 0) return load();
      const now = Date.now();
      const hit = entries.get(key);
      if (hit && now - hit.at < ttlMs) return hit.value;
      if (entries.size >= maxEntries) entries.clear();
      const value = load();
      const entry: { at: number; value: Promise<V>; loaded?: { value: V } } = { at: now, value };
      entries.set(key, entry);
      value.then(
        (loaded) => {
          entry.loaded = { value: loaded };
        },
        // A failed load is not remembered: the next request tries again.
        () => {
          if (entries.get(key)?.value === value) entries.delete(key);
        },
      );
      return value;
    },
    peek(key) {
      if (ttlMs <= 0) return undefined;
      const hit = entries.get(key);
      return hit && Date.now() - hit.at < ttlMs ? hit.loaded?.value : undefined;
    },
    delete(key) {
      entries.delete(key);
    },
    deletePrefix(prefix) {
      for (const key of entries.keys()) if (key.startsWith(prefix)) entries.delete(key);
    },
    clear() {
      entries.clear();
    },
  };
}
