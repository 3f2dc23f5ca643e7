// What a write's `writeConcern` asks of the journal. MongoDB acknowledges `{ w: 1, j: false }`
// once the write is applied in memory, the journal being flushed on its own cadence, and
// `{ w: 0 }` not at all (the driver sends it with moreToCome and reads no reply). The engine
// keeps the same promise: such a write is applied and visible at once and appended to the
// journal in order, so the next fsync (a journaled write's, or the group commit it starts at
// once) covers it; its command does not wait for that fsync. Every other write, including one
// with no concern at all or `{ w: 1 }`, is acknowledged only once it is on disk.

/** Whether a command's write concern lets it be answered before its changes are on disk. */
export function acknowledgedInMemory(writeConcern: unknown): boolean {
  if (typeof writeConcern !== 'object' || writeConcern === null) return false;
  const { j, fsync, w } = writeConcern as { j?: unknown; fsync?: unknown; w?: unknown };
  if (j === true || fsync === true) return false;
  return j === false || w === 0;
}
