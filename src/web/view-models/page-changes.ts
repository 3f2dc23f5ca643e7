// When a page changes by itself, without anything being stored: a booking window opens or
// closes, a lottery's applications open or close or its draw is due, a ceremony's signing-up
// ends. A page kept for a moment (page-cache.ts) is kept no later than the first of these, so
// that the "book" buttons appear at the opening moment, not up to a moment after it.
import type { DayAvailability } from '../../services/schedule-service.ts';

/** The instants at which a day, as a page shows it, changes by itself. */
export function dayChanges(day: DayAvailability): (Date | undefined)[] {
  const w = day.window;
  const window = w.state === 'open' ? w.closesAt : w.state === 'not_yet_open' ? w.opensAt : undefined;
  const lottery = day.lottery;
  return lottery ? [window, lottery.opensAt, lottery.closesAt, lottery.drawAt] : [window];
}

/** The instants at which a ceremony, as a page shows it, changes by itself: signing up ends, it starts, it ends. */
export function ceremonyChanges(c: { signupDeadline: Date; startsAt: Date; endsAt: Date }): Date[] {
  return [c.signupDeadline, c.startsAt, c.endsAt];
}

/** The instants at which a peak day in the list ahead changes by itself. */
export function peakDayChanges(p: { opensAt: Date; lottery?: { closesAt: Date; drawAt: Date } }): Date[] {
  return p.lottery ? [p.opensAt, p.lottery.closesAt, p.lottery.drawAt] : [p.opensAt];
}

/** The first of `instants` after `now`, if any. */
export function firstAfter(now: Date, instants: Iterable<Date | undefined>): Date | undefined {
  let first: Date | undefined;
  for (const at of instants) {
    if (at && at.getTime() > now.getTime() && (!first || at.getTime() < first.getTime())) first = at;
  }
  return first;
}
