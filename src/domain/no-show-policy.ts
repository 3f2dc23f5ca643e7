// Couples who book and do not come take a place from someone else, so repeated
// no-shows block new bookings for a while. The policy is data an administrator sets.
export interface NoShowPolicy {
  /** e.g. 3 no-shows ... */
  maxNoShows: number;
  /** ... within 180 days ... */
  withinDays: number;
  /** ... block new bookings for 30 days. */
  blockDays: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * A no-show "reaches the threshold" when it and the no-shows in the `withinDays`
 * before it (a no-show exactly `withinDays` earlier has dropped out) number at least
 * `maxNoShows`. The block runs for `blockDays` from the latest such no-show, so
 * it ends even if old no-shows are still inside the window: the block, not the
 * window, is the penalty. Days are 24-hour periods; the block ends exactly at `until`.
 * A `maxNoShows` of 0 or less turns the policy off. No-shows after `now` are ignored.
 */
export function noShowBlock(
  noShowsAt: Date[],
  policy: NoShowPolicy,
  now: Date,
): { blocked: false } | { blocked: true; until: Date } {
  if (policy.maxNoShows <= 0) return { blocked: false };
  const times = noShowsAt
    .map((at) => at.getTime())
    .filter((at) => at <= now.getTime())
    .sort((a, b) => a - b);
  const windowMs = policy.withinDays * DAY_MS;

  let trigger: number | undefined;
  let first = 0;
  times.forEach((at, index) => {
    while (times[first]! <= at - windowMs) first += 1;
    if (index - first + 1 >= policy.maxNoShows) trigger = at;
  });
  if (trigger === undefined) return { blocked: false };
  const until = trigger + policy.blockDays * DAY_MS;
  return now.getTime() < until ? { blocked: true, until: new Date(until) } : { blocked: false };
}
