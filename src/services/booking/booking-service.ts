// The couple's use cases: book, find, cancel and move an appointment. The same code serves
// the web form, the JSON API, staff walk-ins and lottery winners; its parts are
// book-appointment.ts, change-appointment.ts and bookable.ts (the rules, checked once).
import { Types } from 'mongoose';
import { normalizeReference } from '../../domain/reference-code.ts';
import type { Locale } from '../../i18n/locales.ts';
import { batchedFindByKeys } from '../../lib/batched-db.ts';
import { appointmentIcs } from '../../mail/calendar-file.ts';
import { AppointmentModel } from '../../models/appointment.model.ts';
import { heldSeat, keepsSeat } from '../ceremony/held-seat.ts';
import { bound } from '../context.ts';
import { notFound } from '../errors.ts';
import { book } from './book-appointment.ts';
import { assertNoShowPolicy } from './bookable.ts';
import type {
  AppointmentRecord,
  BookingContext,
  BookingRequest,
  BookingResult,
  BookingServiceDeps,
} from './booking-types.ts';
import { createBookingWrites } from './booking-writes.ts';
import { cancel, move } from './change-appointment.ts';
import { knownFullNow, refuseKnownFull } from './known-full.ts';
import { hashManageToken, looksLikeManageToken } from './manage-token.ts';

export type {
  AppointmentRecord,
  BookingRequest,
  BookingResult,
  BookingServiceDeps,
  Channel,
} from './booking-types.ts';

/** What may free a place: the slots remembered full are forgotten (full-slots.ts). */
const FREES_PLACES = new Set([
  'appointment.cancelled',
  'appointment.moved',
  'capacity.changed',
  'office.reopened',
]);

export function createBookingService(deps: BookingServiceDeps) {
  const ctx: BookingContext = { ...deps, writes: createBookingWrites() };
  const findByToken = byManageToken();
  deps.events.subscribe((event) => {
    if (FREES_PLACES.has(event.type)) ctx.writes.fullSlots.forget();
  });
  return {
    book: bound(ctx, book),
    /** A slot remembered full, refused before anything else is done for a couple's booking (known-full.ts). */
    refuseKnownFull: bound(ctx, refuseKnownFull),
    /** refuseKnownFull's "full" when it can be told without waiting, else undefined (known-full.ts). */
    knownFullNow: bound(ctx, knownFullNow),
    /** False when no slot is remembered full: a request need not be read for refuseKnownFull. */
    remembersFullSlots: () => ctx.writes.fullSlots.any(),
    walkIn: bound(ctx, walkIn),
    findByToken,
    findByReference,
    findByReferenceAndToken: bound(findByToken, findByReferenceAndToken),
    cancel: bound(ctx, cancel),
    move: bound(ctx, move),
    get,
    find,
    calendarFile: bound(ctx, calendarFile),
    ceremonyPlace: bound(ctx, ceremonyPlace),
    // The job system: reminders, digests, and the mark that a booking's jobs are scheduled.
    bookedAt,
    anyOn,
    markJobsScheduled: bound(ctx, markJobsScheduled),
    /** The no-show rule, also applied to lottery applications. */
    assertNoShowPolicy: bound(ctx, assertNoShowPolicy),
  };
}

export type BookingService = ReturnType<typeof createBookingService>;

type WalkIn = Omit<BookingRequest, 'channel' | 'fromReserve' | 'checkedPartners'> & { actor: string };
type CalendarOptions = { locale: Locale; uidDomain: string; manageUrl: string };

/**
 * A walk-in or phone booking taken by a member of staff at the desk: the staff channel (no
 * booking window; past a full slot when confirmed), written to the audit log.
 */
async function walkIn(ctx: BookingContext, req: WalkIn): Promise<BookingResult> {
  const result = await book(ctx, { ...req, channel: 'staff' });
  const a = result.appointment;
  if (result.created) {
    await ctx.audit.record({
      actor: req.actor,
      action: a.overbooked ? 'appointment.overbook' : 'appointment.walk_in',
      target: { kind: 'appointment', id: a._id.toString(), label: a.reference },
      after: { date: a.date, start: a.start, overbooked: a.overbooked, channel: 'staff' },
      officeId: a.office,
    });
  }
  return result;
}

/**
 * The booking a private link's token opens. The confirmation pages of a rush are opened
 * together (each right after its booking): tokens asked together share one query.
 */
function byManageToken(): (token: string) => Promise<AppointmentRecord> {
  const byHash = batchedFindByKeys<AppointmentRecord>(
    (hashes) =>
      AppointmentModel.find({ manageTokenHash: { $in: hashes } })
        .lean<AppointmentRecord[]>()
        .exec(),
    (a) => [a.manageTokenHash],
  );
  return async (token) => {
    if (!looksLikeManageToken(token)) throw notFound('booking.not_found');
    const [found] = await byHash([hashManageToken(token)]);
    if (!found) throw notFound('booking.not_found');
    return found;
  };
}

/** Reference code plus the last four digits of either partner's phone. */
async function findByReference(reference: string, phoneLast4: string): Promise<AppointmentRecord> {
  const ref = normalizeReference(reference);
  if (!ref || !/^\d{4}$/.test(phoneLast4)) throw notFound('booking.lookup_failed');
  const found = await AppointmentModel.findOne({
    reference: ref,
    'partners.phoneLast4': phoneLast4,
  }).lean<AppointmentRecord>();
  if (!found) throw notFound('booking.lookup_failed');
  return found;
}

async function findByReferenceAndToken(
  findByToken: (token: string) => Promise<AppointmentRecord>,
  reference: string,
  token: string,
): Promise<AppointmentRecord> {
  const found = await findByToken(token);
  if (found.reference !== normalizeReference(reference)) throw notFound('booking.not_found');
  return found;
}

async function get(appointmentId: Types.ObjectId | string): Promise<AppointmentRecord> {
  const found = await AppointmentModel.findById(appointmentId).lean<AppointmentRecord>();
  if (!found) throw notFound('booking.not_found');
  return found;
}

/** The booking of this id, or null (also for an id that is not one). */
async function find(appointmentId: string): Promise<AppointmentRecord | null> {
  if (!Types.ObjectId.isValid(appointmentId)) return null;
  return AppointmentModel.findById(appointmentId).lean<AppointmentRecord>();
}

/** The booking's calendar file (.ics), in the couple's language, with its manage link. */
async function calendarFile(ctx: BookingContext, appointment: AppointmentRecord, opts: CalendarOptions) {
  const office = await ctx.schedule.getOffice(appointment.office.toString());
  const held = await heldSeat(appointment._id);
  const c = held?.state === 'seated' ? held.ceremony : null;
  const ceremony = c && {
    id: c._id.toString(),
    title: c.title,
    hall: c.hall,
    startsAt: c.startsAt,
    endsAt: c.endsAt,
  };
  return appointmentIcs({ appointment, office, ceremony, ...opts });
}

/**
 * The ceremony place (seat, offer or waitlist) a booking holds, and whether a slot keeps it:
 * the move page says before the tap which slots give it up. null: no place held.
 */
async function ceremonyPlace(ctx: BookingContext, appointment: AppointmentRecord) {
  const held = await heldSeat(appointment._id);
  if (!held) return null;
  const office = await ctx.schedule.getOffice(appointment.office.toString());
  const at = { office: appointment.office.toString() };
  return {
    state: held.state,
    keeps: (date: string, endsAt: Date) =>
      keepsSeat(held, { ...at, date, endsAt }, office.ceremonyBufferMinutes),
  };
}

/** The booked appointments of an office starting at an instant, or on a day, in time order. */
function bookedAt(officeId: Types.ObjectId, when: { startsAt: Date } | { date: string }) {
  return AppointmentModel.find({ office: officeId, status: 'booked', ...when })
    .sort({ startsAt: 1, _id: 1 })
    .lean<AppointmentRecord[]>();
}

/** Whether an office has any booking on a day that is not cancelled. */
async function anyOn(officeId: Types.ObjectId, date: string): Promise<boolean> {
  return Boolean(await AppointmentModel.exists({ office: officeId, date, status: { $ne: 'cancelled' } }));
}

/**
 * Notes that a booking's reminders and confirmation are scheduled, only if it is still where
 * they were computed for (a move clears the mark, and its jobs are scheduled again).
 */
async function markJobsScheduled(
  ctx: BookingContext,
  appointment: Pick<AppointmentRecord, '_id' | 'startsAt'>,
) {
  // Marked with other bookings' in one command (a rush books hundreds at once).
  await ctx.writes.markAppointment({
    filter: { _id: appointment._id, startsAt: appointment.startsAt },
    update: { $set: { jobsScheduledAt: ctx.clock(), updatedAt: new Date() } },
  });
}
