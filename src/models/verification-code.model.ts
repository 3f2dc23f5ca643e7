import mongoose, { type Model, Schema } from 'mongoose';
import { updateCommand } from '../lib/update-command.ts';

/**
 * Verification codes (验证码) and the allowance for sending them. One document per phone
 * (`phone:<number>`) holds the live code of each purpose and the times of its last sends; one
 * per address (`address:<address>`) holds only its send times. Every read and change is a
 * single-document conditional update (src/services/verification/verification-codes.ts,
 * code-attempts.ts).
 */
export type VerificationPurpose = 'booking' | 'lookup';

export interface LiveCode {
  /** HMAC of the code with the application secret and this code's salt: the code is never stored. */
  hash: string;
  salt: string;
  expiresAt: Date;
  attempts: number;
  /** A mark of each attempt counted at this code: a check finds its own here (at most `attempts`). */
  tries?: string[];
}

export interface VerificationRecord {
  _id: string;
  /** When codes were sent, newest first, as many as the daily limit counts. */
  sent: Date[];
  codes?: Partial<Record<VerificationPurpose, LiveCode>>;
  /** A day after the last send, nothing here counts any more (TTL index). */
  expiresAt: Date;
}

const liveCodeSchema = new Schema<LiveCode>(
  {
    hash: { type: String, required: true },
    salt: { type: String, required: true },
    expiresAt: { type: Date, required: true },
    attempts: { type: Number, default: 0 },
    tries: { type: [String], default: undefined },
  },
  { _id: false },
);

const verificationSchema = new Schema<VerificationRecord>(
  {
    _id: { type: String, required: true },
    sent: { type: [Date], default: [] },
    codes: {
      type: new Schema({ booking: liveCodeSchema, lookup: liveCodeSchema }, { _id: false }),
      default: undefined,
    },
    expiresAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'verification_codes' },
);
verificationSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

export const VerificationModel: Model<VerificationRecord> =
  (mongoose.models.Verification as Model<VerificationRecord>) ??
  mongoose.model<VerificationRecord>('Verification', verificationSchema);

/**
 * The collection's updates sent as `update` commands (lib/update-command.ts): the sends of a
 * code, many a moment, without the driver's bulk-write bookkeeping. The write concern is the
 * connection's, as a bulk write's would be: journaled unless the deployment says otherwise.
 */
export const verificationUpdates = updateCommand(() => {
  const db = VerificationModel.db.db;
  if (!db) throw new Error('verification codes: the database is not connected');
  return { db, name: VerificationModel.collection.collectionName, writeConcern: db.writeConcern };
});
