import mongoose, { type HydratedDocument, type Model, Schema, type Types } from 'mongoose';

export type StaffRole = 'admin' | 'registrar' | 'coordinator';
export const STAFF_ROLES: StaffRole[] = ['admin', 'registrar', 'coordinator'];

/**
 * A member of staff who signs in to the console. `offices` scopes what they see and change;
 * an administrator with an empty list may act on every office. The password is only ever
 * stored as a scrypt hash; an account created by an administrator has no password until
 * its holder follows the one-time link (only the link token's hash is kept).
 */
export interface StaffUser {
  email: string;
  name: string;
  role: StaffRole;
  offices: Types.ObjectId[];
  active: boolean;
  /** '' until a password is set: no password can match it. */
  passwordHash: string;
  /** Failed sign-ins in a row, from every address; far beyond the per-address limits it locks the account. */
  failedLogins: number;
  lockedUntil?: Date;
  /** Locks since the last successful sign-in: each lasts twice as long as the one before. */
  lockCount: number;
  /** The mailed link that lifts a lock (only its hash), and until when it works. */
  unlockTokenHash?: string;
  unlockExpiresAt?: Date;
  passwordSetTokenHash?: string;
  passwordSetExpiresAt?: Date;
  lastLoginAt?: Date;
  /** The language of the console at the last sign-in: staff mails (roster, peak days) use it. */
  language?: 'zh-CN' | 'en';
  createdBy?: string;
  createdAt: Date;
  updatedAt: Date;
}

const staffUserSchema = new Schema<StaffUser>(
  {
    email: { type: String, required: true, unique: true, lowercase: true, trim: true },
    name: { type: String, required: true, trim: true },
    role: { type: String, enum: STAFF_ROLES, required: true },
    offices: { type: [{ type: Schema.Types.ObjectId, ref: 'Office' }], default: [] },
    active: { type: Boolean, default: true },
    passwordHash: { type: String, default: '' },
    failedLogins: { type: Number, default: 0 },
    lockedUntil: Date,
    lockCount: { type: Number, default: 0 },
    unlockTokenHash: String,
    unlockExpiresAt: Date,
    passwordSetTokenHash: String,
    passwordSetExpiresAt: Date,
    lastLoginAt: Date,
    language: { type: String, enum: ['zh-CN', 'en'] },
    createdBy: String,
  },
  { timestamps: true },
);
staffUserSchema.index({ passwordSetTokenHash: 1 }, { unique: true, sparse: true });
staffUserSchema.index({ unlockTokenHash: 1 }, { unique: true, sparse: true });

export type StaffUserDoc = HydratedDocument<StaffUser>;
export const StaffUserModel: Model<StaffUser> =
  (mongoose.models.StaffUser as Model<StaffUser>) ?? mongoose.model<StaffUser>('StaffUser', staffUserSchema);
