// The day roster of an office: slots in order, each with its couples spread over the day's
// windows, their status, and a search by reference, partner name or phone's last 4 digits.
import { Types } from 'mongoose';
import { maskPhone } from '../../domain/masking.ts';
import { normalizeReference } from '../../domain/reference-code.ts';
import type { DaySchedule, LocalDate, PlannedSlot } from '../../domain/schedule-types.ts';
import { AppointmentModel, type AppointmentStatus } from '../../models/appointment.model.ts';
import { DayPlanModel, type DayPlanRecord } from '../../models/day-plan.model.ts';
import { SlotModel } from '../../models/slot.model.ts';
import type { AppointmentRecord, Channel } from '../booking/booking-service.ts';
import { notFound } from '../errors.ts';
import type { OfficeRecord, SlotRecord } from '../schedule-service.ts';
import { listWindows, planFields } from './capacity-sync.ts';
import { assignWindows, type DayWindow, effectiveSchedule, windowsOnDay } from './effective-schedule.ts';

export interface RosterEntry {
  id: string;
  reference: string;
  start: string;
  end: string;
  /** When the slot is over: from then on a couple who never came may be marked a no-show. */
  endsAt: Date;
  status: AppointmentStatus;
  channel: Channel;
  overbooked: boolean;
  closed: boolean;
  partners: { name: string; idMasked: string; phoneMasked: string; phoneLast4: string }[];
  /** The retention policy erased the couple's personal data (names and phones are empty). */
  erased: boolean;
  /** Index into the roster's windows, or -1 when the day has none. */
  window: number;
  arrivedAt?: Date | undefined;
  servedAt?: Date | undefined;
  noShowAt?: Date | undefined;
  cancelledAt?: Date | undefined;
  createdAt: Date;
}

export interface RosterSlot {
  start: string;
  end: string;
  startsAt: Date;
  capacity: number;
  booked: number;
  remaining: number;
  flagged: boolean;
  /** The slot is no longer in the plan (its bookings are kept and flagged). */
  dropped: boolean;
  entries: RosterEntry[];
}

export interface Roster {
  date: LocalDate;
  schedule: DaySchedule;
  windows: DayWindow[];
  slots: RosterSlot[];
  counts: Record<AppointmentStatus, number>;
  query: string;
  matched: number;
}

const STATUSES: AppointmentStatus[] = ['booked', 'arrived', 'served', 'no_show', 'cancelled'];

/** How the search box reads a query: 4 digits are a phone's end, a valid code a reference, else a name. */
export function matcher(query: string): ((a: AppointmentRecord) => boolean) | null {
  const q = query.trim();
  if (!q) return null;
  if (/^\d{4}$/.test(q)) return (a) => a.partners.some((p) => p.phoneLast4 === q);
  const reference = normalizeReference(q);
  const name = q.normalize('NFKC').toLowerCase();
  return (a) =>
    (reference !== null && a.reference === reference) ||
    a.partners.some((p) => p.name.normalize('NFKC').toLowerCase().includes(name));
}

export async function day(office: OfficeRecord, date: LocalDate, query = ''): Promise<Roster> {
  const [planRecord, counters, windows, appointments] = await Promise.all([
    DayPlanModel.findOne({ office: office._id, date }).lean<DayPlanRecord>(),
    SlotModel.find({ office: office._id, date }).lean<SlotRecord[]>(),
    listWindows(office),
    AppointmentModel.find({ office: office._id, date })
      .sort({ start: 1, createdAt: 1, _id: 1 })
      .lean<AppointmentRecord[]>(),
  ]);
  const plan = planFields(planRecord);
  const planned = effectiveSchedule(date, office.timezone, office.weeklyTemplate, plan, windows);
  const dayWindows = windowsOnDay(date, office.weeklyTemplate, plan, windows);
  const counterByStart = new Map(counters.map((c) => [c.start, c]));
  const starts = new Set([...planned.slots.map((s) => s.start), ...counters.map((c) => c.start)]);
  for (const a of appointments) starts.add(a.start);
  const match = matcher(query);
  const counts = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<AppointmentStatus, number>;
  for (const a of appointments) counts[a.status] += 1;
  const slots = [...starts].sort().map((start) =>
    rosterSlot({
      start,
      planned: planned.slots.find((s) => s.start === start),
      counter: counterByStart.get(start),
      inSlot: appointments.filter((a) => a.start === start),
      windows: dayWindows,
      match,
    }),
  );
  const matched = slots.reduce((n, s) => n + s.entries.length, 0);
  return {
    date,
    schedule: planned,
    windows: dayWindows,
    slots: query ? slots.filter((s) => s.entries.length > 0) : slots,
    counts,
    query,
    matched,
  };
}

/** One slot of the roster: its places, and its couples by window (cancelled ones last, at none). */
function rosterSlot(s: {
  start: string;
  planned: PlannedSlot | undefined;
  counter: SlotRecord | undefined;
  inSlot: AppointmentRecord[];
  windows: DayWindow[];
  match: ((a: AppointmentRecord) => boolean) | null;
}): RosterSlot {
  const { start, planned, counter, inSlot, match } = s;
  // Cancelled couples take no turn at a window; they are listed last.
  const placed = assignWindows(
    inSlot.filter((a) => a.status !== 'cancelled'),
    s.windows,
  );
  const entries = [
    ...placed.map((p) => rosterEntry(p.appointment, p.window)),
    ...inSlot.filter((a) => a.status === 'cancelled').map((a) => rosterEntry(a, -1)),
  ].filter((e) => !match || match(inSlot.find((x) => x._id.toString() === e.id)!));
  const capacity = counter?.capacity ?? planned?.capacity ?? 0;
  return {
    start,
    end: counter?.end ?? planned?.end ?? inSlot[0]?.end ?? start,
    startsAt: counter?.startsAt ?? planned?.startsAt ?? inSlot[0]?.startsAt ?? new Date(0),
    capacity,
    booked: counter?.booked ?? 0,
    remaining: counter ? counter.remaining : capacity,
    flagged: counter?.flagged ?? false,
    dropped: !planned,
    entries,
  };
}

function rosterEntry(a: AppointmentRecord, window: number): RosterEntry {
  return {
    id: a._id.toString(),
    reference: a.reference,
    start: a.start,
    end: a.end,
    endsAt: a.endsAt,
    status: a.status,
    channel: a.channel,
    overbooked: a.overbooked,
    closed: a.closure?.date === a.date,
    partners: a.partners.map((p) => ({
      name: p.name,
      idMasked: p.idMasked,
      phoneMasked: maskPhone(p.phone),
      phoneLast4: p.phoneLast4,
    })),
    erased: Boolean(a.erasedAt),
    window,
    arrivedAt: a.arrivedAt,
    servedAt: a.servedAt,
    noShowAt: a.noShowAt,
    cancelledAt: a.cancelledAt,
    createdAt: a.createdAt,
  };
}

/** One appointment with its office, for the appointment page and the day-operation buttons. */
export async function appointment(id: string): Promise<AppointmentRecord> {
  if (!Types.ObjectId.isValid(id)) throw notFound('booking.not_found');
  const found = await AppointmentModel.findById(id).lean<AppointmentRecord>();
  if (!found) throw notFound('booking.not_found');
  return found;
}

/** Flagged slots from today on: more bookings than places, waiting for staff. */
export async function flaggedSlots(office: OfficeRecord, from: LocalDate): Promise<SlotRecord[]> {
  return SlotModel.find({ office: office._id, flagged: true, date: { $gte: from } })
    .sort({ date: 1, start: 1 })
    .limit(100)
    .lean<SlotRecord[]>();
}
