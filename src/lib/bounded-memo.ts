/**
 * Answers worked out once and kept by key, for the few keys a rush asks again and again (the
 * same dates, pages, mount paths). Bounded: with `most` answers kept, they are all forgotten
 * before the next is kept, and worked out again as asked. `memo.get(key) ?? memo.keep(key,
 * work())` works an answer out only when it is not kept, without a closure per call.
 */
export function boundedMemo<V>(most: number) {
  const kept = new Map<string, V>();
  return {
    get: (key: string): V | undefined => kept.get(key),
    /** Keeps `value` under `key`, and gives it back. */
    keep(key: string, value: V): V {
      if (kept.size >= most) kept.clear();
      kept.set(key, value);
      return value;
    },
  };
}
