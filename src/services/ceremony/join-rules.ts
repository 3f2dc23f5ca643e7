// Who may take part in a ceremony, and until when an offer holds. Pure: the clock and the
// office's buffer come in as arguments, so the edges are unit-tested without a database.

import { ceremonyEligible } from '../../domain/ceremony-rules.ts';
import { localTimeOf } from '../../domain/local-time.ts';
import type { AppointmentStatus } from '../../models/appointment.model.ts';
import type { CeremonyStatus } from '../../models/ceremony.model.ts';

export type JoinProblem =
  | 'appointment_inactive'
  | 'ceremony_not_open'
  | 'ceremony_started'
  | 'signup_closed'
  | 'other_office'
  | 'other_date'
  | 'too_late';

/** A couple registered and served at the counter keeps its place: that is the point of the day. */
export const PARTICIPATING_APPOINTMENT_STATUSES: AppointmentStatus[] = ['booked', 'arrived', 'served'];

export interface CeremonyFacts {
  office: string;
  date: string;
  startsAt: Date;
  status: CeremonyStatus;
  signupDeadline: Date;
}

export interface AppointmentFacts {
  office: string;
  date: string;
  endsAt: Date;
  status: AppointmentStatus;
}

/**
 * Why a couple may not join now, or null. Staff (a coordinator adding a couple by its
 * reference) may add to a draft or closed ceremony and past the sign-up deadline, never to a
 * cancelled or held one, and never break the registration-before-ceremony rule.
 */
export function joinProblem(input: {
  ceremony: CeremonyFacts;
  appointment: AppointmentFacts;
  bufferMinutes: number;
  now: Date;
  byStaff?: boolean;
}): JoinProblem | null {
  const { ceremony, now } = input;
  const staff = input.byStaff === true;
  const open = staff ? ['draft', 'open', 'closed'].includes(ceremony.status) : ceremony.status === 'open';
  if (!open) return 'ceremony_not_open';
  if (now.getTime() >= ceremony.startsAt.getTime()) return 'ceremony_started';
  if (!staff && now.getTime() >= ceremony.signupDeadline.getTime()) return 'signup_closed';
  return keepProblem(input);
}

/**
 * Why a couple already in a ceremony can no longer stay in it, or null: its appointment was
 * cancelled, or moved to a time, date or office that breaks the rule.
 */
export function keepProblem(input: {
  ceremony: CeremonyFacts;
  appointment: AppointmentFacts;
  bufferMinutes: number;
}): Extract<JoinProblem, 'appointment_inactive' | 'other_office' | 'other_date' | 'too_late'> | null {
  const { ceremony, appointment } = input;
  if (!PARTICIPATING_APPOINTMENT_STATUSES.includes(appointment.status)) return 'appointment_inactive';
  const rule = ceremonyEligible({
    slotEndsAt: appointment.endsAt,
    ceremonyStartsAt: ceremony.startsAt,
    bufferMinutes: input.bufferMinutes,
    sameOffice: appointment.office === ceremony.office,
    sameDate: appointment.date === ceremony.date,
  });
  return rule.ok ? null : rule.reason;
}

/** The latest time a registration slot may end for its couple to join, as 'HH:mm' in the office's zone. */
export function latestSlotEnd(ceremonyStartsAt: Date, bufferMinutes: number, zone: string): string {
  return localTimeOf(new Date(ceremonyStartsAt.getTime() - bufferMinutes * 60_000), zone);
}

/**
 * Until when a freed seat is held for the first couple on the waitlist: the ceremony's offer
 * time, but never past the start of the ceremony. null when there is no time left to offer.
 */
export function offerExpiry(now: Date, offerHours: number, ceremonyStartsAt: Date): Date | null {
  const until = Math.min(now.getTime() + offerHours * 3_600_000, ceremonyStartsAt.getTime());
  return until > now.getTime() ? new Date(until) : null;
}
