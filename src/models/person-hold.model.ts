import mongoose, { type Model, Schema, type Types } from 'mongoose';

/**
 * "One person holds at most one active booking": one document per person (keyed by the ID
 * fingerprint as _id) while that person has an active appointment. The unique _id makes the
 * rule hold under concurrency, which a look-up before insert cannot.
 */
export interface PersonHold {
  _id: string;
  appointment: Types.ObjectId;
  createdAt: Date;
}

const personHoldSchema = new Schema<PersonHold>(
  {
    _id: { type: String, required: true },
    appointment: { type: Schema.Types.ObjectId, ref: 'Appointment', required: true },
    createdAt: { type: Date, default: () => new Date() },
  },
  { versionKey: false },
);
personHoldSchema.index({ appointment: 1 });

export const PersonHoldModel: Model<PersonHold> =
  (mongoose.models.PersonHold as Model<PersonHold>) ??
  mongoose.model<PersonHold>('PersonHold', personHoldSchema);
