// How a ceremony is read and shown: the records the service hands out, the summary couples
// see (no other couple's name ever), and the payload events carry for messages.

import { Types } from 'mongoose';
import { localTimeOf } from '../../domain/local-time.ts';
import type { Bilingual } from '../../domain/schedule-types.ts';
import { type Ceremony, CeremonyModel, type CeremonyStatus } from '../../models/ceremony.model.ts';
import type { CeremonySeat } from '../../models/ceremony-seat.model.ts';
import { notFound } from '../errors.ts';
import type { CeremonyInfo } from '../events.ts';
import type { OfficeRecord } from '../schedule-service.ts';
import { latestSlotEnd } from './join-rules.ts';

export type CeremonyRecord = Ceremony & { _id: Types.ObjectId };
export type SeatRecord = CeremonySeat & { _id: Types.ObjectId };

/** What couples and the public API see of a ceremony. */
export interface CeremonySummary {
  id: string;
  officeId: string;
  date: string;
  start: string;
  end: string;
  durationMinutes: number;
  startsAt: Date;
  endsAt: Date;
  title: Bilingual;
  theme?: Bilingual;
  hall: Bilingual;
  presenter?: Bilingual;
  programme?: Bilingual;
  status: CeremonyStatus;
  seats: number;
  seatsLeft: number;
  waitlisted: number;
  signupDeadline: Date;
  /** Sign-up is open now (status open, before the deadline and the start). */
  signupOpen: boolean;
  /** A registration slot must end by this time ('HH:mm', office zone) for its couple to join. */
  latestSlotEnd: string;
  offerHours: number;
  /** Set when the office is closed that day (a session opened by override): no seats are offered. */
  officeClosed?: boolean;
}

export function isObjectId(value: string): boolean {
  return /^[a-f0-9]{24}$/i.test(value);
}

export async function loadCeremony(id: string | Types.ObjectId): Promise<CeremonyRecord> {
  const key = typeof id === 'string' ? id : id.toString();
  if (!isObjectId(key)) throw notFound('ceremony.not_found');
  const found = await CeremonyModel.findById(new Types.ObjectId(key)).lean<CeremonyRecord>();
  if (!found) throw notFound('ceremony.not_found');
  return found;
}

function endLabel(c: CeremonyRecord, zone: string): string {
  return localTimeOf(c.endsAt, zone);
}

export function summarize(c: CeremonyRecord, office: OfficeRecord, now: Date): CeremonySummary {
  return {
    id: c._id.toString(),
    officeId: c.office.toString(),
    date: c.date,
    start: c.start,
    end: endLabel(c, office.timezone),
    durationMinutes: c.durationMinutes,
    startsAt: c.startsAt,
    endsAt: c.endsAt,
    title: c.title,
    ...(c.theme?.zh ? { theme: c.theme } : {}),
    hall: c.hall,
    ...(c.presenter?.zh ? { presenter: c.presenter } : {}),
    ...(c.programme?.zh ? { programme: c.programme } : {}),
    status: c.status,
    seats: c.seats,
    seatsLeft: Math.max(0, c.seats - c.seatsTaken),
    waitlisted: c.waitlist.length,
    signupDeadline: c.signupDeadline,
    signupOpen:
      c.status === 'open' &&
      now.getTime() < c.signupDeadline.getTime() &&
      now.getTime() < c.startsAt.getTime(),
    latestSlotEnd: latestSlotEnd(c.startsAt, office.ceremonyBufferMinutes, office.timezone),
    offerHours: c.offerHours,
  };
}

/** The event payload: what a message needs, so that senders need no ceremony model. */
export function ceremonyInfo(c: CeremonyRecord): CeremonyInfo {
  return {
    officeId: c.office.toString(),
    title: { zh: c.title.zh, en: c.title.en || c.title.zh },
    date: c.date,
    start: c.start,
    hall: c.hall.zh,
    hallName: { zh: c.hall.zh, en: c.hall.en || c.hall.zh },
    startsAt: c.startsAt,
  };
}
