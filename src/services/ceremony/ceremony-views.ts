// What couples, pages and the API read of ceremonies: the sessions at an office, where a
// couple stands, the coordinators' list, one ceremony with its office.
import { DateTime } from 'luxon';
import { Types } from 'mongoose';
import { addDays, isLocalDate } from '../../domain/local-time.ts';
import { batchedFindByKeys } from '../../lib/batched-db.ts';
import { CeremonyModel, type CeremonyStatus } from '../../models/ceremony.model.ts';
import { CeremonySeatModel, type LeaveReason } from '../../models/ceremony-seat.model.ts';
import type { AppointmentRecord } from '../booking/booking-service.ts';
import { AppError } from '../errors.ts';
import type { OfficeRecord } from '../schedule-service.ts';
import { appointmentFacts, type CeremonyContext, ceremonyFacts } from './ceremony-context.ts';
import {
  type CeremonyRecord,
  type CeremonySummary,
  isObjectId,
  loadCeremony,
  type SeatRecord,
  summarize,
} from './ceremony-records.ts';
import { joinProblem, PARTICIPATING_APPOINTMENT_STATUSES } from './join-rules.ts';
import { problemError, recheckAppointment } from './participation.ts';
import { resultOf } from './seat-filling.ts';

/** What the confirmation and manage pages show about ceremonies for one appointment. */
export interface AppointmentCeremony {
  zone: string;
  /** The ceremony the couple is in, and where it stands. */
  current: {
    summary: CeremonySummary;
    state: 'seated' | 'waitlisted' | 'offered';
    position?: number;
    offerExpiresAt?: Date;
    confirmed: boolean;
  } | null;
  /** The last ceremony the couple was taken out of (or left), when it is in none. */
  left: { summary: CeremonySummary; reason: LeaveReason; at: Date } | null;
  /** The day's other ceremonies at the office, each with why the couple cannot join, if so. */
  options: {
    summary: CeremonySummary;
    problem: { key: string; params: Record<string, string | number> } | null;
  }[];
}

export interface StaffCeremonyRow {
  summary: CeremonySummary;
  office: OfficeRecord;
  seatsTaken: number;
}

/** Couples see sessions being filled; drafts are the coordinators' own, the rest is history. */
const VISIBLE: CeremonyStatus[] = ['open', 'closed'];
const MAX_RANGE_DAYS = 62;

/** Resolves once the ceremony work started by events has finished (tests, graceful stop). */

async function summaries(
  deps: CeremonyContext,
  office: OfficeRecord,
  filter: Record<string, unknown>,
): Promise<CeremonySummary[]> {
  const { clock } = deps;
  const found = await CeremonyModel.find({ office: office._id, ...filter })
    .sort({ date: 1, start: 1 })
    .limit(200)
    .lean<CeremonyRecord[]>();
  const now = clock();
  const closed = await closedDays(deps, office, new Set(found.map((c) => c.date)));
  return found.map((c) => {
    const summary = summarize(c, office, now);
    // No couple can book a closed day, so none can join: the page offers no seats there.
    return closed.has(c.date) ? { ...summary, officeClosed: true, signupOpen: false } : summary;
  });
}

async function closedDays(deps: CeremonyContext, office: OfficeRecord, dates: Set<string>) {
  const closed = new Set<string>();
  for (const date of dates) if (!(await deps.schedule.daySchedule(office, date)).open) closed.add(date);
  return closed;
}

/** Ceremonies couples can see at an office from a date for `days` more days (0: that day only). */
export async function upcomingForOffice(
  deps: CeremonyContext,
  office: OfficeRecord,
  from: string,
  days: number,
) {
  const { clock } = deps;
  return summaries(deps, office, {
    status: { $in: VISIBLE },
    date: { $gte: from, $lte: addDays(from, days) },
    endsAt: { $gt: clock() },
  });
}

/** The public API's list: every ceremony but drafts, in a range of at most 62 days. */
export async function listForOffice(deps: CeremonyContext, officeId: string, from: string, to: string) {
  const { schedule } = deps;
  const office = await schedule.getOffice(officeId);
  if (!isLocalDate(from) || !isLocalDate(to) || to < from) throw new AppError('invalid', 'booking.bad_range');
  const span = DateTime.fromISO(to).diff(DateTime.fromISO(from), 'days').days;
  if (span > MAX_RANGE_DAYS) throw new AppError('invalid', 'booking.range_too_long');
  return summaries(deps, office, { status: { $ne: 'draft' }, date: { $gte: from, $lte: to } });
}

/** The seats an appointment has or had, the latest change first. */
export type SeatsOf = (appointment: Types.ObjectId) => Promise<SeatRecord[]>;

/**
 * The seats of appointments, as SeatsOf; the pages of a rush's bookings, opened together,
 * share one query for them all.
 */
export function seatsOfAppointments(): SeatsOf {
  const read = batchedFindByKeys<SeatRecord>(
    (ids) =>
      CeremonySeatModel.find({ appointment: { $in: ids } })
        .sort({ updatedAt: -1 })
        .lean<SeatRecord[]>()
        .exec(),
    (seat) => [seat.appointment.toString()],
  );
  return (appointment) => read([appointment.toString()]);
}

export async function forAppointment(
  deps: CeremonyContext & { seatsOf: SeatsOf },
  appointment: AppointmentRecord,
): Promise<AppointmentCeremony | null> {
  const { clock, schedule } = deps;
  // The page tells the truth even before the appointment's event has been handled. One read
  // of the couple's seats (a few: one per ceremony it joined) serves the recheck and the page;
  // they are read again only when the recheck took the couple out of one.
  const readSeats = () => deps.seatsOf(appointment._id);
  let all = await readSeats();
  if (await recheckAppointment(deps, appointment, all)) all = await readSeats();
  const office = await schedule.getOffice(appointment.office.toString());
  const now = clock();
  const seats = all.slice(0, 5);
  const active = seats.find((s) => s.state !== 'left');
  let current: AppointmentCeremony['current'] = null;
  let left: AppointmentCeremony['left'] = null;
  if (active) {
    const c = await loadCeremony(active.ceremony);
    const standing = await resultOf(active);
    current = {
      summary: summarize(c, office, now),
      state: standing.status,
      ...(standing.position ? { position: standing.position } : {}),
      ...(standing.offerExpiresAt ? { offerExpiresAt: standing.offerExpiresAt } : {}),
      confirmed: active.confirmed,
    };
  } else if (seats[0]?.leftReason) {
    const c = await loadCeremony(seats[0].ceremony);
    left = { summary: summarize(c, office, now), reason: seats[0].leftReason, at: seats[0].leftAt ?? now };
  }
  const participating = PARTICIPATING_APPOINTMENT_STATUSES.includes(appointment.status);
  const sameDay = participating ? await visibleOnDay(appointment.office, appointment.date, now) : [];
  const options = sameDay
    .filter((c) => !active || !c._id.equals(active.ceremony))
    .map((c) => {
      const problem = joinProblem({
        ceremony: ceremonyFacts(c),
        appointment: appointmentFacts(appointment),
        bufferMinutes: office.ceremonyBufferMinutes,
        now,
      });
      const err = problem ? problemError(problem, c, office) : null;
      return {
        summary: summarize(c, office, now),
        problem: err ? { key: err.messageKey, params: err.params } : null,
      };
    });
  if (!current && !left && options.length === 0) return null;
  return { zone: office.timezone, current, left, options };
}

/** Reads of a day's visible ceremonies in flight, by office and date. */
const dayReading = new Map<string, Promise<CeremonyRecord[]>>();

/**
 * A day's visible ceremonies not over at `now`, in the order of the day. The booking pages of
 * a peak day ask for the same day at the same moment: a read in flight is shared (never kept
 * once answered, so nothing is staler than the read itself).
 */
function visibleOnDay(office: Types.ObjectId, date: string, now: Date): Promise<CeremonyRecord[]> {
  const key = `${office.toString()}|${date}`;
  let reading = dayReading.get(key);
  if (!reading) {
    reading = CeremonyModel.find({ office, date, status: { $in: VISIBLE } })
      .sort({ start: 1 })
      .lean<CeremonyRecord[]>()
      .exec()
      .finally(() => dayReading.delete(key));
    dayReading.set(key, reading);
  }
  return reading.then((found) => found.filter((c) => c.endsAt > now));
}

/** Where the couple stands in a ceremony now (API). */
export async function standing(appointment: Pick<AppointmentRecord, '_id'>) {
  const seat = await CeremonySeatModel.findOne({
    activeAppointment: appointment._id,
  }).lean<SeatRecord>();
  return seat ? resultOf(seat) : null;
}

export async function get(
  deps: CeremonyContext,
  id: string,
): Promise<{ ceremony: CeremonyRecord; office: OfficeRecord }> {
  const { schedule } = deps;
  const ceremony = await loadCeremony(id);
  const office = await schedule.getOffice(ceremony.office.toString());
  return { ceremony, office };
}

/** The coordinators' list: the given offices' ceremonies from a date (all offices when null). */
export async function listForStaff(
  deps: CeremonyContext,
  officeIds: string[] | null,
  from: string,
): Promise<StaffCeremonyRow[]> {
  const { clock, schedule } = deps;
  const offices = (await schedule.listOffices()).filter(
    (o) => officeIds === null || officeIds.includes(o._id.toString()),
  );
  const byId = new Map(offices.map((o) => [o._id.toString(), o]));
  const found = await CeremonyModel.find({
    office: { $in: offices.map((o) => o._id) },
    date: { $gte: from },
  })
    .sort({ date: 1, start: 1 })
    .limit(300)
    .lean<CeremonyRecord[]>();
  const now = clock();
  return found.map((c) => {
    const office = byId.get(c.office.toString())!;
    return { summary: summarize(c, office, now), office, seatsTaken: c.seatsTaken };
  });
}

/** The office a ceremony belongs to, for access checks before anything else is read. */
export async function officeIdOf(id: string): Promise<string> {
  if (!isObjectId(id)) return '';
  const c = await CeremonyModel.findById(new Types.ObjectId(id), { office: 1 }).lean();
  return c ? c.office.toString() : '';
}

/** Which of these couples hold a seat (not only an offer) in the ceremony. */
export async function seatedAmong(ceremonyId: string, appointmentIds: string[]): Promise<string[]> {
  const seated = await CeremonySeatModel.find(
    { ceremony: ceremonyId, appointment: { $in: appointmentIds }, state: 'seated' },
    { appointment: 1 },
  ).lean();
  return seated.map((seat) => seat.appointment.toString());
}
