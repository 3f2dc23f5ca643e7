// What the benchmark stores and checks in the app's database: couples with valid and distinct
// ID numbers, an office with a peak day shaped for a scenario, and afterwards whether any
// place was oversold, whether each slot's counter equals its bookings, and how many
// confirmation messages were produced.
import { DateTime } from 'luxon';
import mongoose, { type Types } from 'mongoose';
import { PROVINCE_CODES } from '../src/domain/resident-id.ts';
import { AppointmentModel } from '../src/models/appointment.model.ts';
import { DayPlanModel } from '../src/models/day-plan.model.ts';
import { OfficeModel } from '../src/models/office.model.ts';
import { OutboxMessageModel } from '../src/models/outbox-message.model.ts';
import { SlotModel } from '../src/models/slot.model.ts';
import { residentId } from '../test/helpers/ids.ts';
import type { RequestSpec } from './http-load.ts';

export const ZONE = 'Asia/Shanghai';

export interface BenchPartner {
  name: string;
  idType: 'resident_id';
  idNumber: string;
  phone: string;
}

/** A couple with valid resident IDs, distinct for every n below 800,000. */
export function coupleFor(n: number): [BenchPartner, BenchPartner] {
  const birth = `19${80 + (n % 15)}-0${1 + (n % 9)}-1${n % 10}`;
  // A real province prefix (resident IDs of no province are refused), then four digits.
  const prefix = PROVINCE_CODES[Math.floor(n / 10_000) % PROVINCE_CODES.length];
  const region = `${prefix}${String(n % 10_000).padStart(4, '0')}`;
  const phone = (prefix: string) => `${prefix}${String(n % 1e8).padStart(8, '0')}`;
  return [
    {
      name: `新郎${n}`,
      idType: 'resident_id',
      idNumber: residentId(birth, 'male', n, region),
      phone: phone('138'),
    },
    {
      name: `新娘${n}`,
      idType: 'resident_id',
      idNumber: residentId(birth, 'female', n, region),
      phone: phone('139'),
    },
  ];
}

let serial = 0;
/** `count` couples nobody in this run has used yet (one person holds one booking at a time). */
export function freshCouples(count: number): [BenchPartner, BenchPartner][] {
  return Array.from({ length: count }, () => coupleFor(++serial));
}

/** Half-hour slot starts from `from` to `to` (exclusive), as HH:mm. */
export function halfHours(from: string, to: string): string[] {
  const minutes = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3));
  const out: string[] = [];
  for (let m = minutes(from); m < minutes(to); m += 30)
    out.push(`${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`);
  return out;
}

/** An office in Chengdu's zone open on weekdays with `sessions`, four windows of three couples. */
export function createBenchOffice(opts: {
  slug: string;
  name?: { zh: string; en: string };
  sessions: { start: string; end: string }[];
  bookingRules?: { daysAhead: number; cutoffDaysBefore: number; cutoffTime: string; openTime: string };
}) {
  return OfficeModel.create({
    slug: opts.slug,
    name: opts.name ?? { zh: '压测登记处', en: 'Bench office' },
    address: { zh: '成都', en: 'Chengdu' },
    timezone: ZONE,
    ...(opts.bookingRules ? { bookingRules: opts.bookingRules } : {}),
    weeklyTemplate: [1, 2, 3, 4, 5].map((weekday) => ({
      weekday,
      sessions: opts.sessions,
      slotMinutes: 30,
      windowsOpen: 4,
      couplesPerWindow: 3,
    })),
  });
}

export interface PeakDay {
  officeId: string;
  slug: string;
  date: string;
  starts: string[];
  places: number;
}

/**
 * An office of its own for a scenario, with a peak day five days ahead: `sessions` in
 * half-hour slots of `quota` places, bookable from `opensAt` (the plan's own opening moment)
 * or, without it, already open.
 */
export async function seedPeakDay(opts: {
  slug: string;
  sessions: { start: string; end: string }[];
  quota: number;
  opensAt?: Date;
  /** The day asks for a verified phone (a code texted to the contact phone) with each booking. */
  requireVerifiedPhone?: boolean;
}): Promise<PeakDay> {
  const date = DateTime.now().setZone(ZONE).startOf('day').plus({ days: 5 }).toISODate()!;
  const office = await createBenchOffice({
    slug: opts.slug,
    sessions: [{ start: '09:00', end: '12:00' }],
    bookingRules: { daysAhead: 30, cutoffDaysBefore: 0, cutoffTime: '00:00', openTime: '00:00' },
  });
  await DayPlanModel.create({
    office: office._id,
    date,
    kind: 'peak',
    label: { zh: '七夕', en: 'Qixi' },
    sessions: opts.sessions,
    slotMinutes: 30,
    quotaPerSlot: opts.quota,
    ...(opts.opensAt ? { bookingOpensAt: opts.opensAt } : {}),
    ...(opts.requireVerifiedPhone ? { requireVerifiedPhone: true } : {}),
  });
  const starts = opts.sessions.flatMap((s) => halfHours(s.start, s.end));
  return {
    officeId: office._id.toString(),
    slug: opts.slug,
    date,
    starts,
    places: starts.length * opts.quota,
  };
}

/** A booking of POST /api/v1/appointments: this couple, in this slot of the day. */
export function apiBooking(day: PeakDay, start: string, partners: [BenchPartner, BenchPartner]): RequestSpec {
  return {
    method: 'POST',
    path: '/api/v1/appointments',
    body: {
      officeId: day.officeId,
      date: day.date,
      start,
      partners,
      email: 'bench@example.com',
      language: 'zh-CN',
    },
  };
}

export interface Integrity {
  /** Active bookings stored for the day. */
  booked: number;
  /** Bookings beyond a slot's capacity (must be 0). */
  oversold: number;
  /** Sum over slots of |counter - bookings| (must be 0). */
  drift: number;
}

/** Counts the day's bookings per slot against each slot's capacity and counter. */
export async function integrityOf(day: PeakDay): Promise<Integrity> {
  const office = new mongoose.Types.ObjectId(day.officeId);
  const slots = await SlotModel.find({ office, date: day.date }).lean();
  const perSlot = await AppointmentModel.aggregate<{ _id: Types.ObjectId; n: number }>([
    { $match: { office, date: day.date, status: 'booked' } },
    { $group: { _id: '$slot', n: { $sum: 1 } } },
  ]);
  const active = new Map(perSlot.map((s) => [s._id.toString(), s.n]));
  let oversold = 0;
  let drift = 0;
  for (const s of slots) {
    const n = active.get(s._id.toString()) ?? 0;
    if (n > s.capacity) oversold += n - s.capacity;
    drift += Math.abs(n - s.booked);
  }
  return { booked: perSlot.reduce((n, s) => n + s.n, 0), oversold, drift };
}

/** Messages in the development outbox (the confirmations the app produced, and any other). */
export function outboxCount(): Promise<number> {
  return OutboxMessageModel.estimatedDocumentCount();
}
