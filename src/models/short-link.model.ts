import mongoose, { type Model, Schema, type Types } from 'mongoose';

/**
 * The short links texts carry (`/m/<token>`): one per booking or lottery application, made
 * the first time a text about it is sent. The token is derived from what it opens with the
 * application secret (services/notifications/short-links.ts), so every later text carries the
 * same link without keeping the token: `_id` is its SHA-256, and a stolen database opens nothing.
 */
export interface ShortLink {
  _id: string;
  /** What the link opens: a booking's manage page or a lottery application's status page. */
  target: 'appointment' | 'application';
  ref: Types.ObjectId;
  /** A link outlives what it opens by long enough to be useless (TTL index). */
  expiresAt: Date;
}

const shortLinkSchema = new Schema<ShortLink>(
  {
    _id: { type: String, required: true },
    target: { type: String, enum: ['appointment', 'application'], required: true },
    ref: { type: Schema.Types.ObjectId, required: true },
    expiresAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'short_links' },
);
shortLinkSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

export const ShortLinkModel: Model<ShortLink> =
  (mongoose.models.ShortLink as Model<ShortLink>) ?? mongoose.model<ShortLink>('ShortLink', shortLinkSchema);
