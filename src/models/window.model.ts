import mongoose, { type HydratedDocument, type Model, Schema, type Types } from 'mongoose';

/**
 * A registration window (counter) of an office.
 *
 * How windows relate to the weekly template (the pure domain computes a slot's capacity as
 * `windowsOpen x couplesPerWindow` from the template or a day plan):
 * - Permanent windows (no `from`/`to`) that are `open` are the office's staffed counters.
 *   The template's `windowsOpen` of each weekday is how many of them work that day (never
 *   more than are open); `couplesPerWindow` is one office-wide number, set on the windows
 *   page and written into every weekday of the template. Closing a window lowers any
 *   weekday that used more windows than remain; opening one raises the weekdays that used
 *   them all. See src/services/staff/window-service.ts.
 * - Temporary windows (with `from`..`to`, inclusive office-local dates) add
 *   `couplesPerWindow` places to every slot of each open day in their range, on top of
 *   the template or day plan (not when a plan sets the quota directly). Their extra
 *   capacity lives in the slot counters, which are created for the whole range when the
 *   window is added (src/services/staff/capacity-sync.ts).
 */
export interface RegistrationWindow {
  office: Types.ObjectId;
  name: string;
  open: boolean;
  from?: string;
  to?: string;
  position: number;
  createdAt: Date;
  updatedAt: Date;
}

const windowSchema = new Schema<RegistrationWindow>(
  {
    office: { type: Schema.Types.ObjectId, ref: 'Office', required: true },
    name: { type: String, required: true, trim: true },
    open: { type: Boolean, default: true },
    from: String,
    to: String,
    position: { type: Number, default: 0 },
  },
  { timestamps: true },
);
windowSchema.index({ office: 1, position: 1 });

export type WindowDoc = HydratedDocument<RegistrationWindow>;
export const WindowModel: Model<RegistrationWindow> =
  (mongoose.models.RegistrationWindow as Model<RegistrationWindow>) ??
  mongoose.model<RegistrationWindow>('RegistrationWindow', windowSchema);
