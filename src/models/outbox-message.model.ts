import mongoose, { type Model, Schema, type Types } from 'mongoose';

/**
 * The development outbox: where messages go when no SMTP server is configured (SMTP_URL
 * unset), so that a demo or a developer can read every message in the staff console instead
 * of losing it. In production with SMTP_URL set, nothing is written here.
 */
export interface OutboxAttachment {
  filename: string;
  contentType: string;
  content: string;
}

export interface OutboxMessage {
  messageId: string;
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  attachments: OutboxAttachment[];
  notificationKey?: string;
  /** The office the message is about; none (a digest to administrators): global administrators only. */
  office?: Types.ObjectId;
  createdAt: Date;
}

const outboxMessageSchema = new Schema<OutboxMessage>(
  {
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
    office: { type: Schema.Types.ObjectId, ref: 'Office' },
    createdAt: { type: Date, default: () => new Date() },
  },
  { versionKey: false },
);
// A development outbox is for reading recent messages, not an archive: 30 days.
outboxMessageSchema.index({ createdAt: 1 }, { expireAfterSeconds: 30 * 86_400 });

export const OutboxMessageModel: Model<OutboxMessage> =
  (mongoose.models.OutboxMessage as Model<OutboxMessage>) ??
  mongoose.model<OutboxMessage>('OutboxMessage', outboxMessageSchema);
