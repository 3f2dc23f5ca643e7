import mongoose, { type Model, Schema, type Types } from 'mongoose';

/**
 * "One application per person" for a draw: one document per person and draw, keyed by
 * `<draw id>:<ID fingerprint>` as _id, like person holds for bookings. The unique _id makes
 * the rule hold however many applications race, which a look-up before insert cannot.
 */
export interface LotteryPerson {
  _id: string;
  application: Types.ObjectId;
  createdAt: Date;
}

const lotteryPersonSchema = new Schema<LotteryPerson>(
  {
    _id: { type: String, required: true },
    application: { type: Schema.Types.ObjectId, ref: 'LotteryApplication', required: true },
    createdAt: { type: Date, default: () => new Date() },
  },
  { versionKey: false },
);
lotteryPersonSchema.index({ application: 1 });

export const LotteryPersonModel: Model<LotteryPerson> =
  (mongoose.models.LotteryPerson as Model<LotteryPerson>) ??
  mongoose.model<LotteryPerson>('LotteryPerson', lotteryPersonSchema);
