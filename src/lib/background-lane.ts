/**
 * Work that follows an answer (a booking's confirmation and reminders) waits behind the answers.
 *
 * A rush's bookings are written together (coalesce.ts) and their callers are resumed together,
 * in one run of promise callbacks that nothing else interrupts. Had each booking's aftermath
 * started there too (its e-mail, text and calendar file built at once, as an event listener run
 * straight after the booking would), the last couple of a batch of a hundred would wait for a
 * hundred confirmations to be built before its own answer went out, and every request arriving
 * meanwhile behind all of them. Here such work waits for a later turn of the event loop, after
 * the input that was ready meanwhile (requests, database replies) has been read, and a turn
 * lets only a few pieces go on (`perTurn`): enough of them together that their writes are still
 * shared (one command for many messages), few enough that a request waits for a few, not a
 * hundred. Nothing is dropped or reordered: they go on in the order they asked, and under no
 * load a turn comes at once.
 */
export interface BackgroundLane {
  /** Resolves in a later turn of the event loop, after those asked before: `await lane.turn()` yields to requests. */
  turn(): Promise<void>;
}

/** How many pieces of background work go on in one turn of the event loop. */
export const BACKGROUND_PER_TURN = 16;

export function createBackgroundLane(perTurn = BACKGROUND_PER_TURN): BackgroundLane {
  let waiting: (() => void)[] = [];
  let scheduled = false;

  // The next turn is asked for from inside this one, so Node gives it after the next round of
  // input, not in this round's queue of immediates.
  function release(): void {
    scheduled = false;
    const now = waiting.length <= perTurn ? waiting : waiting.slice(0, perTurn);
    waiting = waiting.length <= perTurn ? [] : waiting.slice(perTurn);
    if (waiting.length > 0) schedule();
    for (const resolve of now) resolve();
  }

  function schedule(): void {
    if (scheduled) return;
    scheduled = true;
    setImmediate(release);
  }

  return {
    turn() {
      return new Promise<void>((resolve) => {
        waiting.push(resolve);
        schedule();
      });
    },
  };
}
