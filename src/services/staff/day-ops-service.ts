// Running the day at the windows: check-in (arrived), served, no-show, and undo. Each
// step is one conditional update of the appointment (so two registrars pressing at once
// cannot both succeed), records the time and who did it, and is audited.
//
// "One person holds at most one active booking" (PersonHold): served and no-show end the
// active booking, so both partners' holds are released and they may book again; undoing
// restores the holds, and is refused if either partner has booked again meanwhile.

import { Types } from 'mongoose';
import { localDateOf } from '../../domain/local-time.ts';
import { AppointmentModel, type AppointmentStatus } from '../../models/appointment.model.ts';
import { OfficeModel } from '../../models/office.model.ts';
import { PersonHoldModel } from '../../models/person-hold.model.ts';
import type { AppointmentRecord } from '../booking/booking-service.ts';
import { clearHold, settledHold } from '../booking/person-holds.ts';
import { AppError, notFound } from '../errors.ts';
import type { StaffContext } from './staff-context.ts';

/** A staff user's id, or 'system' for the job that marks couples who never came. */
export type Actor = string;

/** What undo goes back to from each status. */
const UNDO: Partial<Record<AppointmentStatus, AppointmentStatus>> = {
  arrived: 'booked',
  served: 'arrived',
  no_show: 'booked',
};

async function load(id: Types.ObjectId | string): Promise<AppointmentRecord> {
  if (!Types.ObjectId.isValid(id)) throw notFound('booking.not_found');
  const found = await AppointmentModel.findById(id).lean<AppointmentRecord>();
  if (!found) throw notFound('booking.not_found');
  return found;
}

async function officeToday(deps: StaffContext, appointment: AppointmentRecord): Promise<string> {
  const { clock } = deps;
  const office = await OfficeModel.findById(appointment.office, { timezone: 1 }).lean();
  return localDateOf(clock(), office?.timezone ?? 'Asia/Shanghai');
}

async function transition(
  deps: StaffContext,
  current: AppointmentRecord,
  from: AppointmentStatus[],
  set: Record<string, unknown>,
  unset: string[],
  history: { type: string; by: Actor; detail?: Record<string, unknown> },
): Promise<AppointmentRecord> {
  const { clock } = deps;
  const updated = await AppointmentModel.findOneAndUpdate(
    { _id: current._id, status: { $in: from } },
    {
      $set: set,
      ...(unset.length ? { $unset: Object.fromEntries(unset.map((f) => [f, 1])) } : {}),
      $push: { history: { at: clock(), ...history } },
    },
    { returnDocument: 'after' },
  ).lean<AppointmentRecord>();
  if (!updated) throw new AppError('conflict', 'staff.status_changed');
  return updated;
}

async function done(
  deps: StaffContext,
  before: AppointmentRecord,
  after: AppointmentRecord,
  action: string,
  actor: Actor,
) {
  const { events, audit } = deps;
  await audit.record({
    actor,
    action,
    target: { kind: 'appointment', id: after._id.toString(), label: after.reference },
    before: { status: before.status },
    after: { status: after.status },
    officeId: after.office,
  });
  events.emit({ type: 'appointment.status', appointmentId: after._id.toString(), status: after.status });
}

async function releaseHolds(appointment: AppointmentRecord) {
  await PersonHoldModel.deleteMany({ appointment: appointment._id });
}

/**
 * Takes both partners' holds back for the appointment. A hold left by an appointment that
 * is no longer active is replaced; one held by another active booking refuses the undo.
 */
async function restoreHolds(appointment: AppointmentRecord): Promise<string[]> {
  const taken: string[] = [];
  try {
    for (const partner of appointment.partners) {
      const id = partner.idFingerprint;
      for (let attempt = 0; ; attempt++) {
        try {
          await PersonHoldModel.create({ _id: id, appointment: appointment._id });
          taken.push(id);
          break;
        } catch (err) {
          if ((err as { code?: number }).code !== 11000 || attempt > 0) throw err;
          const held = await settledHold(id);
          if (held.appointment?.equals(appointment._id)) break;
          // Another booking holds the person, or is being made for them right now.
          if (held.state === 'active' || held.state === 'in_progress') {
            throw new AppError('conflict', 'staff.undo_rebooked');
          }
          if (held.state === 'stale') await clearHold(id, held.appointment!);
        }
      }
    }
  } catch (err) {
    if (taken.length) await PersonHoldModel.deleteMany({ _id: { $in: taken }, appointment: appointment._id });
    if ((err as { code?: number }).code === 11000) throw new AppError('conflict', 'staff.undo_rebooked');
    throw err;
  }
  return taken;
}

export async function checkIn(
  deps: StaffContext,
  appointmentId: Types.ObjectId | string,
  actor: Actor,
): Promise<AppointmentRecord> {
  const { clock } = deps;
  const current = await load(appointmentId);
  if (current.status !== 'booked') throw new AppError('conflict', 'staff.status_changed');
  if (current.date !== (await officeToday(deps, current))) throw new AppError('invalid', 'staff.not_today');
  const now = clock();
  const updated = await transition(
    deps,
    current,
    ['booked'],
    { status: 'arrived', arrivedAt: now, arrivedBy: actor },
    [],
    {
      type: 'arrived',
      by: actor,
    },
  );
  await done(deps, current, updated, 'appointment.check_in', actor);
  return updated;
}

/** Served ends the active booking. A couple served without a check-in is checked in too. */
export async function serve(
  deps: StaffContext,
  appointmentId: Types.ObjectId | string,
  actor: Actor,
): Promise<AppointmentRecord> {
  const { clock } = deps;
  const current = await load(appointmentId);
  if (current.status !== 'booked' && current.status !== 'arrived') {
    throw new AppError('conflict', 'staff.status_changed');
  }
  if (current.date !== (await officeToday(deps, current))) throw new AppError('invalid', 'staff.not_today');
  const now = clock();
  const set: Record<string, unknown> = { status: 'served', servedAt: now, servedBy: actor };
  if (current.status === 'booked') Object.assign(set, { arrivedAt: now, arrivedBy: actor });
  const updated = await transition(deps, current, [current.status], set, [], { type: 'served', by: actor });
  await releaseHolds(updated);
  await done(deps, current, updated, 'appointment.serve', actor);
  return updated;
}

/**
 * Only once the slot is over: a couple may still walk in late during it. The no-show counts
 * towards the office's policy.
 */
export async function markNoShow(
  deps: StaffContext,
  appointmentId: Types.ObjectId | string,
  actor: Actor,
): Promise<AppointmentRecord> {
  const { clock } = deps;
  const current = await load(appointmentId);
  if (current.status !== 'booked') throw new AppError('conflict', 'staff.status_changed');
  if (clock() < current.endsAt)
    throw new AppError('invalid', 'staff.no_show_too_early', { end: current.end });
  const updated = await transition(
    deps,
    current,
    ['booked'],
    { status: 'no_show', noShowAt: clock(), noShowBy: actor },
    [],
    { type: 'no_show', by: actor },
  );
  await releaseHolds(updated);
  await done(deps, current, updated, 'appointment.no_show', actor);
  return updated;
}

/** Goes back one step: arrived -> booked, served -> arrived, no-show -> booked. */
export async function undo(
  deps: StaffContext,
  appointmentId: Types.ObjectId | string,
  actor: Actor,
): Promise<AppointmentRecord> {
  const current = await load(appointmentId);
  const back = UNDO[current.status];
  if (!back) throw new AppError('conflict', 'staff.nothing_to_undo');
  const restoring = current.status === 'served' || current.status === 'no_show';
  const taken = restoring ? await restoreHolds(current) : [];
  const unset =
    current.status === 'arrived'
      ? ['arrivedAt', 'arrivedBy']
      : current.status === 'served'
        ? ['servedAt', 'servedBy']
        : ['noShowAt', 'noShowBy'];
  try {
    const updated = await transition(deps, current, [current.status], { status: back }, unset, {
      type: 'undo',
      by: actor,
      detail: { from: current.status, to: back },
    });
    await done(deps, current, updated, 'appointment.undo', actor);
    return updated;
  } catch (err) {
    if (taken.length) await PersonHoldModel.deleteMany({ _id: { $in: taken }, appointment: current._id });
    throw err;
  }
}
