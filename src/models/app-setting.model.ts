import mongoose, { type Model, Schema } from 'mongoose';

/** Small named values the application keeps in the database, such as a generated secret. */
export interface AppSetting {
  _id: string;
  value: string;
  createdAt: Date;
}

const appSettingSchema = new Schema<AppSetting>(
  {
    _id: { type: String, required: true },
    value: { type: String, required: true },
    createdAt: { type: Date, default: () => new Date() },
  },
  { versionKey: false },
);

export const AppSettingModel: Model<AppSetting> =
  (mongoose.models.AppSetting as Model<AppSetting>) ??
  mongoose.model<AppSetting>('AppSetting', appSettingSchema);
