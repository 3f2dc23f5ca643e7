import mongoose, { type HydratedDocument, type Model, Schema, type Types } from 'mongoose';

/**
 * The capacity counter of one time slot. `remaining` is what booking takes from, by a
 * conditional single-document update ({ remaining: { $gt: 0 } } with $inc -1), so a slot
 * can never be oversold however many requests race. When staff lower the capacity below
 * what is booked, `remaining` goes negative and the slot is flagged: nothing is cancelled.
 */
export interface Slot {
  office: Types.ObjectId;
  date: string;
  start: string;
  end: string;
  startsAt: Date;
  endsAt: Date;
  capacity: number;
  booked: number;
  remaining: number;
  /**
   * Places held back for walk-ins and the priority channel: taken out of
   * `remaining`, so online booking cannot reach them until they are released back into it.
   * Absent on slots created before reserves existed: read it as 0.
   */
  reserved?: number;
  flagged: boolean;
  createdAt: Date;
  updatedAt: Date;
}

const slotSchema = new Schema<Slot>(
  {
    office: { type: Schema.Types.ObjectId, ref: 'Office', required: true },
    date: { type: String, required: true },
    start: { type: String, required: true },
    end: { type: String, required: true },
    startsAt: { type: Date, required: true },
    endsAt: { type: Date, required: true },
    capacity: { type: Number, required: true, min: 0 },
    booked: { type: Number, required: true, default: 0 },
    remaining: { type: Number, required: true },
    reserved: { type: Number, default: 0, min: 0 },
    flagged: { type: Boolean, default: false },
  },
  { timestamps: true },
);
slotSchema.index({ office: 1, date: 1, start: 1 }, { unique: true });
slotSchema.index({ flagged: 1 }, { partialFilterExpression: { flagged: true } });

export type SlotDoc = HydratedDocument<Slot>;
export const SlotModel: Model<Slot> =
  (mongoose.models.Slot as Model<Slot>) ?? mongoose.model<Slot>('Slot', slotSchema);
