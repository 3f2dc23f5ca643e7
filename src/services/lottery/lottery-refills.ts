// After the draw: offers not confirmed by their deadline lapse (their appointment is
// cancelled), and every drawn day still to come has its free places offered down the line
// again, finishing offers a stopped worker left half-made. Safe to run twice, or in two workers.

import { DayPlanModel } from '../../models/day-plan.model.ts';
import { LotteryApplicationModel } from '../../models/lottery-application.model.ts';
import { LotteryDrawModel } from '../../models/lottery-draw.model.ts';
import { AppError } from '../errors.ts';
import type { OfficeRecord } from '../schedule-service.ts';
import {
  type ApplicationRecord,
  type DrawRecord,
  lapsedEvent,
  loadPlan,
  lotteryOf,
} from './lottery-context.ts';
import { type DayContext, type DrawDeps, dayContext, fillDay, offer } from './lottery-offers.ts';

/** An offer claimed but not booked after this long was interrupted: finish it. */
const STUCK_OFFER_MS = 60_000;

export async function expireConfirmations(
  deps: DrawDeps,
  now: Date = deps.clock(),
): Promise<{ lapsed: number; offered: number }> {
  let lapsed = 0;
  const expired = await LotteryApplicationModel.find({ status: 'offered', confirmBy: { $lte: now } }).lean<
    ApplicationRecord[]
  >();
  for (const application of expired) {
    const res = await LotteryApplicationModel.updateOne(
      { _id: application._id, status: 'offered' },
      {
        $set: { status: 'lapsed', endedAt: now },
        $push: { history: { at: now, type: 'lapsed', by: 'lottery' } },
      },
    );
    if (res.modifiedCount !== 1) continue;
    lapsed += 1;
    await cancelAppointment(deps, application.appointment, 'lottery_unconfirmed');
    deps.events.emit(lapsedEvent(application, 'unconfirmed'));
  }
  const offered = await fillDrawnDays(deps, now);
  return { lapsed, offered };
}

/** Cancels an appointment the lottery made, unless it is already gone. */
export async function cancelAppointment(
  deps: DrawDeps,
  appointmentId: ApplicationRecord['appointment'],
  reason: string,
): Promise<void> {
  if (!appointmentId) return;
  await deps.booking.cancel(appointmentId, 'system', { reason }).catch((err: unknown) => {
    if (!(err instanceof AppError) || (err.code !== 'conflict' && err.code !== 'not_found')) throw err;
  });
}

/** Passes the free places of one drawn day down the line now (after a decline). */
export async function fillDrawnDay(
  deps: DrawDeps,
  office: OfficeRecord,
  date: string,
  now: Date = deps.clock(),
): Promise<number> {
  const settings = lotteryOf(await loadPlan(office, date));
  const draw = await LotteryDrawModel.findOne({
    office: office._id,
    date,
    state: 'drawn',
  }).lean<DrawRecord>();
  if (!settings || !draw) return 0;
  return fillDay(deps, await dayContext(deps, office, draw, settings), now);
}

async function fillDrawnDays(deps: DrawDeps, now: Date): Promise<number> {
  const since = new Date(now.getTime() - 86_400_000).toISOString().slice(0, 10);
  const plans = await DayPlanModel.find(
    { allocation: 'lottery', 'lottery.drawnAt': { $ne: null }, date: { $gte: since } },
    { office: 1, date: 1, lottery: 1, allocation: 1 },
  ).lean();
  let offered = 0;
  for (const plan of plans) {
    const settings = plan.lottery;
    const office = await deps.schedule.getOffice(plan.office.toString()).catch(() => null);
    const draw = await LotteryDrawModel.findOne({
      office: plan.office,
      date: plan.date,
      state: 'drawn',
    }).lean<DrawRecord>();
    if (!office || !draw || !settings) continue;
    const day = await dayContext(deps, office, draw, settings);
    await finishStuckOffers(deps, day, now);
    offered += await fillDay(deps, day, now);
  }
  return offered;
}

async function finishStuckOffers(deps: DrawDeps, day: DayContext, now: Date): Promise<void> {
  const stuck = await LotteryApplicationModel.find(
    {
      draw: day.draw._id,
      status: 'offered',
      appointment: null,
      offeredAt: { $lt: new Date(now.getTime() - STUCK_OFFER_MS) },
    },
    { start: 1, rank: 1, passedOn: 1 },
  ).lean<ApplicationRecord[]>();
  for (const application of stuck) {
    const place = {
      start: application.start!,
      rank: application.rank ?? 0,
      passedOn: Boolean(application.passedOn),
    };
    await offer(deps, day, application._id, place, now);
  }
}
