import mongoose, { type Model, Schema } from 'mongoose';

/**
 * Failed sign-ins with an e-mail that has no account, counted and locked as an account's are
 * (staff-user.model.ts: failedLogins, lockCount, lockedUntil), so that a lock tells nothing
 * about which e-mails exist. Kept in the database so that every process counts the same
 * failures. The key is a digest of the e-mail: what a guesser typed is not kept in clear.
 */
export interface UnknownLogin {
  _id: string;
  failedLogins: number;
  lockCount: number;
  lockedUntil?: Date;
  /** Removed two days after its last failure (TTL index), when no lock can still be running. */
  expiresAt: Date;
}

const unknownLoginSchema = new Schema<UnknownLogin>(
  {
    _id: { type: String, required: true },
    failedLogins: { type: Number, default: 0 },
    lockCount: { type: Number, default: 0 },
    lockedUntil: { type: Date },
    expiresAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'unknown_logins' },
);
unknownLoginSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

export const UnknownLoginModel: Model<UnknownLogin> =
  (mongoose.models.UnknownLogin as Model<UnknownLogin>) ??
  mongoose.model<UnknownLogin>('UnknownLogin', unknownLoginSchema);
