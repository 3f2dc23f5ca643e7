// The draw. At the draw time a job claims the day's draw, freezes the slots and the order
// (docs/lottery.md), and offers each winner a place (lottery-offers.ts); places a winner
// could not take go down the line at once, and everyone still in line is told their rank.
// Claiming the draw is a conditional update with a lease: two workers never both draw a day,
// and a worker that died mid-draw is taken over.
import { allocate, type DrawSlot } from '../../domain/lottery.ts';
import { DayPlanModel } from '../../models/day-plan.model.ts';
import { LotteryApplicationModel } from '../../models/lottery-application.model.ts';
import { type DrawSlotSnapshot, type DrawWinner, LotteryDrawModel } from '../../models/lottery-draw.model.ts';
import type { ListEntry } from '../../models/lottery-list.model.ts';
import { SlotModel } from '../../models/slot.model.ts';
import { AppError } from '../errors.ts';
import type { OfficeRecord } from '../schedule-service.ts';
import { type DrawRecord, inPool, loadPlan, lotteryOf } from './lottery-context.ts';
import { freezeList, loadList, readApplications } from './lottery-list.ts';
import { type DayContext, type DrawDeps, dayContext, fillDay, offer } from './lottery-offers.ts';

/** A draw left 'drawing' this long (its worker died) may be taken over. */
const LEASE_MS = 10 * 60_000;
const OFFER_CONCURRENCY = 16;

/**
 * Freezes the list of every lottery whose applications have closed, then draws every
 * lottery day whose draw time has come. Safe to run twice, or in two workers.
 */
export async function runDueDraws(deps: DrawDeps, now: Date = deps.clock()): Promise<number> {
  await freezeClosedLists(now);
  const due = await DayPlanModel.find(
    { allocation: 'lottery', 'lottery.drawAt': { $lte: now }, 'lottery.drawnAt': null },
    { office: 1, date: 1 },
  ).lean();
  let drawn = 0;
  for (const plan of due) {
    const office = await deps.schedule.getOffice(plan.office.toString()).catch(() => null);
    if (office && (await drawDay(deps, office, plan.date, now))) drawn += 1;
  }
  return drawn;
}

/** Staff's "draw now" once the draw time has passed (when no job runner does it). */
export async function drawIfDue(
  deps: DrawDeps,
  officeId: string,
  date: string,
  now: Date = deps.clock(),
): Promise<boolean> {
  const office = await deps.schedule.getOffice(officeId);
  const settings = lotteryOf(await loadPlan(office, date));
  if (!settings) throw new AppError('not_found', 'lottery.not_lottery_day');
  if (settings.drawnAt) throw new AppError('conflict', 'lottery.already_drawn');
  if (settings.drawAt.getTime() > now.getTime()) throw new AppError('conflict', 'lottery.draw_not_due');
  return drawDay(deps, office, date, now);
}

/** Lists are frozen as soon as applications close: nothing can change them afterwards. */
async function freezeClosedLists(now: Date): Promise<void> {
  const closed = await DayPlanModel.find(
    { allocation: 'lottery', 'lottery.closesAt': { $lte: now }, 'lottery.drawnAt': null },
    { office: 1, date: 1 },
  ).lean();
  for (const plan of closed) {
    const draw = await LotteryDrawModel.findOne(
      { office: plan.office, date: plan.date, state: 'planned', listFrozenAt: null },
      { _id: 1 },
    ).lean();
    if (draw) await freezeList(draw._id, now);
  }
}

async function drawDay(deps: DrawDeps, office: OfficeRecord, date: string, now: Date): Promise<boolean> {
  const plan = await loadPlan(office, date);
  const settings = lotteryOf(plan);
  if (!plan || !settings || settings.drawAt.getTime() > now.getTime()) return false;
  const claimed = await claimDraw(office, date, now);
  if (!claimed) {
    await repairPlan(deps, office, date);
    return false;
  }
  const day = await dayContext(deps, office, claimed, settings);
  const { winners, order, list } =
    claimed.slots && claimed.winners && claimed.order
      ? { winners: claimed.winners, order: claimed.order, list: null }
      : await freeze(deps, day, claimed.seed, now);
  deps.cache.remember(claimed._id, order);
  await offerToWinners(deps, day, winners, list, now);
  // Places a winner could not take go down the line now.
  await fillDay(deps, day, now);

  const finished = await LotteryDrawModel.updateOne(
    { _id: claimed._id, state: 'drawing' },
    { $set: { state: 'drawn', drawnAt: now } },
  );
  if (finished.modifiedCount !== 1) return false;
  await DayPlanModel.updateOne({ _id: plan._id }, { $set: { 'lottery.drawnAt': now } });
  deps.schedule.invalidate(office._id.toString(), date);
  await tellTheOthers(deps, day, order, list);
  deps.events.emit({
    type: 'lottery.drawn',
    officeId: office._id.toString(),
    date,
    applications: order.length,
    winners: winners.length,
  });
  return true;
}

/** Takes the day's draw: planned, or left drawing by a worker whose lease has run out. */
function claimDraw(office: OfficeRecord, date: string, now: Date) {
  return LotteryDrawModel.findOneAndUpdate(
    {
      office: office._id,
      date,
      $or: [
        { state: 'planned' },
        { state: 'drawing', drawStartedAt: { $lt: new Date(now.getTime() - LEASE_MS) } },
      ],
    },
    { $set: { state: 'drawing', drawStartedAt: now } },
    { returnDocument: 'after' },
  )
    .select('+seed +order')
    .lean<DrawRecord>();
}

/** The winners of the draw itself, best rank first; several at a time, each on its own application. */
async function offerToWinners(
  deps: DrawDeps,
  day: DayContext,
  winners: DrawWinner[],
  list: ListEntry[] | null,
  now: Date,
): Promise<void> {
  const idOf = await applicationIds(
    day,
    list,
    winners.map((w) => w.reference),
  );
  await inPool(winners, OFFER_CONCURRENCY, async (winner) => {
    const id = idOf.get(winner.reference);
    if (id) await offer(deps, day, id, { start: winner.start, rank: winner.rank, passedOn: false }, now);
  });
}

/** Application ids by reference: from the list in hand, else (a resumed draw) from the database. */
async function applicationIds(day: DayContext, list: ListEntry[] | null, references: string[]) {
  if (list) return new Map(list.map((entry) => [entry.reference, entry.id] as const));
  const found = await LotteryApplicationModel.find(
    { draw: day.draw._id, reference: { $in: references } },
    { reference: 1 },
  ).lean();
  return new Map(found.map((a) => [a.reference, a._id] as const));
}

/**
 * Freezes what the draw is made from and its result: the slots (places neither booked nor
 * held back, in slots still to come), the list (frozen at the close), the order and winners.
 */
async function freeze(deps: DrawDeps, day: DayContext, seed: string, now: Date) {
  const planned = await deps.schedule.daySchedule(day.office, day.draw.date);
  await deps.schedule.ensureSlots(day.office, planned.slots);
  const counters = await SlotModel.find({ office: day.office._id, date: day.draw.date }).lean();
  const slots: DrawSlotSnapshot[] = counters
    .filter((slot) => slot.startsAt.getTime() > now.getTime())
    .sort((a, b) => (a.start < b.start ? -1 : 1))
    .map((slot) => ({ start: slot.start, places: Math.max(0, slot.remaining) }));
  // The frozen list; else freeze it now; else (another worker is freezing it) read it directly.
  const list =
    (await loadList(day.draw._id, day.draw.listCount)) ??
    (await freezeList(day.draw._id, now)) ??
    (await readApplications(day.draw._id));
  const drawSlots: DrawSlot[] = slots.map((slot) => ({ start: slot.start, capacity: slot.places }));
  const result = allocate(seed, list, drawSlots);
  const winners: DrawWinner[] = result.assignments
    .filter((a): a is DrawWinner => a.start !== null)
    .map((a) => ({ reference: a.reference, start: a.start, rank: a.rank }));
  await LotteryDrawModel.updateOne(
    { _id: day.draw._id, slots: { $exists: false } },
    { $set: { slots, order: result.order, winners, applicationCount: list.length } },
  );
  return { winners, order: result.order, list };
}

/** Everyone still in line after the draw is told so, with the rank they keep for later offers. */
async function tellTheOthers(deps: DrawDeps, day: DayContext, order: string[], list: ListEntry[] | null) {
  const rankOf = new Map(order.map((reference, i) => [reference, i + 1]));
  // Who left the line during the draw: a small query (the winners), not the whole list.
  const outOfLine = new Set(
    (
      await LotteryApplicationModel.find(
        { draw: day.draw._id, status: { $in: ['offered', 'excluded', 'confirmed', 'declined', 'lapsed'] } },
        { reference: 1 },
      ).lean()
    ).map((a) => a.reference),
  );
  const inLine =
    list?.filter((entry) => !outOfLine.has(entry.reference)) ??
    (
      await LotteryApplicationModel.find({ draw: day.draw._id, status: 'applied' }, { reference: 1 }).lean()
    ).map((a) => ({ id: a._id, reference: a.reference }));
  for (const application of inLine) {
    deps.events.emit({
      type: 'lottery.not_drawn',
      applicationId: application.id.toString(),
      officeId: day.office._id.toString(),
      date: day.draw.date,
      rank: rankOf.get(application.reference) ?? 0,
    });
  }
}

/** A draw finished but its day plan was not marked (the worker stopped in between). */
async function repairPlan(deps: DrawDeps, office: OfficeRecord, date: string) {
  const draw = await LotteryDrawModel.findOne(
    { office: office._id, date, state: 'drawn' },
    { drawnAt: 1 },
  ).lean();
  if (!draw?.drawnAt) return;
  await DayPlanModel.updateOne(
    { office: office._id, date, 'lottery.drawnAt': null },
    { $set: { 'lottery.drawnAt': draw.drawnAt } },
  );
  deps.schedule.invalidate(office._id.toString(), date);
}
