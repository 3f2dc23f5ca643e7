import mongoose, { type HydratedDocument, type Model, Schema, type Types } from 'mongoose';

/**
 * joining: claimed, being placed (a moment) · waitlisted: waiting, in the ceremony's waitlist
 * array · offered: a freed seat is held for the couple until `offerExpiresAt` · seated ·
 * left: out of the ceremony (the document stays, so the couple can be told why).
 */
export type SeatState = 'joining' | 'waitlisted' | 'offered' | 'seated' | 'left';
export const ACTIVE_SEAT_STATES: SeatState[] = ['joining', 'waitlisted', 'offered', 'seated'];
/** States that hold one of the ceremony's `seatsTaken`. */
export const HOLDING_SEAT_STATES: SeatState[] = ['offered', 'seated'];

export type LeaveReason =
  | 'left'
  | 'appointment_cancelled'
  | 'appointment_moved'
  | 'declined'
  | 'offer_expired'
  | 'ceremony_cancelled'
  | 'below_minimum';

/**
 * One couple's place in one ceremony: one document per (ceremony, appointment), made unique
 * by an index, so a couple can never hold two places in a ceremony however often it presses
 * "join". `activeAppointment` is set only while the place is active; its sparse unique index
 * keeps a couple in at most one ceremony at a time.
 */
export interface CeremonySeat {
  ceremony: Types.ObjectId;
  appointment: Types.ObjectId;
  office: Types.ObjectId;
  date: string;
  state: SeatState;
  activeAppointment?: Types.ObjectId;
  channel: 'online' | 'api' | 'staff';
  joinedAt: Date;
  seatedAt?: Date;
  /** Procession order (1 walks first); set when the couple gets a seat. */
  order?: number;
  confirmed: boolean;
  confirmedAt?: Date;
  /** Attendance on the day: true present, false absent, unset not yet marked. */
  attended?: boolean;
  attendanceAt?: Date;
  offeredAt?: Date;
  offerExpiresAt?: Date;
  leftAt?: Date;
  leftReason?: LeaveReason;
  addedBy?: string;
  createdAt: Date;
  updatedAt: Date;
}

const ceremonySeatSchema = new Schema<CeremonySeat>(
  {
    ceremony: { type: Schema.Types.ObjectId, ref: 'Ceremony', required: true },
    appointment: { type: Schema.Types.ObjectId, ref: 'Appointment', required: true },
    office: { type: Schema.Types.ObjectId, ref: 'Office', required: true },
    date: { type: String, required: true },
    state: {
      type: String,
      enum: ['joining', 'waitlisted', 'offered', 'seated', 'left'],
      required: true,
    },
    activeAppointment: { type: Schema.Types.ObjectId },
    channel: { type: String, enum: ['online', 'api', 'staff'], default: 'online' },
    joinedAt: { type: Date, required: true },
    seatedAt: Date,
    order: Number,
    confirmed: { type: Boolean, default: false },
    confirmedAt: Date,
    attended: Boolean,
    attendanceAt: Date,
    offeredAt: Date,
    offerExpiresAt: Date,
    leftAt: Date,
    leftReason: {
      type: String,
      enum: [
        'left',
        'appointment_cancelled',
        'appointment_moved',
        'declined',
        'offer_expired',
        'ceremony_cancelled',
        'below_minimum',
      ],
    },
    addedBy: String,
  },
  { timestamps: true },
);
ceremonySeatSchema.index({ ceremony: 1, appointment: 1 }, { unique: true });
ceremonySeatSchema.index({ activeAppointment: 1 }, { unique: true, sparse: true });
ceremonySeatSchema.index({ ceremony: 1, state: 1, order: 1 });
ceremonySeatSchema.index({ appointment: 1, updatedAt: -1 });
ceremonySeatSchema.index({ state: 1, offerExpiresAt: 1 });

export type CeremonySeatDoc = HydratedDocument<CeremonySeat>;
export const CeremonySeatModel: Model<CeremonySeat> =
  (mongoose.models.CeremonySeat as Model<CeremonySeat>) ??
  mongoose.model<CeremonySeat>('CeremonySeat', ceremonySeatSchema);
