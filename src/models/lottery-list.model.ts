import mongoose, { type Model, Schema, type Types } from 'mongoose';
import type { Preference } from '../domain/lottery.ts';

/** One application as it entered the draw: what the published algorithm reads, and its id. */
export interface ListEntry {
  id: Types.ObjectId;
  reference: string;
  preference: Preference;
}

/**
 * The list of a draw, frozen when applications close (nothing can change it afterwards),
 * in chunks of up to 1,000 entries in reference order. Reading 50 chunks is what lets the
 * draw start at once on a day with 50,000 applications, instead of reading every application;
 * the published list is read from here too. `n` orders the chunks; the draw's `listCount`
 * says how many entries a complete list has.
 */
export interface LotteryListChunk {
  draw: Types.ObjectId;
  n: number;
  entries: ListEntry[];
}

const lotteryListChunkSchema = new Schema<LotteryListChunk>(
  {
    draw: { type: Schema.Types.ObjectId, ref: 'LotteryDraw', required: true },
    n: { type: Number, required: true },
    entries: {
      type: [
        new Schema(
          {
            id: { type: Schema.Types.ObjectId, required: true },
            reference: { type: String, required: true },
            preference: { kind: String, starts: { type: [String], default: undefined } },
          },
          { _id: false },
        ),
      ],
      default: [],
    },
  },
  { versionKey: false },
);
lotteryListChunkSchema.index({ draw: 1, n: 1 }, { unique: true });

export const LotteryListChunkModel: Model<LotteryListChunk> =
  (mongoose.models.LotteryListChunk as Model<LotteryListChunk>) ??
  mongoose.model<LotteryListChunk>('LotteryListChunk', lotteryListChunkSchema);
