// What the retention policy erases from each kind of record, and how: one conditional update
// per batch (`erasedAt: null` in the filter), so a record is erased once however often, or
// however many processes at once, the erasure runs, and each run counts only what it erased.
// What statistics need stays: dates, office, slot, statuses, channels, masked ID numbers,
// references, the times of arrival and service.
import type { Types } from 'mongoose';
import { AppointmentModel } from '../../models/appointment.model.ts';
import { LotteryApplicationModel } from '../../models/lottery-application.model.ts';
import { LotteryPersonModel } from '../../models/lottery-person.model.ts';
import { NotificationModel } from '../../models/notification.model.ts';
import { OutboxMessageModel } from '../../models/outbox-message.model.ts';
import { PersonHoldModel } from '../../models/person-hold.model.ts';

export interface ErasureCounts {
  appointments: number;
  lotteryApplications: number;
  /** Deleted: a hold's purpose (one active booking per person) ended with its booking. */
  personHolds: number;
  /** Deleted: "one application per person" ended with the draw. */
  lotteryPersons: number;
  notifications: number;
  outboxMessages: number;
  /** Deleted: allowances past their expiry (their _id holds the phone number). */
  verificationCodes: number;
}

export const noErasures = (): ErasureCounts => ({
  appointments: 0,
  lotteryApplications: 0,
  personHolds: 0,
  lotteryPersons: 0,
  notifications: 0,
  outboxMessages: 0,
  verificationCodes: 0,
});

/**
 * Both partners: name, phone (and its last 4 digits, which open the look-up by reference), the
 * ID fingerprint (a keyed hash that still identifies whoever knows the ID number), birth date
 * and sex (no statistic reads them). The ID type and masked number stay.
 */
function partnerErasure(now: Date) {
  return {
    $set: {
      erasedAt: now,
      email: '',
      'partners.$[].name': '',
      'partners.$[].phone': '',
      'partners.$[].phoneLast4': '',
      'partners.$[].idFingerprint': '',
    },
    $unset: { 'partners.$[].birthDate': 1, 'partners.$[].sex': 1 },
  };
}

/** The messages of some records: the development outbox's copies first, then the log entries. */
async function eraseMessages(filter: Record<string, unknown>, now: Date, counts: ErasureCounts) {
  // Keys of every matching notification, erased already or not: a run cut short after the
  // notifications still finds the outbox copies the next night.
  const keys = await NotificationModel.distinct('key', filter);
  if (keys.length) counts.outboxMessages += await eraseOutbox({ notificationKey: { $in: keys } }, now);
  const res = await NotificationModel.updateMany(
    { ...filter, erasedAt: null },
    // The spec keeps the ids it names; a cancellation's reason is free text.
    { $set: { to: '', erasedAt: now }, $unset: { lastError: 1, 'spec.reason': 1 } },
  );
  counts.notifications += res.modifiedCount;
}

export async function eraseOutbox(filter: Record<string, unknown>, now: Date): Promise<number> {
  const res = await OutboxMessageModel.updateMany(
    { ...filter, erasedAt: null },
    { $set: { to: '', text: '', html: '', attachments: [], erasedAt: now }, $unset: { smsTemplate: 1 } },
  );
  return res.modifiedCount;
}

/**
 * A batch of appointments: their messages and holds first, the appointment's own mark last, so
 * that a run cut short leaves the appointment to be found, and finished, by the next one.
 */
export async function eraseAppointments(ids: Types.ObjectId[], now: Date, counts: ErasureCounts) {
  await eraseMessages({ appointment: { $in: ids } }, now, counts);
  counts.personHolds += (await PersonHoldModel.deleteMany({ appointment: { $in: ids } })).deletedCount;
  const erasure = partnerErasure(now);
  const res = await AppointmentModel.updateMany(
    { _id: { $in: ids }, erasedAt: null },
    {
      $set: erasure.$set,
      // A cancellation's reason is free text, in the appointment and in its history.
      $unset: { ...erasure.$unset, cancelReason: 1, 'history.$[].detail.reason': 1 },
    },
  );
  counts.appointments += res.modifiedCount;
}

/** A batch of lottery applications, in the same order: messages, the per-person keys, the mark. */
export async function eraseApplications(ids: Types.ObjectId[], now: Date, counts: ErasureCounts) {
  await eraseMessages({ 'spec.event.applicationId': { $in: ids.map(String) } }, now, counts);
  counts.lotteryPersons += (await LotteryPersonModel.deleteMany({ application: { $in: ids } })).deletedCount;
  const res = await LotteryApplicationModel.updateMany(
    { _id: { $in: ids }, erasedAt: null },
    partnerErasure(now),
  );
  counts.lotteryApplications += res.modifiedCount;
}
