const DUPLICATE_KEY = 11000;

/** A unique-index violation, optionally of one named index (by its key or its name in the message). */
export function isDuplicate(err: unknown, index?: string): boolean {
  const e = err as { code?: number; keyPattern?: Record<string, unknown>; message?: string };
  if (e?.code !== DUPLICATE_KEY) return false;
  if (!index) return true;
  return Boolean(e.keyPattern && index in e.keyPattern) || Boolean(e.message?.includes(index));
}
