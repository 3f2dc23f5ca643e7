// The coordinator's roster: couples in procession order with their registration slot, the
// waitlist, and who left and why; confirm, decline, reorder, attendance, add by reference.
import { Types } from 'mongoose';
import { localDateOf } from '../../domain/local-time.ts';
import { maskPhone } from '../../domain/masking.ts';
import { normalizeReference } from '../../domain/reference-code.ts';
import { AppointmentModel, type AppointmentStatus } from '../../models/appointment.model.ts';
import { CeremonySeatModel, type LeaveReason, type SeatState } from '../../models/ceremony-seat.model.ts';
import type { AppointmentRecord } from '../booking/booking-service.ts';
import { AppError, invalid, notFound } from '../errors.ts';
import type { OfficeRecord } from '../schedule-service.ts';
import type { CeremonyContext } from './ceremony-context.ts';
import {
  type CeremonyRecord,
  type CeremonySummary,
  isObjectId,
  loadCeremony,
  type SeatRecord,
  summarize,
} from './ceremony-records.ts';
import { join } from './participation.ts';
import { type JoinResult, leaveSeat } from './seat-filling.ts';

export interface RosterRow {
  seatId: string;
  appointmentId: string;
  reference: string;
  names: string[];
  /** Masked: the roster is printed and left on a table in the hall. */
  phones: string[];
  /** The retention policy erased the couple's personal data (no names or phones left). */
  erased: boolean;
  slot: { date: string; start: string; end: string };
  appointmentStatus: AppointmentStatus | 'missing';
  state: SeatState;
  /** 1-based place in the procession (seated and offered) or on the waitlist. */
  number?: number;
  confirmed: boolean;
  attended?: boolean;
  offerExpiresAt?: Date;
  channel: string;
  joinedAt: Date;
  leftAt?: Date;
  leftReason?: LeaveReason;
}

export interface Roster {
  ceremony: CeremonyRecord;
  summary: CeremonySummary;
  office: OfficeRecord;
  procession: RosterRow[];
  waitlist: RosterRow[];
  left: RosterRow[];
  /** When the roster was read (the print view says so). */
  at: Date;
}

const byProcession = (a: SeatRecord, b: SeatRecord) =>
  (a.order ?? Number.MAX_SAFE_INTEGER) - (b.order ?? Number.MAX_SAFE_INTEGER) ||
  (a.seatedAt?.getTime() ?? 0) - (b.seatedAt?.getTime() ?? 0);

function row(seat: SeatRecord, appointment: AppointmentRecord | undefined, number?: number): RosterRow {
  return {
    seatId: seat._id.toString(),
    appointmentId: seat.appointment.toString(),
    reference: appointment?.reference ?? '',
    names: appointment?.partners.map((p) => p.name) ?? [],
    phones: appointment?.partners.map((p) => maskPhone(p.phone)) ?? [],
    erased: Boolean(appointment?.erasedAt),
    slot: appointment
      ? { date: appointment.date, start: appointment.start, end: appointment.end }
      : { date: '', start: '', end: '' },
    appointmentStatus: appointment?.status ?? 'missing',
    state: seat.state,
    ...(number ? { number } : {}),
    confirmed: seat.confirmed,
    ...(seat.attended !== undefined && seat.attended !== null ? { attended: seat.attended } : {}),
    ...(seat.offerExpiresAt ? { offerExpiresAt: seat.offerExpiresAt } : {}),
    channel: seat.channel,
    joinedAt: seat.joinedAt,
    ...(seat.leftAt ? { leftAt: seat.leftAt } : {}),
    ...(seat.leftReason ? { leftReason: seat.leftReason } : {}),
  };
}

async function procession(ceremonyId: Types.ObjectId): Promise<SeatRecord[]> {
  const seats = await CeremonySeatModel.find({
    ceremony: ceremonyId,
    state: { $in: ['seated', 'offered'] },
  }).lean<SeatRecord[]>();
  return seats.sort(byProcession);
}

export async function roster(deps: CeremonyContext, id: string): Promise<Roster> {
  const { clock, schedule } = deps;
  const ceremony = await loadCeremony(id);
  const office = await schedule.getOffice(ceremony.office.toString());
  const seats = await CeremonySeatModel.find({ ceremony: ceremony._id }).lean<SeatRecord[]>();
  const appointments = await AppointmentModel.find({
    _id: { $in: seats.map((s) => s.appointment) },
  }).lean<AppointmentRecord[]>();
  const byId = new Map(appointments.map((a) => [a._id.toString(), a]));
  const of = (s: SeatRecord) => byId.get(s.appointment.toString());
  const holding = seats.filter((s) => s.state === 'seated' || s.state === 'offered').sort(byProcession);
  const waiting = new Map(seats.filter((s) => s.state === 'waitlisted').map((s) => [s._id.toString(), s]));
  const waitlist = ceremony.waitlist
    .map((e) => waiting.get(e.seat.toString()))
    .filter((s): s is SeatRecord => Boolean(s));
  const left = seats
    .filter((s) => s.state === 'left')
    .sort((a, b) => (b.leftAt?.getTime() ?? 0) - (a.leftAt?.getTime() ?? 0))
    .slice(0, 50);
  return {
    ceremony,
    summary: summarize(ceremony, office, clock()),
    office,
    procession: holding.map((s, i) => row(s, of(s), i + 1)),
    waitlist: waitlist.map((s, i) => row(s, of(s), i + 1)),
    left: left.map((s) => row(s, of(s))),
    at: clock(),
  };
}

function seatFilter(ceremony: CeremonyRecord, seatId: string) {
  if (!isObjectId(seatId)) throw notFound('ceremony.error.seat_not_found');
  return { _id: new Types.ObjectId(seatId), ceremony: ceremony._id };
}

export async function confirm(deps: CeremonyContext, id: string, seatId: string): Promise<void> {
  const { clock } = deps;
  const c = await loadCeremony(id);
  const res = await CeremonySeatModel.updateOne(
    { ...seatFilter(c, seatId), state: { $in: ['seated', 'offered', 'waitlisted'] } },
    { $set: { confirmed: true, confirmedAt: clock() } },
  );
  if (res.matchedCount !== 1) throw notFound('ceremony.error.seat_not_found');
}

/** The coordinator takes a couple out; its seat passes to the waitlist. */
export async function decline(deps: CeremonyContext, id: string, seatId: string): Promise<void> {
  const c = await loadCeremony(id);
  const left = await leaveSeat(deps, seatFilter(c, seatId), 'declined');
  if (!left) throw notFound('ceremony.error.seat_not_found');
}

export async function setAttendance(
  deps: CeremonyContext,
  id: string,
  seatId: string,
  attended: boolean,
): Promise<void> {
  const { clock, schedule } = deps;
  const c = await loadCeremony(id);
  // Who came is known only on the day: a mark made days before would be a guess.
  const office = await schedule.getOffice(c.office.toString());
  if (localDateOf(clock(), office.timezone) !== c.date)
    throw new AppError('invalid', 'ceremony.error.attendance_not_today', { date: c.date });
  const res = await CeremonySeatModel.updateOne(
    { ...seatFilter(c, seatId), state: 'seated' },
    { $set: { attended, attendanceAt: clock() } },
  );
  if (res.matchedCount !== 1) throw notFound('ceremony.error.seat_not_found');
}

/** Writes procession numbers 1..n in the given order (only numbers that change are written). */
async function renumber(seats: SeatRecord[]): Promise<void> {
  for (const [i, s] of seats.entries()) {
    if (s.order !== i + 1) await CeremonySeatModel.updateOne({ _id: s._id }, { $set: { order: i + 1 } });
  }
}

/** Moves a couple one place up or down the procession. */
export async function move(id: string, seatId: string, direction: 'up' | 'down'): Promise<void> {
  const c = await loadCeremony(id);
  const list = await procession(c._id);
  const from = list.findIndex((s) => s._id.toString() === seatId);
  if (from < 0) throw notFound('ceremony.error.seat_not_found');
  const to = direction === 'up' ? from - 1 : from + 1;
  if (to < 0 || to >= list.length) return;
  const reordered = [...list];
  [reordered[from], reordered[to]] = [reordered[to]!, reordered[from]!];
  await renumber(reordered);
}

/** Procession in the order of the couples' registration slots (earliest registered walks first). */
export async function sortBySlot(id: string): Promise<void> {
  const c = await loadCeremony(id);
  const list = await procession(c._id);
  const appointments = await AppointmentModel.find(
    { _id: { $in: list.map((s) => s.appointment) } },
    { startsAt: 1, reference: 1 },
  ).lean();
  const key = new Map(appointments.map((a) => [a._id.toString(), a]));
  const sorted = [...list].sort((a, b) => {
    const x = key.get(a.appointment.toString());
    const y = key.get(b.appointment.toString());
    return (
      (x?.startsAt.getTime() ?? 0) - (y?.startsAt.getTime() ?? 0) ||
      (x?.reference ?? '').localeCompare(y?.reference ?? '')
    );
  });
  await renumber(sorted);
}

/** Adds a couple by its booking reference: the same rule as a couple joining, past the deadline. */
export async function addByReference(
  deps: CeremonyContext,
  id: string,
  reference: string,
  actor?: string,
): Promise<JoinResult> {
  const c = await loadCeremony(id);
  const ref = normalizeReference(reference);
  const appointment = ref
    ? await AppointmentModel.findOne({ reference: ref }).lean<AppointmentRecord>()
    : null;
  if (!appointment?.office.equals(c.office))
    throw invalid(
      { reference: { key: 'ceremony.error.reference_not_found' } },
      'ceremony.error.reference_not_found',
    );
  try {
    return await join(deps, c._id.toString(), appointment, {
      channel: 'staff',
      ...(actor ? { actor } : {}),
    });
  } catch (err) {
    // Say which couple the refusal is about, on the reference field of the form.
    if (err instanceof AppError && err.code !== 'unavailable')
      throw new AppError(err.code, err.messageKey, err.params, {
        reference: { key: err.messageKey, params: err.params },
      });
    throw err;
  }
}
