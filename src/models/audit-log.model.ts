import mongoose, { type Model, Schema, type Types } from 'mongoose';

/**
 * One change to capacity, plans, accounts or bookings: who, when, what, and the values
 * before and after. Entries are only ever inserted. `actorName` is copied at the time so
 * the log still reads correctly after an account is renamed.
 */
export interface AuditEntry {
  at: Date;
  /** A staff user's id, or 'system' (jobs), or a channel such as 'couple'. */
  actor: string;
  actorName?: string;
  action: string;
  /** What was changed, e.g. 'appointment:<id>' or 'office:<id>/2026-08-19'. */
  target: string;
  targetLabel?: string;
  before?: unknown;
  after?: unknown;
  office?: Types.ObjectId;
}

const auditSchema = new Schema<AuditEntry>(
  {
    at: { type: Date, required: true },
    actor: { type: String, required: true },
    actorName: String,
    action: { type: String, required: true },
    target: { type: String, required: true },
    targetLabel: String,
    before: Schema.Types.Mixed,
    after: Schema.Types.Mixed,
    office: { type: Schema.Types.ObjectId, ref: 'Office' },
  },
  { versionKey: false },
);
auditSchema.index({ at: -1 });
auditSchema.index({ office: 1, at: -1 });
auditSchema.index({ target: 1, at: -1 });

export const AuditLogModel: Model<AuditEntry> =
  (mongoose.models.AuditLog as Model<AuditEntry>) ?? mongoose.model<AuditEntry>('AuditLog', auditSchema);
