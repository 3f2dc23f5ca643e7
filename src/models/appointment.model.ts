import mongoose, { type HydratedDocument, type Model, Schema, type Types } from 'mongoose';
import type { IdType } from '../domain/resident-id.ts';
import type { Locale } from '../i18n/locales.ts';
import { storedOnCreate, storedShapeCheck } from './stored-on-create.ts';

export type AppointmentStatus = 'booked' | 'arrived' | 'served' | 'no_show' | 'cancelled';
export const ACTIVE_STATUSES: AppointmentStatus[] = ['booked', 'arrived'];

/**
 * A partner as stored: the ID number itself is never kept in clear. `idFingerprint` (a keyed
 * hash) is what the one-booking-per-person and no-show checks need; `idMasked` is what pages show.
 */
export interface Partner {
  name: string;
  idType: IdType;
  idMasked: string;
  idFingerprint: string;
  birthDate?: string;
  sex?: 'male' | 'female';
  phone: string;
  phoneLast4: string;
}

export interface AppointmentEvent {
  at: Date;
  type: string;
  by?: string;
  detail?: Record<string, unknown>;
}

/**
 * The office closed the booked day (emergency closure). It concerns the appointment only
 * while `date` equals the appointment's date: a couple who moves keeps the record for history.
 */
export interface AppointmentClosure {
  date: string;
  at: Date;
  by: string;
  message?: { zh: string; en: string };
}

export interface Appointment {
  reference: string;
  office: Types.ObjectId;
  slot: Types.ObjectId;
  date: string;
  start: string;
  end: string;
  startsAt: Date;
  endsAt: Date;
  partners: Partner[];
  email: string;
  /** Whose phone messages go to: 0 the first partner's (unset), 1 the second's. */
  contactPartner?: number;
  language: Locale;
  status: AppointmentStatus;
  channel: 'online' | 'api' | 'staff' | 'lottery';
  manageTokenHash: string;
  idempotencyKey?: string;
  overbooked: boolean;
  arrivedAt?: Date;
  servedAt?: Date;
  noShowAt?: Date;
  /** Who recorded the arrival, service or no-show: a staff user's id, or 'system'. */
  arrivedBy?: string;
  servedBy?: string;
  noShowBy?: string;
  /** Set when the office closed the booked day (the couple is offered to move). */
  closure?: AppointmentClosure;
  cancelledAt?: Date;
  cancelledBy?: 'couple' | 'staff' | 'system';
  cancelReason?: string;
  /** Set once reminders and messages are scheduled; the catch-up sweep looks for those without. */
  jobsScheduledAt?: Date;
  history: AppointmentEvent[];
  /**
   * Set when the retention policy erased the personal data (names, ID fingerprints, phones,
   * e-mail, free text): pages say so instead of showing blanks; what statistics need stays.
   */
  erasedAt?: Date;
  createdAt: Date;
  updatedAt: Date;
}

/** Shared with lottery applications, which hold the same two partners before a draw. */
export const partnerSchema = new Schema<Partner>(
  {
    name: { type: String, required: true },
    idType: { type: String, required: true },
    idMasked: { type: String, required: true },
    idFingerprint: { type: String, required: true },
    birthDate: String,
    sex: { type: String, enum: ['male', 'female'] },
    phone: { type: String, required: true },
    phoneLast4: { type: String, required: true },
  },
  { _id: false },
);

const appointmentSchema = new Schema<Appointment>(
  {
    reference: { type: String, required: true, unique: true },
    office: { type: Schema.Types.ObjectId, ref: 'Office', required: true },
    slot: { type: Schema.Types.ObjectId, ref: 'Slot', required: true },
    date: { type: String, required: true },
    start: { type: String, required: true },
    end: { type: String, required: true },
    startsAt: { type: Date, required: true },
    endsAt: { type: Date, required: true },
    partners: { type: [partnerSchema], required: true },
    email: { type: String, default: '' },
    contactPartner: { type: Number, enum: [0, 1] },
    language: { type: String, enum: ['zh-CN', 'en'], default: 'zh-CN' },
    status: {
      type: String,
      enum: ['booked', 'arrived', 'served', 'no_show', 'cancelled'],
      default: 'booked',
    },
    channel: { type: String, enum: ['online', 'api', 'staff', 'lottery'], default: 'online' },
    manageTokenHash: { type: String, required: true, unique: true },
    idempotencyKey: { type: String },
    overbooked: { type: Boolean, default: false },
    arrivedAt: Date,
    servedAt: Date,
    noShowAt: Date,
    arrivedBy: String,
    servedBy: String,
    noShowBy: String,
    closure: {
      type: new Schema(
        {
          date: String,
          at: Date,
          by: String,
          message: { type: new Schema({ zh: String, en: String }, { _id: false }) },
        },
        { _id: false },
      ),
      default: undefined,
    },
    cancelledAt: Date,
    cancelledBy: { type: String, enum: ['couple', 'staff', 'system'] },
    cancelReason: String,
    jobsScheduledAt: Date,
    history: {
      type: [new Schema({ at: Date, type: String, by: String, detail: Schema.Types.Mixed }, { _id: false })],
      default: [],
    },
    erasedAt: Date,
  },
  { timestamps: true },
);
appointmentSchema.index({ idempotencyKey: 1 }, { unique: true, sparse: true });
appointmentSchema.index({ office: 1, date: 1, start: 1 });
appointmentSchema.index({ 'partners.idFingerprint': 1 });
appointmentSchema.index({ slot: 1, status: 1 });
appointmentSchema.index({ office: 1, erasedAt: 1, date: 1 });

export type AppointmentDoc = HydratedDocument<Appointment>;
export const AppointmentModel: Model<Appointment> =
  (mongoose.models.Appointment as Model<Appointment>) ??
  mongoose.model<Appointment>('Appointment', appointmentSchema);

const checkAppointment = storedShapeCheck(appointmentSchema);

/** What a new booking states; everything else is the schema's default. */
export type NewAppointment = Pick<
  Appointment,
  | 'reference'
  | 'office'
  | 'slot'
  | 'date'
  | 'start'
  | 'end'
  | 'startsAt'
  | 'endsAt'
  | 'partners'
  | 'email'
  | 'language'
  | 'channel'
  | 'manageTokenHash'
  | 'overbooked'
  | 'history'
> & { _id: Types.ObjectId; idempotencyKey?: string; contactPartner?: number };

/**
 * A new appointment exactly as Mongoose would store it (defaults, timestamps, version key),
 * built by hand so that a rush of bookings can be inserted in one command without building a
 * Mongoose document for each. A test keeps it equal to what the schema produces.
 */
export function newAppointmentDocument(
  fields: NewAppointment,
  now: Date,
): Appointment & { _id: Types.ObjectId; __v: number } {
  const doc = storedOnCreate(fields, { status: 'booked' as const }, now);
  checkAppointment(doc);
  return doc;
}
