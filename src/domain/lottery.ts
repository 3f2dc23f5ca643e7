// Verifiable draw for oversubscribed peak days (published in docs/lottery.md).
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

/** Whether a preference accepts one slot of the day (step 6 of the algorithm, for that one slot). */
export function accepts(preference: Preference, start: LocalTime): boolean {
  switch (preference.kind) {
    case 'any':
      return true;
    case 'morning':
      return start < NOON;
    case 'afternoon':
      return start >= NOON;
    case 'ranked':
      return preference.starts.includes(start);
  }
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
        accepts(application.preference, start)
      );
    });
  return next?.reference ?? null;
}

/** What anyone can check with the revealed seed: that it is the one committed to, and the result it gives. */
export function verifyDraw(
  seed: string,
  published: { commitment: string; applications: Application[]; slots: DrawSlot[] },
): { seedMatches: boolean; order: string[]; assignments: Assignment[] } {
  const seedMatches = commitment(seed) === published.commitment.trim().toLowerCase();
  return { seedMatches, ...allocate(seed, published.applications, published.slots) };
}

/** The times that frame a lottery day, as instants. */
export interface LotteryTimes {
  /** Applications are accepted from here... */
  opensAt: Date;
  /** ...until here (exclusive). The commitment is public before this moment. */
  closesAt: Date;
  /** The draw runs at or after this moment (a job), never before applications close. */
  drawAt: Date;
}

export type LotteryPhase = 'upcoming' | 'open' | 'closed' | 'drawn';

/**
 * Where a lottery day stands at `now`: applications not open yet, open, closed and
 * waiting for the draw, or drawn. Half-open like the booking window: exactly at the
 * opening is open, exactly at the closing is closed. The phase is 'drawn' only once the
 * draw has really run (`drawnAt`), not merely because its time has come.
 */
export function lotteryPhase(times: LotteryTimes, now: Date, drawnAt?: Date | null): LotteryPhase {
  if (drawnAt) return 'drawn';
  if (now.getTime() < times.opensAt.getTime()) return 'upcoming';
  if (now.getTime() < times.closesAt.getTime()) return 'open';
  return 'closed';
}

export type LotterySettingsProblem =
  | 'closes_before_opens'
  | 'draw_before_close'
  | 'draw_after_day_starts'
  | 'confirm_hours_range';

export const CONFIRM_HOURS_MIN = 1;
export const CONFIRM_HOURS_MAX = 14 * 24;

/**
 * Checks a lottery's times against each other and the day: the window must have a length,
 * the draw must come after it closes (so the seed stays secret until the list is final),
 * and before the day's first slot begins.
 */
export function lotterySettingsProblems(
  settings: LotteryTimes & { confirmHours: number },
  dayStartsAt: Date,
): Partial<Record<'closesAt' | 'drawAt' | 'confirmHours', LotterySettingsProblem>> {
  const problems: Partial<Record<'closesAt' | 'drawAt' | 'confirmHours', LotterySettingsProblem>> = {};
  if (settings.closesAt.getTime() <= settings.opensAt.getTime()) problems.closesAt = 'closes_before_opens';
  if (settings.drawAt.getTime() < settings.closesAt.getTime()) problems.drawAt = 'draw_before_close';
  else if (settings.drawAt.getTime() >= dayStartsAt.getTime()) problems.drawAt = 'draw_after_day_starts';
  if (
    !Number.isInteger(settings.confirmHours) ||
    settings.confirmHours < CONFIRM_HOURS_MIN ||
    settings.confirmHours > CONFIRM_HOURS_MAX
  )
    problems.confirmHours = 'confirm_hours_range';
  return problems;
}

/**
 * When an offer made at `offeredAt` must be confirmed: `confirmHours` later, but never after
 * the slot begins (a place passed on late in the day must still be usable).
 */
export function confirmDeadline(offeredAt: Date, confirmHours: number, slotStartsAt: Date): Date {
  const deadline = offeredAt.getTime() + confirmHours * 3_600_000;
  return new Date(Math.min(deadline, slotStartsAt.getTime()));
}

/** Places held back in a slot for walk-ins and the priority channel: never more than the slot has. */
export function reservedPlaces(capacity: number, perSlot: number): number {
  return Math.max(0, Math.min(Math.floor(capacity), Math.floor(perSlot)));
}

export type PreferenceProblem =
  | 'no_morning'
  | 'no_afternoon'
  | 'ranked_empty'
  | 'ranked_unknown'
  | 'ranked_duplicate'
  | 'ranked_too_many';

export const MAX_RANKED = 5;

/** Checks a preference against the day's slot starts: it must be able to match at least one slot. */
export function preferenceProblem(preference: Preference, starts: LocalTime[]): PreferenceProblem | null {
  switch (preference.kind) {
    case 'any':
      return null;
    case 'morning':
      return starts.some((start) => start < NOON) ? null : 'no_morning';
    case 'afternoon':
      return starts.some((start) => start >= NOON) ? null : 'no_afternoon';
    case 'ranked': {
      if (preference.starts.length === 0) return 'ranked_empty';
      if (preference.starts.length > MAX_RANKED) return 'ranked_too_many';
      if (new Set(preference.starts).size !== preference.starts.length) return 'ranked_duplicate';
      return preference.starts.every((start) => starts.includes(start)) ? null : 'ranked_unknown';
    }
  }
}
