import { Schema } from 'mongoose';

/** A text in both languages, Chinese first (the default). */
export const bilingualSchema = new Schema(
  { zh: { type: String, required: true }, en: { type: String, default: '' } },
  { _id: false },
);

export const sessionSpecSchema = new Schema(
  { start: { type: String, required: true }, end: { type: String, required: true } },
  { _id: false },
);
