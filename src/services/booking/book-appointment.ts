// Booking: a place taken by a conditional update of the slot's counter (never "count, then
// insert"), both partners held, then the appointment written; every failure gives back what
// was taken. A retry with the same idempotency key is answered with the booking it made.
import { Types } from 'mongoose';
import { idFingerprint } from '../../domain/masking.ts';
import { newReferenceCode } from '../../domain/reference-code.ts';
import { isDuplicate } from '../../lib/duplicate-key.ts';
import { fingerprintSecret } from '../../lib/secret-keys.ts';
import {
  AppointmentModel,
  type NewAppointment,
  newAppointmentDocument,
  type Partner,
} from '../../models/appointment.model.ts';
import { PersonHoldModel } from '../../models/person-hold.model.ts';
import { AppError, invalid } from '../errors.ts';
import type { OfficeRecord, SlotRecord } from '../schedule-service.ts';
import {
  assertVerifiedPhone,
  checkVerifiedPhone,
  contactPhoneOf,
  requiresVerifiedPhone,
} from '../verification/verified-phone.ts';
import { assertBookable, assertNoShowPolicy } from './bookable.ts';
import type { AppointmentRecord, BookingContext, BookingRequest, BookingResult } from './booking-types.ts';
import { checkPartners } from './check-partners.ts';
import { slotFull } from './known-full.ts';
import { hashManageToken, newManageToken, storedManageToken } from './manage-token.ts';
import { clearHold, HOLD_WRITE_WITHIN_MS, settledHold } from './person-holds.ts';
import { forcePlace, noPlaceLeft, releasePlace, takeReservedPlace } from './slot-counter.ts';

/** How long a request waits for a simultaneous one with the same idempotency key to finish. */
const KEY_WAIT_MS = 2_000;
const KEY_WAIT_STEP_MS = 50;

export async function book(ctx: BookingContext, req: BookingRequest): Promise<BookingResult> {
  // The booking an earlier attempt with this key made is read while the request is checked
  // (the no-show records among what is read meanwhile: reads only, nothing written). It still
  // answers first: before any refusal of the checks, and before anything is written.
  const earlier = existingForKey(ctx, req);
  earlier.catch(() => undefined);
  let checks: Checked;
  try {
    checks = await checkRequest(ctx, req);
  } catch (err) {
    const again = await earlier;
    if (again) return again;
    throw err;
  }
  const again = await earlier;
  if (again) return again;
  const { office, checked, day, slot } = checks;
  let spendCode = async () => {};
  if ((req.channel === 'online' || req.channel === 'api') && requiresVerifiedPhone(office, day.plan)) {
    const phone = contactPhoneOf(req.checkedPartners ?? req.partners, req.contactPartner);
    if (ctx.checkPhoneToSpend)
      spendCode = await checkVerifiedPhone(ctx.checkPhoneToSpend, phone, req.verificationCode);
    else await assertVerifiedPhone(ctx.checkPhone, phone, req.verificationCode);
  }

  // No place, no booking: the couple keeps its code for the slot it picks next.
  const overbooked = await takePlace(ctx, req, slot);
  // From here on the place is ours: every failure gives it back.
  const manageToken = newManageToken(ctx.random, ctx.secret, req.idempotencyKey);
  const _id = new Types.ObjectId();
  let appointment: AppointmentRecord;
  try {
    // Spent now that the place is taken; a simultaneous booking that spent it first wins.
    await spendCode();
    appointment = await writeBooking(ctx, req, {
      _id,
      office,
      slot,
      partners: checked.partners,
      overbooked,
      manageToken,
    });
  } catch (err) {
    await undoBooking(_id, slot._id);
    ctx.writes.fullSlots.forget(slot._id);
    const winner = await retryThatWon(ctx, req, err);
    if (winner) return winner;
    throw err;
  }
  ctx.events.emit({ type: 'appointment.booked', appointmentId: _id.toString(), manageToken, appointment });
  return { appointment, manageToken, created: true };
}

type Checked = Awaited<ReturnType<typeof checkRequest>>;

/** What a booking is checked against before anything is written (reads only), in this order. */
async function checkRequest(ctx: BookingContext, req: BookingRequest) {
  const office = await ctx.schedule.getOffice(req.officeId);
  const checked = req.checkedPartners
    ? { ok: true as const, partners: req.checkedPartners }
    : checkPartners(req.partners, req.date, office.eligibility, fingerprintSecret(ctx));
  if (!checked.ok) throw invalid(checked.fields);
  const day = await ctx.schedule.daySchedule(office, req.date);
  assertBookable(ctx, office, day, req.start, req.channel);
  const slot = await ctx.schedule.slotCounter(office, req.date, req.start);
  const asksCounter = !req.fromReserve && !req.allowOverbook;
  // A slot found full a moment ago is answered at once, without the no-show query; once that
  // moment has passed, one read of its counter answers every booking asking meanwhile.
  if (asksCounter && (await ctx.writes.fullSlots.fullNow(slot._id, () => noPlaceLeft(slot._id))))
    throw await slotFull(ctx, req);
  await assertNoShowPolicy(ctx, office, checked.partners);
  // Found full by another booking while the no-show query was out: answered so before the code
  // is tried (no attempt counted, no database request for it), as it would have been a moment later.
  if (asksCounter && ctx.writes.fullSlots.isFull(slot._id)) throw await slotFull(ctx, req);
  return { office, checked: { partners: checked.partners }, day, slot };
}

/** Takes the place: true when staff booked past a full slot (overbooked). */
async function takePlace(ctx: BookingContext, req: BookingRequest, slot: SlotRecord): Promise<boolean> {
  if (req.fromReserve && req.channel === 'staff') {
    if (!(await takeReservedPlace(slot._id))) throw new AppError('slot_full', 'lottery.reserve_empty');
    return false;
  }
  if (await ctx.writes.takePlace(slot._id)) return false;
  if (!(req.channel === 'staff' && req.allowOverbook)) throw await slotFull(ctx, req);
  await forcePlace(slot._id);
  return true;
}

/**
 * Both partners are held before the appointment is written, so it is never active without its
 * holds: a process killed in between leaves only holds with nothing behind them (cleared once
 * stale) and a place taken by nobody (recounted), never a booking that lets a couple book twice.
 */
async function writeBooking(
  ctx: BookingContext,
  req: BookingRequest,
  b: {
    _id: Types.ObjectId;
    office: OfficeRecord;
    slot: SlotRecord;
    partners: Partner[];
    overbooked: boolean;
    manageToken: string;
  },
): Promise<AppointmentRecord> {
  const heldAt = Date.now();
  await holdPersons(ctx, b._id, b.partners);
  // Past this, another request may already take the holds for stale: give up instead.
  if (Date.now() - heldAt > HOLD_WRITE_WITHIN_MS) throw new AppError('unavailable', 'error.503');
  const { slot, overbooked } = b;
  return insertAppointment(ctx, {
    _id: b._id,
    office: b.office._id,
    slot: slot._id,
    date: req.date,
    start: slot.start,
    end: slot.end,
    startsAt: slot.startsAt,
    endsAt: slot.endsAt,
    partners: b.partners,
    email: (req.email ?? '').trim(),
    ...(req.contactPartner === 1 ? { contactPartner: 1 } : {}),
    language: req.language,
    channel: req.channel,
    manageTokenHash: hashManageToken(b.manageToken),
    ...(req.idempotencyKey ? { idempotencyKey: req.idempotencyKey } : {}),
    overbooked,
    history: [
      {
        at: ctx.clock(),
        type: 'booked',
        by: req.actor ?? req.channel,
        ...(overbooked ? { detail: { overbooked } } : {}),
      },
    ],
  });
}

/**
 * A simultaneous retry with the same key won the race: it holds the couple (its booking
 * written or about to be), or its booking took the key first. Its token is derived from the
 * key too, so either unique index may be the one that reports it.
 */
async function retryThatWon(
  ctx: BookingContext,
  req: BookingRequest,
  err: unknown,
): Promise<BookingResult | null> {
  const lostToRetry =
    isDuplicate(err, 'idempotencyKey') ||
    isDuplicate(err, 'manageTokenHash') ||
    (err instanceof AppError && (err.code === 'already_booked' || err.messageKey === 'booking.in_progress'));
  if (!req.idempotencyKey || !lostToRetry) return null;
  return awaitKey(ctx, req);
}

/** Records both partners as holding a booking; undoes itself if either already holds one. */
async function holdPersons(
  ctx: BookingContext,
  appointmentId: Types.ObjectId,
  partners: Partner[],
): Promise<void> {
  // Fast path: both holds at once, in one insert with other couples' holds. On a conflict
  // undo ours and take the careful path, which also clears holds left behind by
  // interrupted requests.
  const fingerprints = partners.map((p) => p.idFingerprint);
  if (await ctx.writes.holdPersons(appointmentId, fingerprints, new Date())) return;
  await PersonHoldModel.deleteMany({ _id: { $in: fingerprints }, appointment: appointmentId } as never);
  const taken: string[] = [];
  try {
    for (const p of partners) {
      await insertHold(p.idFingerprint, appointmentId);
      taken.push(p.idFingerprint);
    }
  } catch (err) {
    if (taken.length) await PersonHoldModel.deleteMany({ _id: { $in: taken }, appointment: appointmentId });
    throw err;
  }
}

async function insertHold(fingerprint: string, appointmentId: Types.ObjectId): Promise<void> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await PersonHoldModel.create({ _id: fingerprint, appointment: appointmentId });
      return;
    } catch (err) {
      if (!isDuplicate(err)) throw err;
      const held = await settledHold(fingerprint);
      if (held.state === 'active') throw new AppError('already_booked', 'booking.already_booked');
      if (held.state === 'in_progress') throw new AppError('conflict', 'booking.in_progress');
      // Left by a booking that is over or was interrupted: clear it once.
      if (held.state === 'stale') await clearHold(fingerprint, held.appointment!);
    }
  }
  throw new AppError('already_booked', 'booking.already_booked');
}

/**
 * The booking an earlier attempt with this key made. The key is chosen by the client, so it
 * is not a credential: only a request for the same two people gets the booking (and its
 * manage link) back; anyone else presenting the key gets a conflict.
 */
async function existingForKey(ctx: BookingContext, req: BookingRequest): Promise<BookingResult | null> {
  const key = req.idempotencyKey;
  if (!key) return null;
  // Shared with the other forms posted at the same moment (booking-writes.ts).
  const found = (await ctx.writes.byIdempotencyKey(key)) as AppointmentRecord | null;
  if (!found) return null;
  const asked = req.checkedPartners
    ? req.checkedPartners.map((p) => p.idFingerprint)
    : req.partners.map((p) => idFingerprint(fingerprintSecret(ctx), p.idType, p.idNumber));
  const stored = found.partners.map((p) => p.idFingerprint);
  if (asked.length !== stored.length || !asked.every((f) => stored.includes(f))) {
    throw new AppError('conflict', 'error.conflict');
  }
  const manageToken = storedManageToken(ctx, key, found.manageTokenHash);
  return { appointment: found, manageToken, created: false };
}

/** The booking a simultaneous request with the same key is writing, once it is written. */
async function awaitKey(ctx: BookingContext, req: BookingRequest): Promise<BookingResult | null> {
  for (let waited = 0; ; waited += KEY_WAIT_STEP_MS) {
    const found = await existingForKey(ctx, req);
    if (found || waited >= KEY_WAIT_MS) return found;
    await new Promise((resolve) => setTimeout(resolve, KEY_WAIT_STEP_MS));
  }
}

/**
 * Takes back a booking that failed midway, whatever of it got stored (a failed command may
 * still have written). The appointment goes first: once it is gone nothing active is left,
 * so an interruption after that strands only a place (recounted) and holds (cleared once
 * stale). If it cannot be removed (the database is away) nothing else is touched: it may
 * exist, with its place and its holds, and a retry with the same key finds it.
 */
async function undoBooking(_id: Types.ObjectId, slotId: Types.ObjectId): Promise<void> {
  // Known to be away: waiting for it would only make the couple wait longer for their 503.
  if (AppointmentModel.db.readyState !== 1) return;
  try {
    await AppointmentModel.deleteOne({ _id });
    await releasePlace(slotId);
    await PersonHoldModel.deleteMany({ appointment: _id });
  } catch {
    // Left to the recount of the counters and to the stale-hold rule.
  }
}

async function insertAppointment(
  ctx: BookingContext,
  fields: Omit<NewAppointment, 'reference'>,
): Promise<AppointmentRecord> {
  for (let attempt = 0; ; attempt++) {
    // Stamped with the real time, as Mongoose's timestamps are, not the service clock.
    const doc = newAppointmentDocument({ ...fields, reference: newReferenceCode(ctx.random) }, new Date());
    try {
      await ctx.writes.insertAppointment(doc);
      return doc;
    } catch (err) {
      if (attempt < 5 && isDuplicate(err, 'reference')) continue;
      throw err;
    }
  }
}
