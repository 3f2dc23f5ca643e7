import mongoose, {type HydratedDocument, type Model, Schema, type Types } from 'mongoose';
import type { DayPlan } from '../domain/schedule-types.ts';
import { bilingualSchema, sessionSpecSchema } from './shared.ts';

export type AllocationMode = 'fcfs' | 'lottery';

export interface DayPlanRecord extends DayPlan {
  office: Types.ObjectId;
  allocation: AllocationMode;
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
    allocation: { type: String, enum: ['fcfs', 'lottery'], default: 'fcfs' },
    updatedBy: { type: Schema.Types.ObjectId, ref: 'StaffUser' },
  },
  { timestamps: true },
);
dayPlanSchema.index({ office: 1, date: 1 }, { unique: true });

export type DayPlanDoc = HydratedDocument<DayPlanRecord>;
export const DayPlanModel: Model<DayPlanRecord> =
  (mongoose.models.DayPlan as Model<DayPlanRecord>) ?? mongoose.model<DayPlanRecord>('DayPlan', dayPlanSchema);
