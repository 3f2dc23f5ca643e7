/**
 * Runs `work` over the items, at most `limit` at a time. Every item is attempted; the first
 * error is rethrown at the end (so the job is retried, and the items done are not redone:
 * their notifications are claimed).
 */
export async function inPool<T>(
  items: T[],
  limit: number,
  work: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  let firstError: unknown;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      try {
        await work(items[index]!, index);
      } catch (err) {
        firstError ??= err;
      }
    }
  });
  await Promise.all(lanes);
  if (firstError) throw firstError;
}
