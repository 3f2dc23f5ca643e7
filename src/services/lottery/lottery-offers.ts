// Offering places of a drawn lottery day. A place is offered to an application still in line
// by claiming it (applied -> offered) and then booking its appointment through the booking
// service (channel 'lottery'), with a key derived from the application so that a retry books
// the same one. Free places go down the draw order until the day is full or no one in line
// wants them. Every step is a conditional single-document update: a job run twice, or two
// workers at once, give nobody a second place.
import { confirmDeadline, nextOffer } from '../../domain/lottery.ts';
import type { Partner } from '../../models/appointment.model.ts';
import type { LotterySettings } from '../../models/day-plan.model.ts';
import { LotteryApplicationModel } from '../../models/lottery-application.model.ts';
import { LotteryDrawModel } from '../../models/lottery-draw.model.ts';
import { SlotModel } from '../../models/slot.model.ts';
import { AppError } from '../errors.ts';
import type { OfficeRecord } from '../schedule-service.ts';
import type { DrawCache } from './draw-cache.ts';
import {
  type ApplicationRecord,
  cleanPreference,
  type DrawRecord,
  type LotteryDeps,
} from './lottery-context.ts';
import { lotteryBookingKey } from './lottery-tokens.ts';

const LINE_BATCH = 500;

export type DrawDeps = LotteryDeps & { cache: DrawCache };
export type OfferOutcome = 'offered' | 'taken' | 'excluded' | 'full';

/** A drawn (or drawing) day: its office, draw, settings and when each slot starts. */
export interface DayContext {
  office: OfficeRecord;
  draw: DrawRecord;
  settings: LotterySettings;
  slotStarts: Map<string, Date>;
}

export async function dayContext(
  deps: DrawDeps,
  office: OfficeRecord,
  draw: DrawRecord,
  settings: LotterySettings,
): Promise<DayContext> {
  const day = await deps.schedule.daySchedule(office, draw.date);
  return {
    office,
    draw,
    settings,
    slotStarts: new Map(day.slots.map((slot) => [slot.start, slot.startsAt])),
  };
}

/**
 * Offers `start` to an application still in line: claims it, then books its appointment. A
 * partner who cannot be booked any more (another booking meanwhile, the no-show rule) is
 * excluded and the place stays free for the next in line.
 */
export async function offer(
  deps: DrawDeps,
  day: DayContext,
  applicationId: ApplicationRecord['_id'],
  place: { start: string; rank: number; passedOn: boolean },
  now: Date,
): Promise<OfferOutcome> {
  const slotStartsAt = day.slotStarts.get(place.start);
  if (!slotStartsAt) return 'full';
  const confirmBy = confirmDeadline(now, day.settings.confirmHours, slotStartsAt);
  const claimed = await claim(applicationId, { ...place, confirmBy }, now);
  if (!claimed?.start) return 'taken';
  try {
    await bookOffer(deps, day, claimed);
    return 'offered';
  } catch (err) {
    // Anything but a refusal (the database away...) leaves the claim for the next sweep to finish.
    if (!(err instanceof AppError) || err.code === 'unavailable') throw err;
    if (err.code === 'slot_full') return backInLine(day, claimed, now);
    return exclude(deps, day, claimed, err.messageKey, now);
  }
}

/** applied -> offered; or an earlier run's claim it stopped before booking (finished now). */
async function claim(
  applicationId: ApplicationRecord['_id'],
  place: { start: string; rank: number; passedOn: boolean; confirmBy: Date },
  now: Date,
): Promise<ApplicationRecord | null> {
  const { start, rank, passedOn } = place;
  const claimed = await LotteryApplicationModel.findOneAndUpdate(
    { _id: applicationId, status: 'applied' },
    {
      $set: { status: 'offered', start, rank, offeredAt: now, confirmBy: place.confirmBy, passedOn },
      $push: { history: { at: now, type: 'offered', by: 'lottery', detail: { start, rank, passedOn } } },
    },
    { returnDocument: 'after' },
  ).lean<ApplicationRecord>();
  // Not in line any more: either someone else has just offered it a place, or an earlier run
  // claimed it and stopped before booking (finish that one).
  return (
    claimed ??
    LotteryApplicationModel.findOne({
      _id: applicationId,
      status: 'offered',
      appointment: null,
    }).lean<ApplicationRecord>()
  );
}

async function bookOffer(deps: DrawDeps, day: DayContext, claimed: ApplicationRecord): Promise<void> {
  const result = await deps.booking.book({
    officeId: day.office._id.toString(),
    date: day.draw.date,
    start: claimed.start!,
    partners: [],
    checkedPartners: claimed.partners as [Partner, Partner],
    email: claimed.email,
    ...(claimed.contactPartner === 1 ? { contactPartner: 1 } : {}),
    language: claimed.language,
    channel: 'lottery',
    idempotencyKey: lotteryBookingKey(claimed._id),
    actor: 'lottery',
  });
  const linked = await LotteryApplicationModel.updateOne(
    { _id: claimed._id, status: 'offered', appointment: null },
    { $set: { appointment: result.appointment._id } },
  );
  if (linked.modifiedCount !== 1) return;
  deps.events.emit({
    type: 'lottery.won',
    applicationId: claimed._id.toString(),
    appointmentId: result.appointment._id.toString(),
    officeId: day.office._id.toString(),
    date: day.draw.date,
    start: claimed.start!,
    confirmBy: claimed.confirmBy!,
    passedOn: Boolean(claimed.passedOn),
  });
}

/** The place went elsewhere meanwhile (staff, another worker): not the couple's doing, back in line. */
async function backInLine(day: DayContext, claimed: ApplicationRecord, now: Date): Promise<OfferOutcome> {
  await LotteryApplicationModel.updateOne(
    { _id: claimed._id, status: 'offered', appointment: null },
    {
      $set: { status: 'applied' },
      $unset: { start: 1, offeredAt: 1, confirmBy: 1, passedOn: 1 },
      $push: {
        history: { at: now, type: 'offer_withdrawn', by: 'lottery', detail: { start: claimed.start } },
      },
    },
  );
  await LotteryDrawModel.updateOne({ _id: day.draw._id }, { $unset: { exhaustedStarts: 1 } });
  return 'full';
}

async function exclude(
  deps: DrawDeps,
  day: DayContext,
  claimed: ApplicationRecord,
  reason: string,
  now: Date,
): Promise<OfferOutcome> {
  const excluded = await LotteryApplicationModel.updateOne(
    { _id: claimed._id, status: 'offered', appointment: null },
    {
      $set: { status: 'excluded', excludedReason: reason, endedAt: now },
      $push: { history: { at: now, type: 'excluded', by: 'lottery', detail: { reason } } },
    },
  );
  if (excluded.modifiedCount === 1) {
    deps.events.emit({
      type: 'lottery.excluded',
      applicationId: claimed._id.toString(),
      officeId: day.office._id.toString(),
      date: day.draw.date,
      reason,
    });
  }
  return 'excluded';
}

/** The best-ranked application still in line that accepts `start` (docs/lottery.md step 7). */
async function nextInLine(
  deps: DrawDeps,
  day: DayContext,
  start: string,
): Promise<{ id: ApplicationRecord['_id']; rank: number } | null> {
  const { order } = await deps.cache.order(day.draw._id);
  for (let from = 0; from < order.length; from += LINE_BATCH) {
    const references = order.slice(from, from + LINE_BATCH);
    const waiting = await LotteryApplicationModel.find(
      { draw: day.draw._id, status: 'applied', reference: { $in: references } },
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
export async function fillDay(deps: DrawDeps, day: DayContext, now: Date): Promise<number> {
  const free = await SlotModel.find({
    office: day.office._id,
    date: day.draw.date,
    remaining: { $gt: 0 },
    startsAt: { $gt: now },
  })
    .sort({ start: 1 })
    .lean();
  const exhausted = new Set(day.draw.exhaustedStarts ?? []);
  let offered = 0;
  for (const slot of free) {
    if (exhausted.has(slot.start)) continue;
    offered += await fillSlot(deps, day, slot.start, slot.remaining, now);
  }
  return offered;
}

async function fillSlot(deps: DrawDeps, day: DayContext, start: string, places: number, now: Date) {
  let offered = 0;
  while (offered < places) {
    const next = await nextInLine(deps, day, start);
    if (!next) {
      // Nobody left in line wants this slot, and no one joins the line after the draw.
      await LotteryDrawModel.updateOne({ _id: day.draw._id }, { $addToSet: { exhaustedStarts: start } });
      break;
    }
    const outcome = await offer(deps, day, next.id, { start, rank: next.rank, passedOn: true }, now);
    if (outcome === 'offered') offered += 1;
    else if (outcome === 'full') break;
  }
  return offered;
}
