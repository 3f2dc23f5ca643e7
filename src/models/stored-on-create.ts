/**
 * A new document as Mongoose stores it on create, for the hot paths that insert documents
 * built by hand: the fields given, the values the schema would default (`defaults`), both
 * timestamps and the version key. An idempotency key is left out rather than stored as null,
 * since its unique index is sparse.
 */
export function storedOnCreate<T extends { idempotencyKey?: string }, D extends object>(
  fields: T,
  defaults: D,
  now: Date,
): T & D & { createdAt: Date; updatedAt: Date; __v: number } {
  const doc = { ...fields, ...defaults, createdAt: now, updatedAt: now, __v: 0 };
  if (doc.idempotencyKey) return doc;
  const { idempotencyKey: _absent, ...withoutKey } = doc;
  return withoutKey as typeof doc;
}
