// Emergency closure: when an office closes a day that already has bookings, every active
// booking of that day is marked (kept, never cancelled) with a history entry, and the job
// system is told (`office.closed`) so it can write to each couple and offer to move.
import type { Types } from 'mongoose';
import type { Bilingual, LocalDate } from '../../domain/schedule-types.ts';
import { ACTIVE_STATUSES, AppointmentModel } from '../../models/appointment.model.ts';
import type { Clock } from '../clock.ts';
import type { EventBus } from '../events.ts';
import type { AuditService } from './audit-service.ts';

export function createClosureService(deps: { clock: Clock; events: EventBus; audit: AuditService }) {
  const { clock, events, audit } = deps;

  async function activeCount(officeId: Types.ObjectId, date: LocalDate): Promise<number> {
    return AppointmentModel.countDocuments({ office: officeId, date, status: { $in: ACTIVE_STATUSES } });
  }

  /** Marks the day's active bookings; returns their ids (those already marked are not told twice). */
  async function closeDay(
    officeId: Types.ObjectId,
    date: LocalDate,
    actor: string,
    message?: Bilingual,
  ): Promise<string[]> {
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
    events.emit({ type: 'office.closed', officeId: officeId.toString(), date, appointmentIds });
    return appointmentIds;
  }

  /** The office opens the day after all: the marks are lifted (couples who moved keep theirs). */
  async function reopenDay(officeId: Types.ObjectId, date: LocalDate, actor: string): Promise<number> {
    const now = clock();
    const res = await AppointmentModel.updateMany(
      { office: officeId, date, 'closure.date': date },
      {
        $unset: { closure: 1 },
        $push: { history: { at: now, type: 'office_reopened', by: actor, detail: { date } } },
      },
    );
    return res.modifiedCount;
  }

  return { activeCount, closeDay, reopenDay };
}

export type ClosureService = ReturnType<typeof createClosureService>;
