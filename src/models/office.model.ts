import mongoose, { type HydratedDocument, type Model, Schema } from 'mongoose';
import type { BookingRules } from '../domain/booking-rules.ts';
import type { EligibilityRules } from '../domain/eligibility.ts';
import type { NoShowPolicy } from '../domain/no-show-policy.ts';
import type { Bilingual, WeekdayTemplate } from '../domain/schedule-types.ts';
import { bilingualSchema, sessionSpecSchema } from './shared.ts';

export interface CustomPeakDay {
  month: number;
  day: number;
  label: Bilingual;
}

export interface Office {
  slug: string;
  name: Bilingual;
  address: Bilingual;
  phone: string;
  timezone: string;
  documents: Bilingual[];
  bookingRules: BookingRules;
  eligibility: EligibilityRules;
  noShowPolicy: NoShowPolicy;
  ceremonyBufferMinutes: number;
  weeklyTemplate: WeekdayTemplate[];
  customPeakDays: CustomPeakDay[];
  active: boolean;
  /** Every day's booking asks for a code sent to the contact phone, unless the day's plan says otherwise. */
  requireVerifiedPhone?: boolean;
  createdAt: Date;
  updatedAt: Date;
}

const weekdaySchema = new Schema(
  {
    weekday: { type: Number, required: true, min: 1, max: 7 },
    sessions: { type: [sessionSpecSchema], default: [] },
    slotMinutes: { type: Number, required: true, min: 5 },
    windowsOpen: { type: Number, required: true, min: 0 },
    couplesPerWindow: { type: Number, required: true, min: 0 },
  },
  { _id: false },
);

const officeSchema = new Schema<Office>(
  {
    slug: { type: String, required: true, unique: true },
    name: { type: bilingualSchema, required: true },
    address: { type: bilingualSchema, required: true },
    phone: { type: String, default: '' },
    timezone: { type: String, required: true, default: 'Asia/Shanghai' },
    documents: { type: [bilingualSchema], default: [] },
    bookingRules: {
      daysAhead: { type: Number, default: 30 },
      cutoffDaysBefore: { type: Number, default: 1 },
      cutoffTime: { type: String, default: '17:00' },
      openTime: { type: String, default: '00:00' },
    },
    eligibility: {
      minAgeMale: { type: Number, default: 22 },
      minAgeFemale: { type: Number, default: 20 },
    },
    noShowPolicy: {
      maxNoShows: { type: Number, default: 3 },
      withinDays: { type: Number, default: 180 },
      blockDays: { type: Number, default: 30 },
    },
    ceremonyBufferMinutes: { type: Number, default: 30 },
    weeklyTemplate: { type: [weekdaySchema], default: [] },
    customPeakDays: {
      type: [new Schema({ month: Number, day: Number, label: bilingualSchema }, { _id: false })],
      default: [],
    },
    active: { type: Boolean, default: true },
    requireVerifiedPhone: Boolean,
  },
  { timestamps: true },
);

export type OfficeDoc = HydratedDocument<Office>;
export const OfficeModel: Model<Office> =
  (mongoose.models.Office as Model<Office>) ?? mongoose.model<Office>('Office', officeSchema);
