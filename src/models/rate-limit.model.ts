import mongoose, { type Model, Schema } from 'mongoose';
import { RATE_LIMIT_COLLECTION, type RateLimitDocument } from '../lib/database-rate-store.ts';

/**
 * The counts of every rate limit and failure counter, shared by all processes: one document per
 * limit and key (src/lib/database-rate-store.ts writes them with single-document atomic
 * updates). Declared here for its TTL index, which the start builds with the others.
 */
const rateLimitSchema = new Schema<RateLimitDocument>(
  {
    _id: { type: String, required: true },
    hits: { type: Number, required: true },
    resetAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
    // The latest changes of the count, each named by its batch (src/lib/rate-count-batch.ts).
    log: { type: [{ _id: false, t: String, n: Number }], default: undefined },
  },
  { versionKey: false, collection: RATE_LIMIT_COLLECTION },
);
rateLimitSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

export const RateLimitModel: Model<RateLimitDocument> =
  (mongoose.models.RateLimit as Model<RateLimitDocument>) ??
  mongoose.model<RateLimitDocument>('RateLimit', rateLimitSchema);
