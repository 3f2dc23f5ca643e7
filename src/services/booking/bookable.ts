// The rules a booking must meet, checked once by the booking service whichever door the
// couple comes in by (the form, the API, a staff walk-in, a lottery win) and whether it books
// or moves: the slot is offered and still ahead, the booking window is open, the day is not
// given out by lottery, the partners are old enough on that day and not blocked for no-shows.
import { checkMarriageAge } from '../../domain/eligibility.ts';
import { localDateOf, localDateTimeOf } from '../../domain/local-time.ts';
import { noShowBlock } from '../../domain/no-show-policy.ts';
import type { DaySchedule, PlannedSlot } from '../../domain/schedule-types.ts';
import type { Partner } from '../../models/appointment.model.ts';
import { AppError, type FieldMessage, invalid } from '../errors.ts';
import type { OfficeRecord } from '../schedule-service.ts';
import type { BookingContext, Channel } from './booking-types.ts';

/**
 * The planned slot at `start` on the day, if a couple coming by `channel` may take it now.
 * Staff and lottery winners are not held to the booking window (a lottery day's application
 * window replaces it for its winners).
 */
export function assertBookable(
  ctx: Pick<BookingContext, 'clock' | 'schedule'>,
  office: OfficeRecord,
  day: DaySchedule,
  start: string,
  channel: Channel,
): PlannedSlot {
  const planned = day.open ? day.slots.find((s) => s.start === start) : undefined;
  if (!planned) throw invalid({ start: { key: 'booking.slot_not_offered' } }, 'booking.slot_not_offered');
  const now = ctx.clock();
  if (planned.startsAt <= now) throw invalid({ start: { key: 'booking.slot_past' } }, 'booking.slot_past');
  if (channel !== 'staff' && channel !== 'lottery')
    assertWindowOpen(office, ctx.schedule.windowFor(office, day, now));
  // On a lottery day places are drawn, not taken first come first served.
  if ((channel === 'online' || channel === 'api') && ctx.schedule.allocationOf(day) === 'lottery')
    throw new AppError('booking_not_open', 'lottery.fcfs_refused');
  return planned;
}

function assertWindowOpen(office: OfficeRecord, window: ReturnType<BookingContext['schedule']['windowFor']>) {
  const fmt = (d: Date) => localDateTimeOf(d, office.timezone);
  if (window.state === 'not_yet_open')
    throw new AppError('booking_not_open', 'booking.not_yet_open', { opensAt: fmt(window.opensAt) });
  if (window.state === 'closed')
    throw new AppError('booking_closed', 'booking.window_closed', { closedAt: fmt(window.closedAt) });
}

/** The no-show rule (also applied to lottery applications): a partner blocked after repeated no-shows is refused. */
export async function assertNoShowPolicy(
  ctx: Pick<BookingContext, 'clock' | 'writes'>,
  office: OfficeRecord,
  partners: Partner[],
): Promise<void> {
  const now = ctx.clock();
  const since = new Date(now.getTime() - office.noShowPolicy.withinDays * 86_400_000);
  const noShows = await ctx.writes.noShowsOf(
    partners.map((p) => p.idFingerprint),
    since,
  );
  if (noShows.length === 0) return;
  for (const [i, p] of partners.entries()) {
    const mine = noShows.filter((n) => n.partners.some((q) => q.idFingerprint === p.idFingerprint));
    const block = noShowBlock(mine.map((n) => n.noShowAt!).filter(Boolean), office.noShowPolicy, now);
    if (block.blocked) {
      const until = localDateOf(block.until, office.timezone);
      throw new AppError(
        'no_show_blocked',
        'booking.no_show_blocked',
        { until },
        { [`partners.${i}.idNumber`]: { key: 'booking.no_show_blocked', params: { until } } },
      );
    }
  }
}

/** Age is reckoned on the appointment date, so moving to an earlier day can make a partner too young. */
export function assertOldEnoughOn(date: string, partners: Partner[], office: OfficeRecord): void {
  const [a, b] = partners as [Partner, Partner];
  const problems = checkMarriageAge(date, [a, b], office.eligibility);
  if (problems.length === 0) return;
  const fields = Object.fromEntries(
    problems.map((p): [string, FieldMessage] => [
      `partners.${p.partner}`,
      { key: 'booking.under_age', params: { minAge: p.minAge, date } },
    ]),
  );
  throw invalid(fields, 'booking.under_age_on_date');
}
