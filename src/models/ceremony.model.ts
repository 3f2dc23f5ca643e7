import mongoose, { type HydratedDocument, type Model, Schema, type Types } from 'mongoose';
import type { Bilingual } from '../domain/schedule-types.ts';
import { bilingualSchema } from './shared.ts';

export type CeremonyStatus = 'draft' | 'open' | 'closed' | 'held' | 'cancelled';
export const CEREMONY_STATUSES: CeremonyStatus[] = ['draft', 'open', 'closed', 'held', 'cancelled'];

/** One couple waiting for a seat. The array's order is the waitlist's order. */
export interface WaitlistEntry {
  appointment: Types.ObjectId;
  seat: Types.ObjectId;
  at: Date;
}

/**
 * A group certificate ceremony (集体颁证仪式) of an office on a date. `seatsTaken` counts the
 * seated couples and the seats held for a pending offer; it only moves by conditional
 * single-document updates ($expr seatsTaken < seats), so no concurrency can seat more couples
 * than `seats`. The waitlist lives on this document too, so joining it and taking its head
 * are single-document operations whose result gives an exact position.
 */
export interface Ceremony {
  office: Types.ObjectId;
  date: string;
  start: string;
  durationMinutes: number;
  startsAt: Date;
  endsAt: Date;
  title: Bilingual;
  theme?: Bilingual;
  hall: Bilingual;
  presenter?: Bilingual;
  programme?: Bilingual;
  seats: number;
  seatsTaken: number;
  minCouples: number;
  signupDeadline: Date;
  /** How long a couple offered a freed seat has to accept it. */
  offerHours: number;
  status: CeremonyStatus;
  waitlist: WaitlistEntry[];
  /** Hands out procession numbers; never reused, so concurrent seatings never share one. */
  orderSeq: number;
  cancelledAt?: Date;
  cancelReason?: 'cancelled' | 'below_minimum';
  createdBy?: string;
  updatedBy?: string;
  createdAt: Date;
  updatedAt: Date;
}

const ceremonySchema = new Schema<Ceremony>(
  {
    office: { type: Schema.Types.ObjectId, ref: 'Office', required: true },
    date: { type: String, required: true },
    start: { type: String, required: true },
    durationMinutes: { type: Number, required: true, min: 5 },
    startsAt: { type: Date, required: true },
    endsAt: { type: Date, required: true },
    title: { type: bilingualSchema, required: true },
    theme: { type: bilingualSchema },
    hall: { type: bilingualSchema, required: true },
    presenter: { type: bilingualSchema },
    programme: { type: bilingualSchema },
    seats: { type: Number, required: true, min: 1 },
    seatsTaken: { type: Number, required: true, default: 0 },
    minCouples: { type: Number, required: true, default: 1, min: 0 },
    signupDeadline: { type: Date, required: true },
    offerHours: { type: Number, required: true, default: 24, min: 1 },
    status: { type: String, enum: CEREMONY_STATUSES, default: 'draft' },
    waitlist: {
      type: [
        new Schema(
          {
            appointment: { type: Schema.Types.ObjectId, required: true },
            seat: { type: Schema.Types.ObjectId, required: true },
            at: { type: Date, required: true },
          },
          { _id: false },
        ),
      ],
      default: [],
    },
    orderSeq: { type: Number, required: true, default: 0 },
    cancelledAt: Date,
    cancelReason: { type: String, enum: ['cancelled', 'below_minimum'] },
    createdBy: String,
    updatedBy: String,
  },
  { timestamps: true },
);
ceremonySchema.index({ office: 1, date: 1, start: 1 });
ceremonySchema.index({ status: 1, signupDeadline: 1 });

export type CeremonyDoc = HydratedDocument<Ceremony>;
export const CeremonyModel: Model<Ceremony> =
  (mongoose.models.Ceremony as Model<Ceremony>) ?? mongoose.model<Ceremony>('Ceremony', ceremonySchema);
