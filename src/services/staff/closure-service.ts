// Emergency closure: when an office closes a day that already has bookings, every active
// booking of that day is marked (kept, never cancelled) with a history entry, and the job
// system is told (`office.closed`) so it can write to each couple and offer to move; when
// the day opens again the marks are lifted and the couples told (`office.reopened`).
import type { Types } from 'mongoose';
import type { Bilingual, LocalDate } from '../../domain/schedule-types.ts';
import { ACTIVE_STATUSES, AppointmentModel } from '../../models/appointment.model.ts';
import type { StaffContext } from './staff-context.ts';

export async function activeCount(officeId: Types.ObjectId, date: LocalDate): Promise<number> {
  return AppointmentModel.countDocuments({ office: officeId, date, status: { $in: ACTIVE_STATUSES } });
}

/** Marks the day's active bookings; returns their ids (those already marked are not told twice). */
export async function closeDay(
  deps: StaffContext,
  officeId: Types.ObjectId,
  date: LocalDate,
  actor: string,
  message?: Bilingual,
): Promise<string[]> {
  const { clock, events, audit } = deps;
  const affected = await AppointmentModel.find(
    { office: officeId, date, status: { $in: ACTIVE_STATUSES }, 'closure.date': { $ne: date } },
    { _id: 1 },
  ).lean();
  if (affected.length === 0) return [];
  const now = clock();
  const ids = affected.map((a) => a._id);
  await AppointmentModel.updateMany(
    { _id: { $in: ids }, 'closure.date': { $ne: date } },
    {
      $set: { closure: { date, at: now, by: actor, ...(message ? { message } : {}) } },
      $push: { history: { at: now, type: 'office_closed', by: actor, detail: { date } } },
    },
  );
  const appointmentIds = ids.map(String);
  await audit.record({
    actor,
    action: 'day.close_bookings',
    target: { kind: 'day', id: `${officeId}/${date}`, label: date },
    after: { appointments: appointmentIds.length },
    officeId,
  });
  events.emit({
    type: 'office.closed',
    officeId: officeId.toString(),
    date,
    appointmentIds,
    closedAt: now,
  });
  return appointmentIds;
}

/**
 * The office opens the day after all: the marks are lifted (couples who moved keep theirs)
 * and the couples whose active booking was marked are told it stands (`office.reopened`).
 * Each mark is lifted by its own conditional update, so only the caller that lifted it
 * tells the couple. Returns how many marks were lifted.
 */
export async function reopenDay(
  deps: StaffContext,
  officeId: Types.ObjectId,
  date: LocalDate,
  actor: string,
): Promise<number> {
  const { clock, events } = deps;
  const marked = await AppointmentModel.find(
    { office: officeId, date, 'closure.date': date },
    { _id: 1, status: 1 },
  ).lean();
  if (marked.length === 0) return 0;
  const now = clock();
  const active = new Set<string>(ACTIVE_STATUSES);
  const told: string[] = [];
  let lifted = 0;
  for (const a of marked) {
    const res = await AppointmentModel.updateOne(
      { _id: a._id, 'closure.date': date },
      {
        $unset: { closure: 1 },
        $push: { history: { at: now, type: 'office_reopened', by: actor, detail: { date } } },
      },
    );
    if (!res.modifiedCount) continue;
    lifted++;
    if (active.has(a.status)) told.push(a._id.toString());
  }
  if (told.length)
    events.emit({
      type: 'office.reopened',
      officeId: officeId.toString(),
      date,
      appointmentIds: told,
      reopenedAt: now,
    });
  return lifted;
}
