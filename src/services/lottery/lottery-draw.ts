// The draw and what follows it. At the draw time a job claims the day's draw, freezes the
// slots and the order (docs/lottery.md), and offers each winner a place by booking an
// appointment through the booking service (channel 'lottery'). Places that come back (an
// offer not confirmed in time, declined, cancelled, a winner who cannot be booked, a
// reserved pool released) are offered down the draw order until the day is full or no one
// in line wants them. Every step is a conditional single-document update, so a job run
// twice, or two workers at once, give nobody a second place.
import { allocate, confirmDeadline, type DrawSlot, nextOffer } from '../../domain/lottery.ts';
import type { Partner } from '../../models/appointment.model.ts';
import { DayPlanModel, type LotterySettings } from '../../models/day-plan.model.ts';
import { LotteryApplicationModel } from '../../models/lottery-application.model.ts';
import { type DrawSlotSnapshot, type DrawWinner, LotteryDrawModel } from '../../models/lottery-draw.model.ts';
import type { ListEntry } from '../../models/lottery-list.model.ts';
import { SlotModel } from '../../models/slot.model.ts';
import { AppError } from '../errors.ts';
import type { OfficeRecord } from '../schedule-service.ts';
import type { DrawCache } from './draw-cache.ts';
import {
  type ApplicationRecord,
  cleanPreference,
  type DrawRecord,
  inPool,
  type LotteryDeps,
  lapsedEvent,
  loadPlan,
  lotteryOf,
} from './lottery-context.ts';
import { freezeList, loadList, readApplications } from './lottery-list.ts';
import { lotteryBookingKey } from './lottery-tokens.ts';

/** A draw left 'drawing' this long (its worker died) may be taken over. */
const LEASE_MS = 10 * 60_000;
/** An offer claimed but not booked after this long was interrupted: finish it. */
const STUCK_OFFER_MS = 60_000;
const OFFER_CONCURRENCY = 16;
const LINE_BATCH = 500;

type Outcome = 'offered' | 'taken' | 'excluded' | 'full';

interface DayContext {
  office: OfficeRecord;
  draw: DrawRecord;
  settings: LotterySettings;
  slotStarts: Map<string, Date>;
}

export function createLotteryDraws(deps: LotteryDeps & { cache: DrawCache }) {
  const { clock, events, schedule, booking, cache } = deps;

  async function dayContext(
    office: OfficeRecord,
    draw: DrawRecord,
    settings: LotterySettings,
  ): Promise<DayContext> {
    const day = await schedule.daySchedule(office, draw.date);
    return {
      office,
      draw,
      settings,
      slotStarts: new Map(day.slots.map((slot) => [slot.start, slot.startsAt])),
    };
  }

  /**
   * Offers `start` to an application still in line: claims it (applied -> offered), then
   * books its appointment with a key derived from the application, so a retry books the
   * same one. A partner who cannot be booked any more (another booking meanwhile, the
   * no-show rule) is excluded and the place stays free for the next in line.
   */
  async function offer(
    ctx: DayContext,
    applicationId: ApplicationRecord['_id'],
    start: string,
    rank: number,
    passedOn: boolean,
    now: Date,
  ): Promise<Outcome> {
    const slotStartsAt = ctx.slotStarts.get(start);
    if (!slotStartsAt) return 'full';
    const confirmBy = confirmDeadline(now, ctx.settings.confirmHours, slotStartsAt);
    let claimed = await LotteryApplicationModel.findOneAndUpdate(
      { _id: applicationId, status: 'applied' },
      {
        $set: { status: 'offered', start, rank, offeredAt: now, confirmBy, passedOn },
        $push: { history: { at: now, type: 'offered', by: 'lottery', detail: { start, rank, passedOn } } },
      },
      { returnDocument: 'after' },
    ).lean<ApplicationRecord>();
    // Not in line any more: either someone else has just offered it a place, or an earlier
    // run claimed it and stopped before booking (finish that one).
    claimed ??= await LotteryApplicationModel.findOne({
      _id: applicationId,
      status: 'offered',
      appointment: null,
    }).lean<ApplicationRecord>();
    if (!claimed?.start) return 'taken';

    try {
      const result = await booking.book({
        officeId: ctx.office._id.toString(),
        date: ctx.draw.date,
        start: claimed.start,
        partners: [],
        checkedPartners: claimed.partners as [Partner, Partner],
        email: claimed.email,
        language: claimed.language,
        channel: 'lottery',
        idempotencyKey: lotteryBookingKey(claimed._id),
        actor: 'lottery',
      });
      const linked = await LotteryApplicationModel.updateOne(
        { _id: claimed._id, status: 'offered', appointment: null },
        { $set: { appointment: result.appointment._id } },
      );
      if (linked.modifiedCount === 1) {
        events.emit({
          type: 'lottery.won',
          applicationId: claimed._id.toString(),
          appointmentId: result.appointment._id.toString(),
          officeId: ctx.office._id.toString(),
          date: ctx.draw.date,
          start: claimed.start,
          confirmBy: claimed.confirmBy!,
          passedOn: Boolean(claimed.passedOn),
        });
      }
      return 'offered';
    } catch (err) {
      // Anything but a refusal (the database away...) leaves the claim for the next sweep to finish.
      if (!(err instanceof AppError) || err.code === 'unavailable') throw err;
      if (err.code === 'slot_full') {
        // The place went elsewhere meanwhile (staff, another worker): not the couple's doing, back in line.
        await LotteryApplicationModel.updateOne(
          { _id: claimed._id, status: 'offered', appointment: null },
          {
            $set: { status: 'applied' },
            $unset: { start: 1, offeredAt: 1, confirmBy: 1, passedOn: 1 },
            $push: { history: { at: now, type: 'offer_withdrawn', by: 'lottery', detail: { start } } },
          },
        );
        await LotteryDrawModel.updateOne({ _id: ctx.draw._id }, { $unset: { exhaustedStarts: 1 } });
        return 'full';
      }
      const excluded = await LotteryApplicationModel.updateOne(
        { _id: claimed._id, status: 'offered', appointment: null },
        {
          $set: { status: 'excluded', excludedReason: err.messageKey, endedAt: now },
          $push: {
            history: { at: now, type: 'excluded', by: 'lottery', detail: { reason: err.messageKey } },
          },
        },
      );
      if (excluded.modifiedCount === 1) {
        events.emit({
          type: 'lottery.excluded',
          applicationId: claimed._id.toString(),
          officeId: ctx.office._id.toString(),
          date: ctx.draw.date,
          reason: err.messageKey,
        });
      }
      return 'excluded';
    }
  }

  /** The best-ranked application still in line that accepts `start` (docs/lottery.md step 7). */
  async function nextInLine(
    ctx: DayContext,
    start: string,
  ): Promise<{ id: ApplicationRecord['_id']; rank: number } | null> {
    const { order } = await cache.order(ctx.draw._id);
    for (let from = 0; from < order.length; from += LINE_BATCH) {
      const references = order.slice(from, from + LINE_BATCH);
      const waiting = await LotteryApplicationModel.find(
        { draw: ctx.draw._id, status: 'applied', reference: { $in: references } },
        { reference: 1, preference: 1 },
      ).lean<ApplicationRecord[]>();
      if (waiting.length === 0) continue;
      const rankOf = new Map(references.map((reference, i) => [reference, from + i + 1]));
      const applications = waiting.map((a) => ({
        reference: a.reference,
        preference: cleanPreference(a.preference),
      }));
      const assignments = waiting.map((a) => ({
        reference: a.reference,
        start: null,
        rank: rankOf.get(a.reference)!,
      }));
      const reference = nextOffer(applications, assignments, start, new Set());
      if (reference) {
        const found = waiting.find((a) => a.reference === reference)!;
        return { id: found._id, rank: rankOf.get(reference)! };
      }
    }
    return null;
  }

  /** Offers every free place of a drawn day down the line; returns how many were offered. */
  async function fillDay(ctx: DayContext, now: Date): Promise<number> {
    const free = await SlotModel.find({
      office: ctx.office._id,
      date: ctx.draw.date,
      remaining: { $gt: 0 },
      startsAt: { $gt: now },
    })
      .sort({ start: 1 })
      .lean();
    const exhausted = new Set(ctx.draw.exhaustedStarts ?? []);
    let offered = 0;
    for (const slot of free) {
      if (exhausted.has(slot.start)) continue;
      let left = slot.remaining;
      while (left > 0) {
        const next = await nextInLine(ctx, slot.start);
        if (!next) {
          // Nobody left in line wants this slot, and no one joins the line after the draw.
          await LotteryDrawModel.updateOne(
            { _id: ctx.draw._id },
            { $addToSet: { exhaustedStarts: slot.start } },
          );
          break;
        }
        const outcome = await offer(ctx, next.id, slot.start, next.rank, true, now);
        if (outcome === 'offered') {
          left -= 1;
          offered += 1;
        } else if (outcome === 'full') break;
      }
    }
    return offered;
  }

  /**
   * Freezes the list of every lottery whose applications have closed, then draws every
   * lottery day whose draw time has come. Safe to run twice, or in two workers.
   */
  async function runDueDraws(now: Date = clock()): Promise<number> {
    await freezeClosedLists(now);
    const due = await DayPlanModel.find(
      { allocation: 'lottery', 'lottery.drawAt': { $lte: now }, 'lottery.drawnAt': null },
      { office: 1, date: 1 },
    ).lean();
    let drawn = 0;
    for (const plan of due) {
      const office = await schedule.getOffice(plan.office.toString()).catch(() => null);
      if (office && (await drawDay(office, plan.date, now))) drawn += 1;
    }
    return drawn;
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

  async function drawDay(office: OfficeRecord, date: string, now: Date): Promise<boolean> {
    const plan = await loadPlan(office, date);
    const settings = lotteryOf(plan);
    if (!plan || !settings || settings.drawAt.getTime() > now.getTime()) return false;
    const claimed = await LotteryDrawModel.findOneAndUpdate(
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
    if (!claimed) {
      await repairPlan(office, date);
      return false;
    }

    const ctx = await dayContext(office, claimed, settings);
    let winners = claimed.winners;
    let order = claimed.order;
    let list: ListEntry[] | null = null;
    if (!claimed.slots || !winners || !order) {
      const frozen = await freeze(ctx, claimed.seed, now);
      ({ winners, order, list } = frozen);
    }
    cache.remember(claimed._id, order);

    // The winners of the draw itself, best rank first; several at a time, each on its own application.
    const idOf = await applicationIds(
      ctx,
      list,
      winners.map((w) => w.reference),
    );
    await inPool(winners, OFFER_CONCURRENCY, async (winner) => {
      const id = idOf.get(winner.reference);
      if (id) await offer(ctx, id, winner.start, winner.rank, false, now);
    });
    // Places a winner could not take go down the line now.
    await fillDay(ctx, now);

    const finished = await LotteryDrawModel.updateOne(
      { _id: claimed._id, state: 'drawing' },
      { $set: { state: 'drawn', drawnAt: now } },
    );
    if (finished.modifiedCount !== 1) return false;
    await DayPlanModel.updateOne({ _id: plan._id }, { $set: { 'lottery.drawnAt': now } });
    schedule.invalidate(office._id.toString(), date);
    await tellTheOthers(ctx, order, list);
    events.emit({
      type: 'lottery.drawn',
      officeId: office._id.toString(),
      date,
      applications: order.length,
      winners: winners.length,
    });
    return true;
  }

  /** Application ids by reference: from the list in hand, else (a resumed draw) from the database. */
  async function applicationIds(ctx: DayContext, list: ListEntry[] | null, references: string[]) {
    if (list) return new Map(list.map((entry) => [entry.reference, entry.id] as const));
    const found = await LotteryApplicationModel.find(
      { draw: ctx.draw._id, reference: { $in: references } },
      { reference: 1 },
    ).lean();
    return new Map(found.map((a) => [a.reference, a._id] as const));
  }

  /**
   * Freezes what the draw is made from and its result: the slots (places neither booked nor
   * held back, in slots still to come), the list (frozen at the close), the order and winners.
   */
  async function freeze(ctx: DayContext, seed: string, now: Date) {
    const day = await schedule.daySchedule(ctx.office, ctx.draw.date);
    await schedule.ensureSlots(ctx.office, day.slots);
    const counters = await SlotModel.find({ office: ctx.office._id, date: ctx.draw.date }).lean();
    const slots: DrawSlotSnapshot[] = counters
      .filter((slot) => slot.startsAt.getTime() > now.getTime())
      .sort((a, b) => (a.start < b.start ? -1 : 1))
      .map((slot) => ({ start: slot.start, places: Math.max(0, slot.remaining) }));
    // The frozen list; else freeze it now; else (another worker is freezing it) read it directly.
    const list =
      (await loadList(ctx.draw._id, ctx.draw.listCount)) ??
      (await freezeList(ctx.draw._id, now)) ??
      (await readApplications(ctx.draw._id));
    const drawSlots: DrawSlot[] = slots.map((slot) => ({ start: slot.start, capacity: slot.places }));
    const result = allocate(seed, list, drawSlots);
    const winners: DrawWinner[] = result.assignments
      .filter((a): a is DrawWinner => a.start !== null)
      .map((a) => ({ reference: a.reference, start: a.start, rank: a.rank }));
    await LotteryDrawModel.updateOne(
      { _id: ctx.draw._id, slots: { $exists: false } },
      { $set: { slots, order: result.order, winners, applicationCount: list.length } },
    );
    return { winners, order: result.order, list };
  }

  /** Everyone still in line after the draw is told so, with the rank they keep for later offers. */
  async function tellTheOthers(ctx: DayContext, order: string[], list: ListEntry[] | null) {
    const rankOf = new Map(order.map((reference, i) => [reference, i + 1]));
    // Who left the line during the draw: a small query (the winners), not the whole list.
    const outOfLine = new Set(
      (
        await LotteryApplicationModel.find(
          { draw: ctx.draw._id, status: { $in: ['offered', 'excluded', 'confirmed', 'declined', 'lapsed'] } },
          { reference: 1 },
        ).lean()
      ).map((a) => a.reference),
    );
    const inLine =
      list?.filter((entry) => !outOfLine.has(entry.reference)) ??
      (
        await LotteryApplicationModel.find({ draw: ctx.draw._id, status: 'applied' }, { reference: 1 }).lean()
      ).map((a) => ({ id: a._id, reference: a.reference }));
    for (const application of inLine) {
      events.emit({
        type: 'lottery.not_drawn',
        applicationId: application.id.toString(),
        officeId: ctx.office._id.toString(),
        date: ctx.draw.date,
        rank: rankOf.get(application.reference) ?? 0,
      });
    }
  }

  /** A draw finished but its day plan was not marked (the worker stopped in between). */
  async function repairPlan(office: OfficeRecord, date: string) {
    const draw = await LotteryDrawModel.findOne(
      { office: office._id, date, state: 'drawn' },
      { drawnAt: 1 },
    ).lean();
    if (draw?.drawnAt) {
      await DayPlanModel.updateOne(
        { office: office._id, date, 'lottery.drawnAt': null },
        { $set: { 'lottery.drawnAt': draw.drawnAt } },
      );
      schedule.invalidate(office._id.toString(), date);
    }
  }

  /** Cancels an appointment the lottery made, unless it is already gone. */
  async function cancelAppointment(appointmentId: ApplicationRecord['appointment'], reason: string) {
    if (!appointmentId) return;
    try {
      await booking.cancel(appointmentId, 'system', { reason });
    } catch (err) {
      if (!(err instanceof AppError) || (err.code !== 'conflict' && err.code !== 'not_found')) throw err;
    }
  }

  /**
   * Offers not confirmed by their deadline lapse (their appointment is cancelled), then
   * every drawn day still to come has its free places offered down the line. Also finishes
   * offers a stopped worker left half-made. Safe to run twice, or in two workers.
   */
  async function expireConfirmations(now: Date = clock()): Promise<{ lapsed: number; offered: number }> {
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
      await cancelAppointment(application.appointment, 'lottery_unconfirmed');
      events.emit(lapsedEvent(application, 'unconfirmed'));
    }
    const offered = await fillDrawnDays(now);
    return { lapsed, offered };
  }

  async function fillDrawnDays(now: Date): Promise<number> {
    const since = new Date(now.getTime() - 86_400_000).toISOString().slice(0, 10);
    const plans = await DayPlanModel.find(
      { allocation: 'lottery', 'lottery.drawnAt': { $ne: null }, date: { $gte: since } },
      { office: 1, date: 1, lottery: 1, allocation: 1 },
    ).lean();
    let offered = 0;
    for (const plan of plans) {
      const settings = plan.lottery;
      const office = await schedule.getOffice(plan.office.toString()).catch(() => null);
      const draw = await LotteryDrawModel.findOne({
        office: plan.office,
        date: plan.date,
        state: 'drawn',
      }).lean<DrawRecord>();
      if (!office || !draw || !settings) continue;
      const ctx = await dayContext(office, draw, settings);
      const stuck = await LotteryApplicationModel.find(
        {
          draw: draw._id,
          status: 'offered',
          appointment: null,
          offeredAt: { $lt: new Date(now.getTime() - STUCK_OFFER_MS) },
        },
        { start: 1, rank: 1, passedOn: 1 },
      ).lean<ApplicationRecord[]>();
      for (const application of stuck)
        await offer(
          ctx,
          application._id,
          application.start!,
          application.rank ?? 0,
          Boolean(application.passedOn),
          now,
        );
      offered += await fillDay(ctx, now);
    }
    return offered;
  }

  /** Passes the free places of one drawn day down the line now (after a decline). */
  async function fillDrawnDay(office: OfficeRecord, date: string, now: Date = clock()): Promise<number> {
    const settings = lotteryOf(await loadPlan(office, date));
    const draw = await LotteryDrawModel.findOne({
      office: office._id,
      date,
      state: 'drawn',
    }).lean<DrawRecord>();
    if (!settings || !draw) return 0;
    return fillDay(await dayContext(office, draw, settings), now);
  }

  /** Staff's "draw now" once the draw time has passed (when no job runner does it). */
  async function drawIfDue(officeId: string, date: string, now: Date = clock()): Promise<boolean> {
    const office = await schedule.getOffice(officeId);
    const settings = lotteryOf(await loadPlan(office, date));
    if (!settings) throw new AppError('not_found', 'lottery.not_lottery_day');
    if (settings.drawnAt) throw new AppError('conflict', 'lottery.already_drawn');
    if (settings.drawAt.getTime() > now.getTime()) throw new AppError('conflict', 'lottery.draw_not_due');
    return drawDay(office, date, now);
  }

  return { runDueDraws, expireConfirmations, fillDrawnDay, drawIfDue, cancelAppointment };
}
