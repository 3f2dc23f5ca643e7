import mongoose, { type Model, Schema, Types } from 'mongoose';
import { storedShapeCheck } from './stored-on-create.ts';

/**
 * One message the system means to send, at most once. `key` names the message by what it is
 * about (booking, kind, occurrence: `reminder:<appointment>:day_before:<startsAt>`), and its
 * unique index is the claim: whoever inserts the key first sends; a retried or duplicated job
 * finds the key taken and sends nothing. `spec` is what the message is built from, so a retry
 * or a resend rebuilds it (and re-checks that it still applies) instead of replaying stale text.
 *
 * status: sending (claimed, being handed to the transport) -> sent | retrying (a transient
 * failure; a retry job owns it) | failed (after the last attempt, or a permanent refusal;
 * shown to staff with a resend button) | skipped (no longer applies when retried).
 */
export type NotificationStatus = 'sending' | 'sent' | 'retrying' | 'failed' | 'skipped';

export interface Notification {
  key: string;
  kind: string;
  /** E-mail, or the text sent beside it (its key ends in `:sms`). */
  channel: 'email' | 'sms';
  spec: Record<string, unknown>;
  to: string;
  locale: string;
  subject: string;
  appointment?: Types.ObjectId;
  office?: Types.ObjectId;
  status: NotificationStatus;
  attempts: number;
  claimedAt: Date;
  nextAttemptAt?: Date;
  lastError?: string;
  messageId?: string;
  sentAt?: Date;
  resentBy?: string;
  /** Set when the retention policy erased the recipient and what the message was built from. */
  erasedAt?: Date;
  createdAt: Date;
  updatedAt: Date;
}

const notificationSchema = new Schema<Notification>(
  {
    key: { type: String, required: true },
    kind: { type: String, required: true },
    channel: { type: String, enum: ['email', 'sms'], default: 'email' },
    spec: { type: Schema.Types.Mixed, required: true },
    to: { type: String, required: true },
    locale: { type: String, default: 'zh-CN' },
    subject: { type: String, default: '' },
    appointment: { type: Schema.Types.ObjectId, ref: 'Appointment' },
    office: { type: Schema.Types.ObjectId, ref: 'Office' },
    status: {
      type: String,
      enum: ['sending', 'sent', 'retrying', 'failed', 'skipped'],
      required: true,
    },
    attempts: { type: Number, default: 0 },
    claimedAt: { type: Date, required: true },
    nextAttemptAt: Date,
    lastError: String,
    messageId: String,
    sentAt: Date,
    resentBy: String,
    erasedAt: Date,
  },
  { timestamps: true, minimize: false },
);
notificationSchema.index({ key: 1 }, { unique: true });
notificationSchema.index({ status: 1, updatedAt: -1 });
notificationSchema.index({ appointment: 1 });
// A key only has to outlive what it is about (a booking at most months ahead, a month's digest).
notificationSchema.index({ createdAt: 1 }, { expireAfterSeconds: 400 * 86_400 });

export const NotificationModel: Model<Notification> =
  (mongoose.models.Notification as Model<Notification>) ??
  mongoose.model<Notification>('Notification', notificationSchema);

const checkNotification = storedShapeCheck(notificationSchema);

export type NewNotification = Pick<
  Notification,
  | 'key'
  | 'channel'
  | 'kind'
  | 'spec'
  | 'to'
  | 'locale'
  | 'subject'
  | 'appointment'
  | 'office'
  | 'status'
  | 'attempts'
  | 'claimedAt'
>;

/**
 * A claim as Mongoose would store it, for the driver's batched insert: a rush of
 * confirmations claims its keys in one command instead of one each.
 */
export function newNotificationDocument(
  fields: NewNotification,
  now: Date,
): Notification & { _id: Types.ObjectId; __v: number } {
  const doc = { _id: new Types.ObjectId(), ...fields, createdAt: now, updatedAt: now, __v: 0 };
  checkNotification(doc);
  return doc;
}
