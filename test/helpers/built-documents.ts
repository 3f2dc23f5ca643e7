// For the documents the hot paths build by hand instead of through Mongoose: a stored partner
// to build them with, and the check that a built document is what the schema would store.
import assert from 'node:assert/strict';
import type { Model } from 'mongoose';

export const storedPartner = {
  name: '张伟',
  idType: 'resident_id' as const,
  idMasked: '5101**********0011',
  idFingerprint: 'f1',
  birthDate: '1995-03-01',
  sex: 'male' as const,
  phone: '13800000001',
  phoneLast4: '0001',
};

/** `built` passes the schema's validation and equals what Mongoose would store for `fields` at `now`. */
export async function assertBuiltAsSchemaStores<T>(
  model: Model<T>,
  built: object,
  fields: object,
  now: Date,
): Promise<void> {
  await new model({ ...built }).validate();
  const viaSchema = new model({ ...fields }).toObject();
  assert.deepEqual(
    JSON.parse(JSON.stringify(built)),
    JSON.parse(JSON.stringify({ ...viaSchema, createdAt: now, updatedAt: now, __v: 0 })),
  );
}
