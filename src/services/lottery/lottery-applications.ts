// A couple's application after it is made: found by its private status token, where it stands
// (the status page), and the couple's own steps: withdraw while applications are open,
// confirm an offered place before its deadline, or decline it (it goes down the line at once).
import { lotteryPhase } from '../../domain/lottery.ts';
import { LotteryApplicationModel } from '../../models/lottery-application.model.ts';
import { LotteryPersonModel } from '../../models/lottery-person.model.ts';
import { storedManageToken } from '../booking/manage-token.ts';
import { AppError, notFound } from '../errors.ts';
import {
  type ApplicationRecord,
  lapsedEvent,
  loadPlan,
  lotteryOf,
  type PlanRecord,
} from './lottery-context.ts';
import type { DrawDeps } from './lottery-offers.ts';
import { cancelAppointment, fillDrawnDay } from './lottery-refills.ts';
import {
  hashStatusToken,
  looksLikeStatusToken,
  lotteryBookingKey,
  storedStatusToken,
} from './lottery-tokens.ts';

export async function findByToken(token: string): Promise<ApplicationRecord> {
  if (!looksLikeStatusToken(token)) throw notFound('lottery.not_found');
  const found = await LotteryApplicationModel.findOne({
    tokenHash: hashStatusToken(token),
  }).lean<ApplicationRecord>();
  if (!found) throw notFound('lottery.not_found');
  return found;
}

export async function findByReferenceAndToken(reference: string, token: string): Promise<ApplicationRecord> {
  const found = await findByToken(token);
  if (found.reference !== reference.trim().toUpperCase()) throw notFound('lottery.not_found');
  return found;
}

/** Where an application stands, computed with the clock; `plan`, when the caller has just read it, saves reading it again. */
export async function status(deps: DrawDeps, application: ApplicationRecord, plan?: PlanRecord | null) {
  const office = await deps.schedule.getOffice(application.office.toString());
  const settings = lotteryOf(plan !== undefined ? plan : await loadPlan(office, application.date));
  const now = deps.clock();
  const phase = settings ? lotteryPhase(settings, now, settings.drawnAt) : 'drawn';
  let rank = application.rank;
  if (rank === undefined && phase === 'drawn' && application.status === 'applied') {
    rank = (await deps.cache.order(application.draw)).rankOf.get(application.reference);
    if (rank !== undefined)
      await LotteryApplicationModel.updateOne({ _id: application._id }, { $set: { rank } });
  }
  const hasAppointment =
    (application.status === 'offered' || application.status === 'confirmed') && application.appointment;
  const appointment = hasAppointment
    ? await deps.booking.get(application.appointment!).catch(() => null)
    : null;
  return {
    application,
    office,
    lottery: settings ? { ...settings, phase } : undefined,
    rank,
    appointment,
    /** The appointment's own manage link, once the place is confirmed. */
    manageToken:
      application.status === 'confirmed' && appointment
        ? storedManageToken(deps, lotteryBookingKey(application._id), appointment.manageTokenHash)
        : undefined,
    canWithdraw: phase === 'open' && application.status === 'applied',
    canConfirm:
      application.status === 'offered' &&
      Boolean(appointment && appointment.status === 'booked') &&
      (application.confirmBy?.getTime() ?? 0) > now.getTime(),
  };
}

export async function withdraw(deps: DrawDeps, token: string): Promise<ApplicationRecord> {
  const application = await findByToken(token);
  const office = await deps.schedule.getOffice(application.office.toString());
  const settings = lotteryOf(await loadPlan(office, application.date));
  const now = deps.clock();
  if (!settings || lotteryPhase(settings, now, settings.drawnAt) !== 'open')
    throw new AppError('conflict', 'lottery.cannot_withdraw');
  const updated = await LotteryApplicationModel.findOneAndUpdate(
    { _id: application._id, status: 'applied' },
    {
      $set: { status: 'withdrawn', endedAt: now },
      $push: { history: { at: now, type: 'withdrawn', by: 'couple' } },
    },
    { returnDocument: 'after' },
  ).lean<ApplicationRecord>();
  if (!updated) throw new AppError('conflict', 'lottery.cannot_withdraw');
  // The couple may apply again while the window is open: the one-per-person holds go.
  await LotteryPersonModel.deleteMany({ application: application._id });
  return updated;
}

export async function confirm(deps: DrawDeps, token: string): Promise<ApplicationRecord> {
  const application = await findByToken(token);
  if (application.status === 'confirmed') return application;
  const now = deps.clock();
  const appointment = application.appointment
    ? await deps.booking.get(application.appointment).catch(() => null)
    : null;
  if (application.status !== 'offered' || !appointment || appointment.status !== 'booked')
    throw new AppError('conflict', 'lottery.cannot_confirm');
  const updated = await LotteryApplicationModel.findOneAndUpdate(
    { _id: application._id, status: 'offered', confirmBy: { $gt: now } },
    {
      $set: { status: 'confirmed', confirmedAt: now },
      $push: { history: { at: now, type: 'confirmed', by: 'couple' } },
    },
    { returnDocument: 'after' },
  ).lean<ApplicationRecord>();
  if (!updated) throw new AppError('conflict', 'lottery.offer_expired');
  deps.events.emit({
    type: 'lottery.confirmed',
    applicationId: application._id.toString(),
    appointmentId: appointment._id.toString(),
  });
  return updated;
}

/** The couple gives the place back: its appointment is cancelled and the place goes down the line now. */
export async function decline(deps: DrawDeps, token: string): Promise<ApplicationRecord> {
  const application = await findByToken(token);
  const now = deps.clock();
  const updated = await LotteryApplicationModel.findOneAndUpdate(
    { _id: application._id, status: 'offered' },
    {
      $set: { status: 'declined', endedAt: now },
      $push: { history: { at: now, type: 'declined', by: 'couple' } },
    },
    { returnDocument: 'after' },
  ).lean<ApplicationRecord>();
  if (!updated) throw new AppError('conflict', 'lottery.cannot_decline');
  await cancelAppointment(deps, application.appointment, 'lottery_declined');
  deps.events.emit(lapsedEvent(application, 'declined'));
  const office = await deps.schedule.getOffice(application.office.toString());
  await fillDrawnDay(deps, office, application.date);
  return updated;
}

/** The path of an application's private status page (a short link's, the API's), as it was made. */
export async function statusPath(deps: DrawDeps, applicationId: string): Promise<string> {
  const found = await LotteryApplicationModel.findById(applicationId, {
    tokenHash: 1,
  }).lean<ApplicationRecord>();
  return `/lottery/a/${storedStatusToken(deps, found ?? { _id: applicationId })}`;
}
