import mongoose, { type HydratedDocument, type Model, Schema, type Types } from 'mongoose';
import type { DayPlan } from '../domain/schedule-types.ts';
import { bilingualSchema, sessionSpecSchema } from './shared.ts';

export type AllocationMode = 'fcfs' | 'lottery';

/**
 * A lottery day's public settings (written by the lottery service): the application
 * window, the draw time, how long winners have to confirm, and the commitment to the draw's
 * seed, shown on the day's page. The seed itself stays in the lottery draw until the draw.
 */
export interface LotterySettings {
  opensAt: Date;
  closesAt: Date;
  drawAt: Date;
  confirmHours: number;
  commitment: string;
  drawnAt?: Date;
}

export interface DayPlanRecord extends DayPlan {
  office: Types.ObjectId;
  allocation: AllocationMode;
  lottery?: LotterySettings;
  updatedBy?: Types.ObjectId;
  createdAt: Date;
  updatedAt: Date;
}

const dayPlanSchema = new Schema<DayPlanRecord>(
  {
    office: { type: Schema.Types.ObjectId, ref: 'Office', required: true },
    date: { type: String, required: true },
    kind: { type: String, enum: ['closed', 'special', 'peak'], required: true },
    label: { type: bilingualSchema },
    sessions: { type: [sessionSpecSchema], default: undefined },
    slotMinutes: Number,
    windowsOpen: Number,
    extraWindows: Number,
    couplesPerWindow: Number,
    extraQuotaPerSlot: Number,
    quotaPerSlot: Number,
    message: { type: bilingualSchema },
    bookingOpensAt: Date,
    requireVerifiedPhone: Boolean,
    allocation: { type: String, enum: ['fcfs', 'lottery'], default: 'fcfs' },
    lottery: {
      type: new Schema(
        {
          opensAt: { type: Date, required: true },
          closesAt: { type: Date, required: true },
          drawAt: { type: Date, required: true },
          confirmHours: { type: Number, required: true, min: 1 },
          commitment: { type: String, required: true },
          drawnAt: Date,
        },
        { _id: false },
      ),
    },
    updatedBy: { type: Schema.Types.ObjectId, ref: 'StaffUser' },
  },
  { timestamps: true },
);
dayPlanSchema.index({ office: 1, date: 1 }, { unique: true });

export type DayPlanDoc = HydratedDocument<DayPlanRecord>;
export const DayPlanModel: Model<DayPlanRecord> =
  (mongoose.models.DayPlan as Model<DayPlanRecord>) ??
  mongoose.model<DayPlanRecord>('DayPlan', dayPlanSchema);
