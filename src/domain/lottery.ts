// Verifiable draw for oversubscribed peak days (issue 8; published in docs/lottery.md).
// The seed's hash is published before applications close and the seed at the draw, so
// anyone can recompute the order from the seed and the list of references: nobody,
// staff included, can choose the seed after seeing who applied.
import { createHash, createHmac } from 'node:crypto';
import type { LocalTime } from './schedule-types.ts';

const SEED_BYTES = 32;
const NOON: LocalTime = '12:00';

export type Preference =
  | { kind: 'any' }
  | { kind: 'morning' }
  | { kind: 'afternoon' }
  | { kind: 'ranked'; starts: LocalTime[] };

export interface Application {
  reference: string;
  preference: Preference;
}

export interface DrawSlot {
  start: LocalTime;
  capacity: number;
}

export interface Assignment {
  reference: string;
  /** The slot won, or null when no slot matching the preference had room. */
  start: LocalTime | null;
  /** 1-based position in the draw order. */
  rank: number;
}

/** 32 random bytes as 64 lowercase hex characters. */
export function newSeed(randomBytes: (n: number) => Uint8Array): string {
  const bytes = randomBytes(SEED_BYTES);
  if (bytes.length !== SEED_BYTES)
    throw new Error(`random source returned ${bytes.length} bytes, not ${SEED_BYTES}`);
  return Buffer.from(bytes).toString('hex');
}

/** SHA-256 (hex) of the seed string's UTF-8 bytes: published before applications close. */
export function commitment(seed: string): string {
  return createHash('sha256').update(seed, 'utf8').digest('hex');
}

/** HMAC-SHA256 (hex) keyed by the seed string's bytes, over the reference's bytes. */
export function drawKey(seed: string, reference: string): string {
  return createHmac('sha256', Buffer.from(seed, 'utf8')).update(reference, 'utf8').digest('hex');
}

function compare(a: string, b: string): number {
  // Code-unit order, not localeCompare: the result must not depend on the machine's locale.
  return a < b ? -1 : a > b ? 1 : 0;
}

function assertUnique(values: string[], what: string): void {
  const seen = new Set<string>();
  for (const value of values) {
    // One application per person: a repeated reference is a bug upstream, not a second ticket.
    if (seen.has(value)) throw new RangeError(`duplicate ${what}: ${value}`);
    seen.add(value);
  }
}

/** References sorted by their draw key, ties by reference; the input order plays no part. */
export function drawOrder(seed: string, references: string[]): string[] {
  assertUnique(references, 'reference');
  return references
    .map((reference) => ({ reference, key: drawKey(seed, reference) }))
    .sort((a, b) => compare(a.key, b.key) || compare(a.reference, b.reference))
    .map((entry) => entry.reference);
}

/** Slots an applicant accepts, in the order they are tried. */
function acceptable(preference: Preference, slotsByTime: DrawSlot[]): LocalTime[] {
  const starts = slotsByTime.map((slot) => slot.start);
  switch (preference.kind) {
    case 'any':
      return starts;
    case 'morning':
      return starts.filter((start) => start < NOON);
    case 'afternoon':
      return starts.filter((start) => start >= NOON);
    case 'ranked':
      return preference.starts;
  }
}

/**
 * Walks the draw order once; each applicant takes the first acceptable slot with a
 * place left, else is not placed (start null) and keeps its rank for later offers.
 */
export function allocate(
  seed: string,
  applications: Application[],
  slots: DrawSlot[],
): { order: string[]; assignments: Assignment[] } {
  assertUnique(
    slots.map((slot) => slot.start),
    'slot',
  );
  const order = drawOrder(
    seed,
    applications.map((application) => application.reference),
  );
  const byReference = new Map(applications.map((application) => [application.reference, application]));
  const slotsByTime = [...slots].sort((a, b) => compare(a.start, b.start));
  const left = new Map(slotsByTime.map((slot) => [slot.start, Math.max(0, slot.capacity)]));

  const assignments = order.map((reference, index): Assignment => {
    const { preference } = byReference.get(reference)!;
    const start =
      acceptable(preference, slotsByTime).find((candidate) => (left.get(candidate) ?? 0) > 0) ?? null;
    if (start !== null) left.set(start, left.get(start)! - 1);
    return { reference, start, rank: index + 1 };
  });
  return { order, assignments };
}

/**
 * Who a place freed after the draw (a winner who did not confirm) is offered to: the
 * best-ranked applicant not placed, not already offered one (`passed`), whose
 * preference accepts that slot. Null when the list is exhausted.
 */
export function nextOffer(
  applications: Application[],
  assignments: Assignment[],
  start: LocalTime,
  passed: ReadonlySet<string>,
): string | null {
  const byReference = new Map(applications.map((application) => [application.reference, application]));
  const next = [...assignments]
    .sort((a, b) => a.rank - b.rank)
    .find((assignment) => {
      const application = byReference.get(assignment.reference);
      return (
        assignment.start === null &&
        !passed.has(assignment.reference) &&
        application !== undefined &&
        acceptable(application.preference, [{ start, capacity: 1 }]).includes(start)
      );
    });
  return next?.reference ?? null;
}
