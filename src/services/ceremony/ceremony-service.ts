// Group certificate ceremonies (集体颁证仪式): sessions, seats, waitlist and roster. One
// service for the public pages, the couple's pages, the coordinators' console, the JSON API
// and the job system (expireOffers, closeDueCeremonies, reconcileSeats).
import { DateTime } from 'luxon';
import { Types } from 'mongoose';
import { addDays, isLocalDate } from '../../domain/local-time.ts';
import { CeremonyModel, type CeremonyStatus } from '../../models/ceremony.model.ts';
import { CeremonySeatModel, type LeaveReason } from '../../models/ceremony-seat.model.ts';
import type { AppointmentRecord } from '../booking/booking-service.ts';
import { AppError } from '../errors.ts';
import type { OfficeRecord } from '../schedule-service.ts';
import { createCeremonyAdmin } from './ceremony-admin.ts';
import { appointmentFacts, type CeremonyContext, ceremonyFacts } from './ceremony-context.ts';
import {
  type CeremonyRecord,
  type CeremonySummary,
  isObjectId,
  loadCeremony,
  type SeatRecord,
  summarize,
} from './ceremony-records.ts';
import { createCoordination } from './coordination.ts';
import { joinProblem, PARTICIPATING_APPOINTMENT_STATUSES } from './join-rules.ts';
import { createParticipation, problemError } from './participation.ts';
import { createReconciler } from './reconcile.ts';
import { createRoster } from './roster.ts';

export type { CeremonyInput } from './ceremony-admin.ts';
export type { CeremonySummary } from './ceremony-records.ts';
export type { JoinResult } from './participation.ts';
export type { Roster, RosterRow } from './roster.ts';

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

export function createCeremonyService(ctx: CeremonyContext) {
  const { clock, events, schedule } = ctx;
  const participation = createParticipation(ctx);
  const admin = createCeremonyAdmin(ctx, participation);
  const roster = createRoster(ctx, participation);
  const { reconcileSeats } = createReconciler(ctx, participation);
  const coordination = createCoordination(ctx, admin, roster, (id) => officeIdOf(id));

  // Cancelling or moving an appointment may break the rule for a ceremony it is in.
  const inflight = new Set<Promise<void>>();
  const track = (work: Promise<void>): Promise<void> => {
    const p = work.finally(() => inflight.delete(p));
    inflight.add(p);
    return p;
  };
  events.subscribe((event) => {
    if (event.type === 'appointment.cancelled' || event.type === 'appointment.moved')
      return track(participation.recheckAppointmentById(event.appointmentId));
    if (event.type === 'office.closed')
      return track(
        (async () => {
          for (const id of event.appointmentIds) await participation.recheckAppointmentById(id);
        })(),
      );
  });

  /** Resolves once the ceremony work started by events has finished (tests, graceful stop). */
  async function whenIdle(): Promise<void> {
    while (inflight.size) await Promise.allSettled([...inflight]);
  }

  async function summaries(
    office: OfficeRecord,
    filter: Record<string, unknown>,
  ): Promise<CeremonySummary[]> {
    const found = await CeremonyModel.find({ office: office._id, ...filter })
      .sort({ date: 1, start: 1 })
      .limit(200)
      .lean<CeremonyRecord[]>();
    const now = clock();
    return found.map((c) => summarize(c, office, now));
  }

  /** Ceremonies couples can see at an office from a date for `days` more days (0: that day only). */
  async function upcomingForOffice(office: OfficeRecord, from: string, days: number) {
    return summaries(office, {
      status: { $in: VISIBLE },
      date: { $gte: from, $lte: addDays(from, days) },
      endsAt: { $gt: clock() },
    });
  }

  /** The public API's list: every ceremony but drafts, in a range of at most 62 days. */
  async function listForOffice(officeId: string, from: string, to: string) {
    const office = await schedule.getOffice(officeId);
    if (!isLocalDate(from) || !isLocalDate(to) || to < from)
      throw new AppError('invalid', 'booking.bad_range');
    const span = DateTime.fromISO(to).diff(DateTime.fromISO(from), 'days').days;
    if (span > MAX_RANGE_DAYS) throw new AppError('invalid', 'booking.range_too_long');
    return summaries(office, { status: { $ne: 'draft' }, date: { $gte: from, $lte: to } });
  }

  async function forAppointment(appointment: AppointmentRecord): Promise<AppointmentCeremony | null> {
    // The page tells the truth even before the appointment's event has been handled.
    await participation.recheckAppointment(appointment);
    const office = await schedule.getOffice(appointment.office.toString());
    const now = clock();
    const seats = await CeremonySeatModel.find({ appointment: appointment._id })
      .sort({ updatedAt: -1 })
      .limit(5)
      .lean<SeatRecord[]>();
    const active = seats.find((s) => s.state !== 'left');
    let current: AppointmentCeremony['current'] = null;
    let left: AppointmentCeremony['left'] = null;
    if (active) {
      const c = await loadCeremony(active.ceremony);
      const standing = await participation.resultOf(active);
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
    const sameDay = participating
      ? await CeremonyModel.find({
          office: appointment.office,
          date: appointment.date,
          status: { $in: VISIBLE },
          endsAt: { $gt: now },
        })
          .sort({ start: 1 })
          .lean<CeremonyRecord[]>()
      : [];
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

  /** Where the couple stands in a ceremony now (API). */
  async function standing(appointment: Pick<AppointmentRecord, '_id'>) {
    const seat = await CeremonySeatModel.findOne({
      activeAppointment: appointment._id,
    }).lean<SeatRecord>();
    return seat ? participation.resultOf(seat) : null;
  }

  async function get(id: string): Promise<{ ceremony: CeremonyRecord; office: OfficeRecord }> {
    const ceremony = await loadCeremony(id);
    const office = await schedule.getOffice(ceremony.office.toString());
    return { ceremony, office };
  }

  /** The coordinators' list: the given offices' ceremonies from a date (all offices when null). */
  async function listForStaff(officeIds: string[] | null, from: string): Promise<StaffCeremonyRow[]> {
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
  async function officeIdOf(id: string): Promise<string> {
    if (!isObjectId(id)) return '';
    const c = await CeremonyModel.findById(new Types.ObjectId(id), { office: 1 }).lean();
    return c ? c.office.toString() : '';
  }

  /** Which of these couples hold a seat (not only an offer) in the ceremony. */
  async function seatedAmong(ceremonyId: string, appointmentIds: string[]): Promise<string[]> {
    const seated = await CeremonySeatModel.find(
      { ceremony: ceremonyId, appointment: { $in: appointmentIds }, state: 'seated' },
      { appointment: 1 },
    ).lean();
    return seated.map((seat) => seat.appointment.toString());
  }

  return {
    // couples and public pages
    upcomingForOffice,
    listForOffice,
    forAppointment,
    standing,
    join: participation.join,
    accept: participation.accept,
    leave: participation.leave,
    // coordinators
    get,
    officeIdOf,
    listForStaff,
    create: admin.create,
    update: admin.update,
    setStatus: admin.setStatus,
    cancel: admin.cancelByCoordinator,
    roster: roster.roster,
    confirm: roster.confirm,
    decline: roster.decline,
    setAttendance: roster.setAttendance,
    move: roster.move,
    sortBySlot: roster.sortBySlot,
    addByReference: roster.addByReference,
    /** The same changes made by a coordinator in the console: each one written to the audit log. */
    coordinator: coordination,
    // the job system
    expireOffers: participation.expireOffers,
    closeDueCeremonies: admin.closeDueCeremonies,
    reconcileSeats,
    seatedAmong,
    whenIdle,
  };
}

export type CeremonyService = ReturnType<typeof createCeremonyService>;
