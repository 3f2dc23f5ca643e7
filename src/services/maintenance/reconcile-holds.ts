// Nightly check of "one person, one active booking": each partner of an active booking holds
// a person hold, and no hold outlives its booking. Only records older than `minAgeMs` are
// touched, so a booking or cancellation in progress is never disturbed.
import type { Types } from 'mongoose';
import type { Logger } from 'pino';
import { ACTIVE_STATUSES, AppointmentModel } from '../../models/appointment.model.ts';
import { PersonHoldModel } from '../../models/person-hold.model.ts';

export interface HoldReconcileReport {
  holds: number;
  released: number;
  restored: number;
  conflicts: number;
}

export async function reconcileHolds(opts: {
  minAgeMs: number;
  logger: Logger;
}): Promise<HoldReconcileReport> {
  const settledBefore = new Date(Date.now() - opts.minAgeMs);
  const holds = await PersonHoldModel.find({}).lean();
  const report: HoldReconcileReport = { holds: holds.length, released: 0, restored: 0, conflicts: 0 };
  const holders = await AppointmentModel.find(
    { _id: { $in: [...new Set(holds.map((h) => h.appointment.toString()))] } },
    { status: 1 },
  ).lean();
  const active = new Set(
    holders.filter((a) => ACTIVE_STATUSES.includes(a.status)).map((a) => a._id.toString()),
  );
  for (const hold of holds) {
    if (active.has(hold.appointment.toString()) || hold.createdAt > settledBefore) continue;
    const res = await PersonHoldModel.deleteOne({ _id: hold._id, appointment: hold.appointment });
    if (res.deletedCount === 1) {
      report.released++;
      opts.logger.warn({ appointment: hold.appointment.toString() }, 'reconcile: stale person hold released');
    }
  }

  const byPerson = new Map(holds.map((h) => [h._id, h.appointment.toString()]));
  const bookings = await AppointmentModel.find(
    // An erased booking (long past, left booked or arrived) holds nobody: its fingerprints are gone.
    { status: { $in: ACTIVE_STATUSES }, createdAt: { $lte: settledBefore }, erasedAt: null },
    { 'partners.idFingerprint': 1 },
  ).lean<{ _id: Types.ObjectId; partners: { idFingerprint: string }[] }[]>();
  for (const booking of bookings) {
    for (const { idFingerprint } of booking.partners) {
      const holder = byPerson.get(idFingerprint);
      if (holder === booking._id.toString()) continue;
      if (holder && active.has(holder)) {
        report.conflicts++;
        opts.logger.error(
          { appointment: booking._id.toString(), other: holder },
          'reconcile: a person holds two active bookings; left for staff',
        );
        continue;
      }
      try {
        if (holder) await PersonHoldModel.deleteOne({ _id: idFingerprint, appointment: holder });
        await PersonHoldModel.create({ _id: idFingerprint, appointment: booking._id });
        report.restored++;
        opts.logger.warn({ appointment: booking._id.toString() }, 'reconcile: missing person hold restored');
      } catch (err) {
        if ((err as { code?: number })?.code !== 11000) throw err;
        report.conflicts++;
      }
    }
  }
  return report;
}
