import mongoose, { type Model, Schema, type Types } from 'mongoose';

/**
 * A day's reserved pool: `perSlot` places of each slot held back from online
 * booking for walk-ins and the priority channel (elderly, disabled or military couples,
 * pregnancy), given back to online booking at `releaseAt` if unused. The places themselves
 * are counted on each slot (`reserved`); this is the setting and whether it was released.
 */
export interface LotteryReserve {
  office: Types.ObjectId;
  date: string;
  perSlot: number;
  releaseAt: Date;
  releasedAt?: Date;
  /** Places given back to online booking at the release. */
  releasedPlaces?: number;
  updatedBy?: string;
  createdAt: Date;
  updatedAt: Date;
}

const lotteryReserveSchema = new Schema<LotteryReserve>(
  {
    office: { type: Schema.Types.ObjectId, ref: 'Office', required: true },
    date: { type: String, required: true },
    perSlot: { type: Number, required: true, min: 0 },
    releaseAt: { type: Date, required: true },
    releasedAt: Date,
    releasedPlaces: Number,
    updatedBy: String,
  },
  { timestamps: true },
);
lotteryReserveSchema.index({ office: 1, date: 1 }, { unique: true });
lotteryReserveSchema.index({ releaseAt: 1 });

export const LotteryReserveModel: Model<LotteryReserve> =
  (mongoose.models.LotteryReserve as Model<LotteryReserve>) ??
  mongoose.model<LotteryReserve>('LotteryReserve', lotteryReserveSchema);
