// What the booking service takes and gives, and what its parts share.
import type { Types } from 'mongoose';
import type { Locale } from '../../i18n/locales.ts';
import type { Clock, RandomBytes } from '../../lib/clock.ts';
import type { SecretKeys } from '../../lib/secret-keys.ts';
import type { Appointment, Partner } from '../../models/appointment.model.ts';
import type { AuditService } from '../audit-service.ts';
import type { EventBus } from '../events.ts';
import type { ScheduleService } from '../schedule-service.ts';
import type { PhoneCheck, PhoneCheckToSpend } from '../verification/verified-phone.ts';
import type { BookingWrites } from './booking-writes.ts';
import type { PartnerInput } from './check-partners.ts';

export type Channel = 'online' | 'api' | 'staff' | 'lottery';

export interface BookingRequest {
  officeId: string;
  date: string;
  start: string;
  partners: PartnerInput[];
  /** Optional: without one, messages go by text to the contact phone only. */
  email?: string | undefined;
  /** Whose phone messages go to: 0 the first partner's (default), 1 the second's. */
  contactPartner?: number | undefined;
  /** The code sent to the contact phone, on days that ask for a verified phone. */
  verificationCode?: string | undefined;
  language: Locale;
  idempotencyKey?: string;
  channel: Channel;
  /** Staff only: book past a full slot, after an explicit confirmation. */
  allowOverbook?: boolean;
  /** Staff only (priority channel): take a place held back in the slot's reserved pool. */
  fromReserve?: boolean;
  /**
   * Lottery winners: the partners as checked and stored when the couple applied (clear ID
   * numbers are never kept, so they cannot be checked again); `partners` is then ignored.
   */
  checkedPartners?: [Partner, Partner];
  actor?: string;
}

export type AppointmentRecord = Appointment & { _id: Types.ObjectId };

export interface BookingResult {
  appointment: AppointmentRecord;
  manageToken: string;
  /** false when an identical earlier request (same idempotency key) is answered again. */
  created: boolean;
}

export interface BookingServiceDeps extends SecretKeys {
  clock: Clock;
  random: RandomBytes;
  events: EventBus;
  schedule: ScheduleService;
  audit: AuditService;
  /** Checks a verification code, on days that ask for a verified phone; without it such days refuse. */
  checkPhone?: PhoneCheck;
  /** The same check, spending the code only once the place is taken (used when given). */
  checkPhoneToSpend?: PhoneCheckToSpend;
}

/** What the parts of the booking service share: its dependencies and the rush's batched writes. */
export interface BookingContext extends BookingServiceDeps {
  writes: BookingWrites;
}
