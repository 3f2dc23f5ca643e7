// The slots this process has just found full. On a peak day most couples ask for a slot that
// is already full, and each "full" cost a database request; a slot found full is remembered
// for a moment (a second by default), and asking for it again is answered "full" at once.
// Only that answer is served from here: a place is still taken only by the conditional update
// of the counter. Whatever frees a place in this process (a cancellation, a move, a changed
// capacity, a booking given back) forgets what is remembered; a place freed by another
// process is seen once the moment has passed.
export const FULL_SLOT_MEMORY_MS = 1_000;

/** Past this many slots remembered, those whose moment has passed are dropped. */
const KEPT = 5_000;

export function createFullSlots(keepMs = FULL_SLOT_MEMORY_MS, now: () => number = Date.now) {
  const fullUntil = new Map<string, number>();
  // Bumped by every forget: a "full" answer read before a place was freed is not remembered.
  let generation = 0;
  // The reads of counters whose moment has passed, one per slot at a time (fullNow).
  const reading = new Map<string, Promise<boolean>>();
  return {
    /** False when no slot is remembered: most of the time, nothing to look up. */
    any: () => fullUntil.size > 0,
    /** True while the slot is remembered as full. */
    isFull(slotId: { toString(): string }): boolean {
      const until = fullUntil.get(slotId.toString());
      if (until === undefined) return false;
      if (until > now()) return true;
      fullUntil.delete(slotId.toString());
      return false;
    },
    /** True while the slot is remembered full and its moment has not passed; changes nothing. */
    remembered(slotId: { toString(): string }): boolean {
      const until = fullUntil.get(slotId.toString());
      return until !== undefined && until > now();
    },
    /**
     * For a couple's request: true while the slot is remembered full; once its moment has
     * passed, what `read` says of the counter as stored, read once for everyone who asks
     * meanwhile (a rush asks the counter once a second, not once per couple at each moment's
     * end), and remembered again while the slot is still full. Nothing remembered, or a failed
     * read: false, and the booking asks the counter itself.
     */
    fullNow(slotId: { toString(): string }, read: () => Promise<boolean>): Promise<boolean> | boolean {
      const id = slotId.toString();
      const until = fullUntil.get(id);
      if (until === undefined) return false;
      if (until > now()) return true;
      let pending = reading.get(id);
      if (!pending) {
        const asOf = generation;
        pending = read()
          .then((full) => {
            // A place freed meanwhile: the booking asks the counter itself.
            if (full && asOf === generation) {
              fullUntil.set(id, now() + keepMs);
              return true;
            }
            if (fullUntil.get(id) === until) fullUntil.delete(id);
            return false;
          })
          .catch(() => false)
          .finally(() => reading.delete(id));
        reading.set(id, pending);
      }
      return pending;
    },
    /** What to hand back to `markFull`: the state of things when the counter was asked. */
    generation: () => generation,
    /** The counter said the slot is full, when asked at `asOf` (a `generation()`). */
    markFull(slotId: { toString(): string }, asOf: number): void {
      if (keepMs <= 0 || asOf !== generation) return;
      if (fullUntil.size >= KEPT) {
        const t = now();
        for (const [id, until] of fullUntil) if (until <= t) fullUntil.delete(id);
        if (fullUntil.size >= KEPT) fullUntil.clear();
      }
      fullUntil.set(slotId.toString(), now() + keepMs);
    },
    /** A place may have been freed (in this slot, or anywhere when no slot is named). */
    forget(slotId?: { toString(): string }): void {
      generation++;
      if (slotId) fullUntil.delete(slotId.toString());
      else fullUntil.clear();
    },
  };
}

export type FullSlots = ReturnType<typeof createFullSlots>;
