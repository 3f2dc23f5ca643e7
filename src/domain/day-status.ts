// What a couple sees for a day on the calendar, from the most final reason down:
// a past day, a closed office, a window not open or already shut, then places left.
import type { BookingWindowState } from './booking-rules.ts';
import type { DaySchedule, LocalDate } from './schedule-types.ts';

export type DayStatus = 'open' | 'few_left' | 'full' | 'closed' | 'not_yet_open' | 'past' | 'booking_closed';

const FEW_LEFT_MIN = 3;
const FEW_LEFT_SHARE = 0.1;

/** "Few left" starts at 3 places, or 10% of the day's capacity on big days. */
export function fewLeftThreshold(capacity: number): number {
  return Math.max(FEW_LEFT_MIN, capacity * FEW_LEFT_SHARE);
}

export function dayStatus(input: {
  schedule: DaySchedule;
  window: BookingWindowState;
  remaining: number;
  capacity: number;
  today: LocalDate;
}): DayStatus {
  const { schedule, window, remaining, capacity, today } = input;
  if (schedule.date < today) return 'past';
  if (!schedule.open) return 'closed';
  if (window.state === 'not_yet_open') return 'not_yet_open';
  if (window.state === 'closed') return 'booking_closed';
  if (remaining <= 0) return 'full';
  if (remaining <= fewLeftThreshold(capacity)) return 'few_left';
  return 'open';
}
