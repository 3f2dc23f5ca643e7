// Before staff save a plan, they see slot by slot what changes and which slots would
// hold more bookings than places. Nothing is cancelled: overbooked slots are flagged.
import type { DaySchedule, LocalTime, PlannedSlot } from './schedule-types.ts';

export interface SlotCount {
  start: LocalTime;
  booked: number;
  capacity: number;
}

export interface SlotChange {
  start: LocalTime;
  end: LocalTime;
  before: number;
  after: number;
  booked: number;
  delta: number;
  overbooked: boolean;
}

export interface CapacityPreview {
  slots: SlotChange[];
  totalBefore: number;
  totalAfter: number;
  totalBooked: number;
  overbookedSlots: number;
}

function byStart(schedule: DaySchedule): Map<LocalTime, PlannedSlot> {
  return new Map(schedule.slots.map((slot) => [slot.start, slot]));
}

/**
 * Union of both days' slots by start time: a slot that disappears has after = 0. A
 * start that is booked but in neither schedule (data drift) is listed too, with
 * end = start, so those bookings are flagged rather than lost from sight.
 */
export function previewCapacity(
  before: DaySchedule,
  after: DaySchedule,
  booked: Map<LocalTime, number>,
): CapacityPreview {
  const old = byStart(before);
  const next = byStart(after);
  const starts = new Set<LocalTime>([...old.keys(), ...next.keys()]);
  for (const [start, count] of booked) if (count > 0) starts.add(start);

  const slots = [...starts].sort().map((start): SlotChange => {
    const beforeCapacity = old.get(start)?.capacity ?? 0;
    const afterCapacity = next.get(start)?.capacity ?? 0;
    const bookedCount = booked.get(start) ?? 0;
    return {
      start,
      end: next.get(start)?.end ?? old.get(start)?.end ?? start,
      before: beforeCapacity,
      after: afterCapacity,
      booked: bookedCount,
      delta: afterCapacity - beforeCapacity,
      overbooked: bookedCount > afterCapacity,
    };
  });

  return {
    slots,
    totalBefore: slots.reduce((sum, slot) => sum + slot.before, 0),
    totalAfter: slots.reduce((sum, slot) => sum + slot.after, 0),
    totalBooked: slots.reduce((sum, slot) => sum + slot.booked, 0),
    overbookedSlots: slots.filter((slot) => slot.overbooked).length,
  };
}
