// Bounded work: a command that scans or computes for long gives the event loop back every few
// milliseconds, so other connections keep being served, and stops with MongoDB's
// MaxTimeMSExpired (50) once its `maxTimeMS` has passed. Work is counted in steps and the clock
// read every few hundred steps, so checking costs next to nothing.
import { performance } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { ErrorCodes, MongoCommandError } from './errors.ts';

/** How long a command may hold the event loop before it yields. */
export const SLICE_MS = 8;
const STEPS_PER_CHECK = 256;

export class Budget {
  private readonly deadline: number | null;
  private sliceStart = performance.now();
  private steps = 0;

  /** `maxTimeMS` of 0 or absent: no limit. */
  constructor(maxTimeMS?: number) {
    this.deadline = maxTimeMS ? performance.now() + maxTimeMS : null;
  }

  /** Counts one step of work; true when the caller should `await pause()`. */
  step(): boolean {
    if (++this.steps < STEPS_PER_CHECK) return false;
    this.steps = 0;
    const now = performance.now();
    this.expireAt(now);
    return now - this.sliceStart >= SLICE_MS;
  }

  /** True when the current slice is used up (checks the time limit too). */
  due(): boolean {
    const now = performance.now();
    this.expireAt(now);
    return now - this.sliceStart >= SLICE_MS;
  }

  /** Yields to the event loop, then checks the time limit again. */
  async pause(): Promise<void> {
    await nextTurn();
    const now = performance.now();
    this.sliceStart = now;
    this.expireAt(now);
  }

  /** Throws when the time limit has passed. */
  check(): void {
    this.expireAt(performance.now());
  }

  private expireAt(now: number): void {
    if (this.deadline !== null && now > this.deadline) {
      throw new MongoCommandError(ErrorCodes.MaxTimeMSExpired, 'operation exceeded time limit');
    }
  }
}

/** A budget for a command's `maxTimeMS` field; MongoDB's errors for a bad one. */
export function budgetFor(maxTimeMS: unknown): Budget {
  if (maxTimeMS === undefined || maxTimeMS === null) return new Budget();
  const n = Number(maxTimeMS);
  if (!Number.isInteger(n) || n < 0)
    throw new MongoCommandError(
      ErrorCodes.BadValue,
      `${String(maxTimeMS)} value for maxTimeMS is out of range`,
    );
  return new Budget(n);
}

/** A budget without a limit, for internal work. */
export const unlimited = (): Budget => new Budget();
