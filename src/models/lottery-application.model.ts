import mongoose, { type Model, Schema, type Types } from 'mongoose';
import type { Preference } from '../domain/lottery.ts';
import type { Locale } from '../i18n/locales.ts';
import { type AppointmentEvent, type Partner, partnerSchema } from './appointment.model.ts';
import { storedOnCreate, storedShapeCheck } from './stored-on-create.ts';

/**
 * applied: in the draw (after the draw and not placed: waiting in draw order for a place
 * to come back); withdrawn: taken out by the couple before applications closed; offered:
 * a place is held (an appointment exists) until `confirmBy`; confirmed: kept; lapsed: not
 * confirmed in time; declined: given back by the couple; excluded: could not be given the
 * place (e.g. a partner booked another day meanwhile).
 */
export type ApplicationStatus =
  | 'applied'
  | 'withdrawn'
  | 'offered'
  | 'confirmed'
  | 'lapsed'
  | 'declined'
  | 'excluded';

export interface LotteryApplication {
  draw: Types.ObjectId;
  office: Types.ObjectId;
  date: string;
  /** 'XXXX-XXXX', published in the list of the draw; unique within the draw. */
  reference: string;
  partners: Partner[];
  email: string;
  /** Whose phone messages go to: 0 the first partner's (unset), 1 the second's. */
  contactPartner?: number;
  language: Locale;
  preference: Preference;
  /** SHA-256 of the private status link's token. */
  tokenHash: string;
  idempotencyKey?: string;
  status: ApplicationStatus;
  /** When the couple applied, by the application's clock (createdAt is the database's). */
  appliedAt: Date;
  rank?: number;
  /** The slot offered (set with `offered`). */
  start?: string;
  offeredAt?: Date;
  confirmBy?: Date;
  /** true when the place came back from someone else, after the draw. */
  passedOn?: boolean;
  appointment?: Types.ObjectId;
  confirmedAt?: Date;
  endedAt?: Date;
  /** The place this application gave back still has to be offered on (crash-safe hand-over). */
  passOnPending?: boolean;
  excludedReason?: string;
  history: AppointmentEvent[];
  /** Set when the retention policy erased the personal data (see Appointment.erasedAt). */
  erasedAt?: Date;
  createdAt: Date;
  updatedAt: Date;
}

const lotteryApplicationSchema = new Schema<LotteryApplication>(
  {
    draw: { type: Schema.Types.ObjectId, ref: 'LotteryDraw', required: true },
    office: { type: Schema.Types.ObjectId, ref: 'Office', required: true },
    date: { type: String, required: true },
    reference: { type: String, required: true },
    partners: { type: [partnerSchema], required: true },
    email: { type: String, default: '' },
    contactPartner: { type: Number, enum: [0, 1] },
    language: { type: String, enum: ['zh-CN', 'en'], default: 'zh-CN' },
    preference: {
      kind: { type: String, enum: ['any', 'morning', 'afternoon', 'ranked'], required: true },
      starts: { type: [String], default: undefined },
    },
    tokenHash: { type: String, required: true, unique: true },
    idempotencyKey: String,
    status: {
      type: String,
      enum: ['applied', 'withdrawn', 'offered', 'confirmed', 'lapsed', 'declined', 'excluded'],
      default: 'applied',
    },
    appliedAt: { type: Date, required: true },
    rank: Number,
    start: String,
    offeredAt: Date,
    confirmBy: Date,
    passedOn: Boolean,
    appointment: { type: Schema.Types.ObjectId, ref: 'Appointment' },
    confirmedAt: Date,
    endedAt: Date,
    passOnPending: Boolean,
    excludedReason: String,
    history: {
      type: [new Schema({ at: Date, type: String, by: String, detail: Schema.Types.Mixed }, { _id: false })],
      default: [],
    },
    erasedAt: Date,
  },
  { timestamps: true },
);
lotteryApplicationSchema.index({ draw: 1, reference: 1 }, { unique: true });
lotteryApplicationSchema.index({ idempotencyKey: 1 }, { unique: true, sparse: true });
lotteryApplicationSchema.index({ draw: 1, status: 1 });
// The applications a person holds, shown when the couple books or applies elsewhere.
lotteryApplicationSchema.index({ 'partners.idFingerprint': 1, status: 1 });
lotteryApplicationSchema.index({ status: 1, confirmBy: 1 });
lotteryApplicationSchema.index({ office: 1, erasedAt: 1, date: 1 });

export const LotteryApplicationModel: Model<LotteryApplication> =
  (mongoose.models.LotteryApplication as Model<LotteryApplication>) ??
  mongoose.model<LotteryApplication>('LotteryApplication', lotteryApplicationSchema);

/** What a new application states; everything else is the schema's default. */
export type NewLotteryApplication = Pick<
  LotteryApplication,
  | 'draw'
  | 'office'
  | 'date'
  | 'reference'
  | 'partners'
  | 'email'
  | 'language'
  | 'preference'
  | 'tokenHash'
  | 'appliedAt'
  | 'history'
> & { _id: Types.ObjectId; idempotencyKey?: string; contactPartner?: number };

const checkApplication = storedShapeCheck(lotteryApplicationSchema);

/**
 * A new application exactly as Mongoose would store it (defaults, timestamps, version key),
 * built by hand so that a rush of applications is inserted in one command without building
 * a Mongoose document for each. A test keeps it equal to what the schema produces.
 */
export function newLotteryApplicationDocument(
  fields: NewLotteryApplication,
  now: Date,
): LotteryApplication & { _id: Types.ObjectId; __v: number } {
  const doc = storedOnCreate(fields, { status: 'applied' as const }, now);
  checkApplication(doc);
  return doc;
}
