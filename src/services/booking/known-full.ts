// A "full" answered before anything else is done for the booking. On a peak day most requests
// ask for a slot this process has just found full (full-slots.ts); once the request is read and
// well formed, such a slot is refused here, before the partners are checked (ID numbers,
// fingerprints), before the person's attempts are counted, and without a database request (once
// the moment a slot is remembered has passed, one read of its counter answers all who ask
// meanwhile, and a slot still full is remembered again).
// The day's rules come first as they do for a booking (an office or slot that does not exist, a
// closed window, a lottery day are answered by the booking itself, in its own order), and a
// request whose idempotency key already made a booking gets that booking back, as always.
import type { SlotAlternative } from '../../domain/slot-alternatives.ts';
import { AppError } from '../errors.ts';
import type { OfficeRecord } from '../schedule-context.ts';
import { assertBookable } from './bookable.ts';
import type { BookingContext, BookingRequest } from './booking-types.ts';
import { noPlaceLeft } from './slot-counter.ts';

/** What a couple's request (the form, the API) says of the slot it asks for. */
export type KnownFullAsk = Pick<BookingRequest, 'officeId' | 'date' | 'start' | 'idempotencyKey'> & {
  channel: 'online' | 'api';
};

/** Throws `slot_full` when the slot asked for is remembered full; otherwise does nothing. */
export async function refuseKnownFull(ctx: BookingContext, req: KnownFullAsk): Promise<void> {
  // Nothing remembered (the whole day before the rush, most of the year): nothing to look up.
  if (!ctx.writes.fullSlots.any()) return;
  // Everything the answer reads kept (most of a rush): told without waiting, but for the key.
  const full = keptFull(ctx, req) ?? (await readFull(ctx, req));
  if (!full) return;
  // A retry of a booking that was made: the booking answers it (book-appointment.ts).
  if (req.idempotencyKey && (await ctx.writes.byIdempotencyKey(req.idempotencyKey))) return;
  throw full;
}

/** The "full" of a slot remembered full, its office, day and alternatives read (from the cache or not). */
async function readFull(ctx: BookingContext, req: KnownFullAsk): Promise<AppError | undefined> {
  const office = await rememberedFullSlotOffice(ctx, req);
  return office ? fullAt(ctx, office, req) : undefined;
}

/**
 * refuseKnownFull's "full", when it can be told at once: no idempotency key to look up, the
 * office, day, slot and alternatives kept, and the slot remembered within its moment (most of a
 * rush). Undefined otherwise, whatever the reason: then refuseKnownFull is asked, and says.
 */
export function knownFullNow(ctx: BookingContext, req: KnownFullAsk): AppError | undefined {
  if (req.idempotencyKey || !ctx.writes.fullSlots.any()) return undefined;
  return keptFull(ctx, req);
}

/**
 * The "full" of a slot remembered full within its moment, when the office, day, slot and
 * alternatives it reads are all kept (no promise waited for); undefined otherwise. Whether the
 * request's idempotency key made a booking is the caller's to ask.
 */
function keptFull(ctx: BookingContext, req: KnownFullAsk): AppError | undefined {
  const kept = ctx.schedule.keptSlot(req.officeId, req.date, req.start);
  if (!kept || !ctx.writes.fullSlots.remembered(kept.slot._id)) return undefined;
  try {
    assertBookable(ctx, kept.office, kept.day, req.start, req.channel);
  } catch (err) {
    if (err instanceof AppError) return undefined;
    throw err;
  }
  const alternatives = ctx.schedule.keptAlternatives(kept.office, req);
  return alternatives ? fullWith(alternatives) : undefined;
}

/** The slot's office when the slot is remembered full and the day's rules would let the channel book it now. */
async function rememberedFullSlotOffice(
  ctx: BookingContext,
  req: KnownFullAsk,
): Promise<OfficeRecord | undefined> {
  try {
    const office = await ctx.schedule.getOffice(req.officeId);
    const day = await ctx.schedule.daySchedule(office, req.date);
    assertBookable(ctx, office, day, req.start, req.channel);
    const slot = await ctx.schedule.slotCounter(office, req.date, req.start);
    const full = ctx.writes.fullSlots.fullNow(slot._id, () => noPlaceLeft(slot._id));
    // Remembered and still within its moment (most of a rush): no promise to wait for.
    return full === true || (full !== false && (await full)) ? office : undefined;
  } catch (err) {
    // Refused for another reason: the booking says so, in its own order.
    if (err instanceof AppError) return undefined;
    throw err;
  }
}

/** A full slot, with the nearest open slots of that day and the next open days to offer instead. */
export async function slotFull(
  ctx: BookingContext,
  req: Pick<BookingRequest, 'officeId' | 'date' | 'start'>,
): Promise<AppError> {
  return fullAt(ctx, await ctx.schedule.getOffice(req.officeId), req);
}

async function fullAt(ctx: BookingContext, office: OfficeRecord, wanted: { date: string; start: string }) {
  return fullWith(await ctx.schedule.alternatives(office, { date: wanted.date, start: wanted.start }));
}

const fullWith = (alternatives: SlotAlternative[]) =>
  new AppError('slot_full', 'booking.slot_full', {}, {}, { alternatives });
