// Nightly recount of every slot counter against the bookings that hold a place in it. A
// counter can drift only through a fault (a process killed between taking a place and
// writing the booking, a manual database edit); this finds it and repairs it, and logs it.
//
// Repairs never fight live traffic: a drift is repaired only if it is seen twice, `settleMs`
// apart, on an unchanged counter (a booking in flight has taken its place but not yet written
// its appointment), and the repair is one conditional update on exactly the values observed.
import type { Types } from 'mongoose';
import type { Logger } from 'pino';
import { AppointmentModel } from '../../models/appointment.model.ts';
import { type Slot, SlotModel } from '../../models/slot.model.ts';
import { repairCounter } from '../booking/slot-counter.ts';

type SlotRecord = Slot & { _id: Types.ObjectId };

export interface SlotReconcileReport {
  checked: number;
  drifted: number;
  repaired: number;
}

/** Places a slot's bookings hold: every booking of the slot that is not cancelled. */
async function holdersBySlot(slotIds: Types.ObjectId[]): Promise<Map<string, number>> {
  const rows = await AppointmentModel.find(
    { slot: { $in: slotIds }, status: { $ne: 'cancelled' } },
    { slot: 1 },
  ).lean();
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(r.slot.toString(), (counts.get(r.slot.toString()) ?? 0) + 1);
  return counts;
}

function drift(slot: SlotRecord, holders: number): boolean {
  const reserved = slot.reserved ?? 0;
  return slot.booked !== holders || slot.remaining !== slot.capacity - holders - reserved;
}

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function reconcileSlots(opts: {
  now: Date;
  settleMs: number;
  logger: Logger;
  /** Slots that ended before this are history and left as they are (default: a week ago). */
  since?: Date;
}): Promise<SlotReconcileReport> {
  const since = opts.since ?? new Date(opts.now.getTime() - 7 * 86_400_000);
  const slots = await SlotModel.find({ endsAt: { $gte: since } }).lean<SlotRecord[]>();
  const report: SlotReconcileReport = { checked: slots.length, drifted: 0, repaired: 0 };
  const first = await holdersBySlot(slots.map((s) => s._id));
  const suspects = slots.filter((s) => drift(s, first.get(s._id.toString()) ?? 0));
  if (suspects.length === 0) return report;
  if (opts.settleMs > 0) await delay(opts.settleMs);

  const again = await SlotModel.find({ _id: { $in: suspects.map((s) => s._id) } }).lean<SlotRecord[]>();
  const second = await holdersBySlot(again.map((s) => s._id));
  const before = new Map(suspects.map((s) => [s._id.toString(), s]));
  for (const slot of again) {
    const seen = before.get(slot._id.toString())!;
    const holders = second.get(slot._id.toString()) ?? 0;
    const unchanged =
      seen.booked === slot.booked &&
      seen.remaining === slot.remaining &&
      seen.capacity === slot.capacity &&
      (seen.reserved ?? 0) === (slot.reserved ?? 0);
    if (!unchanged || !drift(slot, holders) || holders !== (first.get(slot._id.toString()) ?? 0)) continue;
    report.drifted++;
    const remaining = slot.capacity - holders - (slot.reserved ?? 0);
    const res = await repairCounter(slot, holders);
    if (res) {
      report.repaired++;
      opts.logger.warn(
        {
          slot: slot._id.toString(),
          office: slot.office.toString(),
          date: slot.date,
          start: slot.start,
          before: { booked: slot.booked, remaining: slot.remaining },
          after: { booked: holders, remaining },
        },
        'reconcile: slot counter repaired',
      );
    }
  }
  return report;
}
