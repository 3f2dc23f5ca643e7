import mongoose, { type Model, Schema, Types } from 'mongoose';
import { batchedInsert } from '../lib/batched-db.ts';
import { storedShapeCheck } from './stored-on-create.ts';

/**
 * The development outbox: where messages go when no SMTP server is configured (SMTP_URL
 * unset), or no SMS provider (SMS_PROVIDER unset), so that a demo or a developer can read
 * every message in the staff console instead of losing it. In production with both set,
 * nothing is written here.
 *
 * `channel` tells e-mails from texts. Documents written before texts existed have no channel:
 * they are e-mails, so a query for e-mails asks for `channel: { $ne: 'sms' }`.
 */
export interface OutboxAttachment {
  filename: string;
  contentType: string;
  content: string;
}

export type OutboxChannel = 'email' | 'sms';

/** A text's template at the provider and its parameters, in the template's order. */
export interface OutboxSmsTemplate {
  code: string;
  params: { name: string; value: string }[];
}

export interface OutboxMessage {
  channel: OutboxChannel;
  messageId: string;
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  attachments: OutboxAttachment[];
  notificationKey?: string;
  /** Texts only: what a provider would have been sent. */
  smsTemplate?: OutboxSmsTemplate;
  /** The office the message is about; none (a digest to administrators): global administrators only. */
  office?: Types.ObjectId;
  /** Set when the retention policy erased the recipient and the content. */
  erasedAt?: Date;
  createdAt: Date;
}

const outboxMessageSchema = new Schema<OutboxMessage>(
  {
    channel: { type: String, enum: ['email', 'sms'], default: 'email' },
    messageId: { type: String, required: true },
    from: { type: String, required: true },
    to: { type: String, required: true },
    subject: { type: String, default: '' },
    text: { type: String, default: '' },
    html: { type: String, default: '' },
    attachments: {
      type: [
        new Schema<OutboxAttachment>(
          { filename: String, contentType: String, content: String },
          { _id: false },
        ),
      ],
      default: [],
    },
    notificationKey: String,
    smsTemplate: {
      type: new Schema<OutboxSmsTemplate>(
        {
          code: { type: String, required: true },
          params: { type: [new Schema({ name: String, value: String }, { _id: false })], default: [] },
        },
        { _id: false },
      ),
      required: false,
    },
    office: { type: Schema.Types.ObjectId, ref: 'Office' },
    erasedAt: Date,
    createdAt: { type: Date, default: () => new Date() },
  },
  { versionKey: false },
);
// A development outbox is for reading recent messages, not an archive: 30 days.
outboxMessageSchema.index({ createdAt: 1 }, { expireAfterSeconds: 30 * 86_400 });

export const OutboxMessageModel: Model<OutboxMessage> =
  (mongoose.models.OutboxMessage as Model<OutboxMessage>) ??
  mongoose.model<OutboxMessage>('OutboxMessage', outboxMessageSchema);

const checkOutboxMessage = storedShapeCheck(outboxMessageSchema);

/** An e-mail kept in the outbox as Mongoose would store it, for the driver's batched insert. */
export function newOutboxEmailDocument(
  fields: Omit<OutboxMessage, 'channel' | 'createdAt' | 'smsTemplate'>,
  now: Date,
): OutboxMessage & { _id: Types.ObjectId } {
  const doc = { _id: new Types.ObjectId(), channel: 'email' as const, ...fields, createdAt: now };
  checkOutboxMessage(doc);
  return doc;
}

/** A text kept in the outbox as Mongoose would store it (no body in HTML, no attachments). */
export function newOutboxSmsDocument(
  fields: Omit<OutboxMessage, 'channel' | 'createdAt' | 'html' | 'attachments'>,
  now: Date,
): OutboxMessage & { _id: Types.ObjectId } {
  const doc = {
    _id: new Types.ObjectId(),
    channel: 'sms' as const,
    html: '',
    attachments: [],
    ...fields,
    createdAt: now,
  };
  checkOutboxMessage(doc);
  return doc;
}

/**
 * Stores an outbox message; the e-mails and texts of a rush stored at the same moment, the
 * confirmation and the text beside it among them, go in one insert (lib/batched-db.ts).
 */
export const storeOutboxMessage: (doc: OutboxMessage & { _id: Types.ObjectId }) => Promise<void> =
  batchedInsert(() => OutboxMessageModel.collection as never);
