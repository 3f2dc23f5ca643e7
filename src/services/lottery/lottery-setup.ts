// Staff set a peak day's allocation mode and lottery times, and its reserved pool. Putting
// a day in lottery mode generates the draw's seed once and publishes its commitment on the
// day plan; the seed never changes afterwards, whatever else staff edit before the draw.
import { parseDateTimeInput } from '../../domain/local-time.ts';
import { commitment, lotterySettingsProblems, newSeed, reservedPlaces } from '../../domain/lottery.ts';
import { isDuplicate } from '../../lib/duplicate-key.ts';
import { DayPlanModel } from '../../models/day-plan.model.ts';
import { LotteryApplicationModel } from '../../models/lottery-application.model.ts';
import { LotteryDrawModel } from '../../models/lottery-draw.model.ts';
import { LotteryPersonModel } from '../../models/lottery-person.model.ts';
import { LotteryReserveModel } from '../../models/lottery-reserve.model.ts';
import { SlotModel } from '../../models/slot.model.ts';
import type { BookingRequest, BookingResult } from '../booking/booking-service.ts';
import { holdBackPlaces, releaseReservedPlaces } from '../booking/slot-counter.ts';
import { AppError, type FieldMessage, invalid } from '../errors.ts';
import type { OfficeRecord } from '../schedule-service.ts';
import {
  type DrawRecord,
  type LotteryDeps,
  loadDraw,
  loadPlan,
  lotteryOf,
  type PlanRecord,
} from './lottery-context.ts';
import { unfreezeList } from './lottery-list.ts';

export interface LotteryDayInput {
  mode: 'fcfs' | 'lottery';
  /** Office-local 'yyyy-MM-ddTHH:mm' (datetime-local fields); required in lottery mode. */
  opensAt?: string;
  closesAt?: string;
  drawAt?: string;
  confirmHours?: number;
}

export interface ReserveInput {
  perSlot: number;
  /** Office-local 'yyyy-MM-ddTHH:mm': when unused reserved places go back to online booking. */
  releaseAt?: string;
}

const MAX_RESERVE_PER_SLOT = 1000;

async function dayToPlan(
  deps: LotteryDeps,
  officeId: string,
  date: string,
): Promise<{ office: OfficeRecord; plan: PlanRecord }> {
  const { schedule } = deps;
  const office = await schedule.getOffice(officeId);
  if (date < schedule.today(office)) throw new AppError('invalid', 'lottery.day_past');
  const plan = await loadPlan(office, date);
  if (!plan || plan.kind === 'closed') throw new AppError('invalid', 'lottery.needs_plan');
  return { office, plan };
}

async function createDraw(deps: LotteryDeps, office: OfficeRecord, date: string): Promise<DrawRecord> {
  const { random } = deps;
  const seed = newSeed(random);
  try {
    await LotteryDrawModel.create({
      office: office._id,
      date,
      seed,
      commitment: commitment(seed),
      state: 'planned',
    });
    // Read back without the seed: nothing outside the draw itself ever holds it.
    return (await loadDraw(office, date))!;
  } catch (err) {
    if (!isDuplicate(err)) throw err;
    const existing = await loadDraw(office, date);
    if (!existing) throw err;
    return existing;
  }
}

/** Sets a day's allocation mode and, in lottery mode, its window, draw time and confirmation hours. */
export async function configureDay(
  deps: LotteryDeps,
  officeId: string,
  date: string,
  input: LotteryDayInput,
): Promise<void> {
  const { clock, schedule } = deps;
  const { office, plan } = await dayToPlan(deps, officeId, date);
  const zone = office.timezone;
  const draw = await loadDraw(office, date);
  if (draw && draw.state !== 'planned') throw new AppError('conflict', 'lottery.already_drawn');
  const inDraw = draw
    ? await LotteryApplicationModel.countDocuments({ draw: draw._id, status: 'applied' })
    : 0;

  if (input.mode === 'fcfs') {
    if (inDraw > 0) throw new AppError('conflict', 'lottery.has_applications', { n: inDraw });
    await DayPlanModel.updateOne({ _id: plan._id }, { $set: { allocation: 'fcfs' }, $unset: { lottery: 1 } });
    if (draw) {
      // Only withdrawn applications are left: the next lottery for this day starts afresh, with a new seed.
      const gone = await LotteryApplicationModel.find({ draw: draw._id }, { _id: 1 }).lean();
      await LotteryPersonModel.deleteMany({ application: { $in: gone.map((a) => a._id) } });
      await LotteryApplicationModel.deleteMany({ draw: draw._id });
      await unfreezeList(draw._id);
      await LotteryDrawModel.deleteOne({ _id: draw._id, state: 'planned' });
    }
    schedule.invalidate(office._id.toString(), date);
    return;
  }

  const day = await schedule.daySchedule(office, date);
  const first = day.slots[0];
  if (!day.open || !first) throw new AppError('invalid', 'lottery.no_slots');
  const fields: Record<string, FieldMessage> = {};
  const opensAt = parseDateTimeInput(input.opensAt, zone);
  const closesAt = parseDateTimeInput(input.closesAt, zone);
  const drawAt = parseDateTimeInput(input.drawAt, zone);
  if (!opensAt) fields.opensAt = { key: 'lottery.invalid_datetime' };
  if (!closesAt) fields.closesAt = { key: 'lottery.invalid_datetime' };
  if (!drawAt) fields.drawAt = { key: 'lottery.invalid_datetime' };
  const confirmHours = Number(input.confirmHours);
  if (opensAt && closesAt && drawAt) {
    const problems = lotterySettingsProblems({ opensAt, closesAt, drawAt, confirmHours }, first.startsAt);
    for (const [field, problem] of Object.entries(problems))
      fields[field] = { key: `lottery.problem.${problem}` };
    // The commitment must be public before applications close: a window that is already
    // shut cannot be set (an unchanged closing time of a running lottery may stay as it is).
    const current = lotteryOf(plan);
    const unchanged = current && current.closesAt.getTime() === closesAt.getTime();
    if (!fields.closesAt && !unchanged && closesAt.getTime() <= clock().getTime())
      fields.closesAt = { key: 'lottery.problem.closes_in_past' };
  } else {
    const problems = lotterySettingsProblems(
      { opensAt: new Date(0), closesAt: new Date(1), drawAt: new Date(1), confirmHours },
      first.startsAt,
    );
    if (problems.confirmHours) fields.confirmHours = { key: `lottery.problem.${problems.confirmHours}` };
  }
  if (Object.keys(fields).length > 0) throw invalid(fields);

  const current = draw ?? (await createDraw(deps, office, date));
  // Applications reopened (a later closing time): the list frozen at the old close is stale.
  if (current.listFrozenAt && closesAt && closesAt.getTime() > clock().getTime())
    await unfreezeList(current._id);
  await DayPlanModel.updateOne(
    { _id: plan._id },
    {
      $set: {
        allocation: 'lottery',
        lottery: { opensAt, closesAt, drawAt, confirmHours, commitment: current.commitment },
      },
    },
  );
  schedule.invalidate(office._id.toString(), date);
}

/**
 * Holds back `perSlot` places of every slot of the day (as many as are not booked yet),
 * or gives back what is held beyond it. Returns how many places could not be held back.
 */
export async function setReserve(
  deps: LotteryDeps,
  officeId: string,
  date: string,
  input: ReserveInput,
  actor?: string,
) {
  const { clock, events, schedule } = deps;
  const office = await schedule.getOffice(officeId);
  if (date < schedule.today(office)) throw new AppError('invalid', 'lottery.day_past');
  const day = await schedule.daySchedule(office, date);
  const first = day.slots[0];
  if (!day.open || !first) throw new AppError('invalid', 'lottery.no_slots');
  const perSlot = Number(input.perSlot);
  const fields: Record<string, FieldMessage> = {};
  if (!Number.isInteger(perSlot) || perSlot < 0 || perSlot > MAX_RESERVE_PER_SLOT)
    fields.perSlot = { key: 'lottery.problem.reserve_range', params: { max: MAX_RESERVE_PER_SLOT } };
  const releaseAt = parseDateTimeInput(input.releaseAt, office.timezone);
  if (perSlot > 0) {
    if (!releaseAt) fields.releaseAt = { key: 'lottery.invalid_datetime' };
    else if (releaseAt.getTime() >= first.startsAt.getTime())
      fields.releaseAt = { key: 'lottery.problem.release_after_start' };
    else if (releaseAt.getTime() <= clock().getTime())
      fields.releaseAt = { key: 'lottery.problem.release_in_past' };
  }
  if (Object.keys(fields).length > 0) throw invalid(fields);

  await schedule.ensureSlots(office, day.slots);
  const counters = await SlotModel.find({ office: office._id, date }).lean();
  let shortfall = 0;
  for (const slot of counters) {
    const target = reservedPlaces(slot.capacity, perSlot);
    const held = slot.reserved ?? 0;
    if (target > held) shortfall += target - held - (await holdBackPlaces(slot._id, target - held));
    else if (target < held) await releaseReservedPlaces(slot._id, held - target);
  }
  if (perSlot === 0) {
    await LotteryReserveModel.deleteOne({ office: office._id, date });
  } else {
    await LotteryReserveModel.updateOne(
      { office: office._id, date },
      {
        $set: { perSlot, releaseAt, ...(actor ? { updatedBy: actor } : {}) },
        $unset: { releasedAt: 1, releasedPlaces: 1 },
      },
      { upsert: true },
    );
  }
  events.emit({ type: 'capacity.changed', officeId: office._id.toString(), date });
  return { shortfall };
}

/** Gives every reserved pool whose release time has come back to online booking. Safe to run twice. */
export async function releaseReservedPools(deps: LotteryDeps, now: Date = deps.clock()): Promise<number> {
  const { events } = deps;
  const due = await LotteryReserveModel.find({ releaseAt: { $lte: now }, releasedAt: null }).lean();
  let released = 0;
  for (const reserve of due) {
    const slots = await SlotModel.find(
      { office: reserve.office, date: reserve.date, reserved: { $gt: 0 } },
      { _id: 1 },
    ).lean();
    let places = 0;
    for (const slot of slots) places += await releaseReservedPlaces(slot._id);
    const done = await LotteryReserveModel.updateOne(
      { _id: reserve._id, releasedAt: null },
      { $set: { releasedAt: now }, $inc: { releasedPlaces: places } },
    );
    if (done.modifiedCount === 1) released += 1;
    if (places > 0)
      events.emit({ type: 'capacity.changed', officeId: reserve.office.toString(), date: reserve.date });
  }
  return released;
}

/** The priority channel: staff book a couple into a place held back in the reserve. */
export function bookFromReserve(
  deps: LotteryDeps,
  req: Omit<BookingRequest, 'channel' | 'fromReserve' | 'allowOverbook'>,
): Promise<BookingResult> {
  const { booking } = deps;
  return booking.book({ ...req, channel: 'staff', fromReserve: true });
}
