import mongoose, { type Model, Schema, type Types } from 'mongoose';

/** planned: seed committed, waiting for the draw time; drawing: a job holds it; drawn: the seed is public. */
export type DrawState = 'planned' | 'drawing' | 'drawn';

/** A slot as it entered the draw: its start and the places the lottery gave out there. */
export interface DrawSlotSnapshot {
  start: string;
  places: number;
}

/** A place won in the draw itself (step 6 of docs/lottery.md), before any later offer. */
export interface DrawWinner {
  reference: string;
  start: string;
  rank: number;
}

/**
 * The draw of one lottery day. The seed is generated when the day is put in
 * lottery mode and kept here, unread by any page, until the draw; its SHA-256 is published
 * on the day's page (day plan `lottery.commitment`) before applications close. At the draw
 * the slots, the order and the winners are frozen here, so the published result does not
 * move when couples later confirm, decline or let an offer lapse.
 */
export interface LotteryDraw {
  office: Types.ObjectId;
  date: string;
  seed: string;
  commitment: string;
  state: DrawState;
  drawStartedAt?: Date;
  drawnAt?: Date;
  slots?: DrawSlotSnapshot[];
  /** Every reference in the draw, in draw order (rank = index + 1). Large: read only when needed. */
  order?: string[];
  winners?: DrawWinner[];
  applicationCount?: number;
  /** When freezing the list of applications began (at the close), and how many entries it has once done. */
  listFrozenAt?: Date;
  listCount?: number;
  /** Slots for which no one left in line accepts a place: later sweeps need not look again. */
  exhaustedStarts?: string[];
  createdAt: Date;
  updatedAt: Date;
}

const lotteryDrawSchema = new Schema<LotteryDraw>(
  {
    office: { type: Schema.Types.ObjectId, ref: 'Office', required: true },
    date: { type: String, required: true },
    seed: { type: String, required: true, select: false },
    commitment: { type: String, required: true },
    state: { type: String, enum: ['planned', 'drawing', 'drawn'], default: 'planned' },
    drawStartedAt: Date,
    drawnAt: Date,
    slots: {
      type: [new Schema({ start: String, places: Number }, { _id: false })],
      default: undefined,
    },
    order: { type: [String], default: undefined, select: false },
    winners: {
      type: [new Schema({ reference: String, start: String, rank: Number }, { _id: false })],
      default: undefined,
    },
    applicationCount: Number,
    listFrozenAt: Date,
    listCount: Number,
    exhaustedStarts: { type: [String], default: undefined },
  },
  { timestamps: true },
);
lotteryDrawSchema.index({ office: 1, date: 1 }, { unique: true });

export const LotteryDrawModel: Model<LotteryDraw> =
  (mongoose.models.LotteryDraw as Model<LotteryDraw>) ??
  mongoose.model<LotteryDraw>('LotteryDraw', lotteryDrawSchema);
