// Single-document updates sent as the database's own `update` command (MongoDB's documented
// command: `updates` of `{ q, u, upsert }`, `ordered`, a `writeConcern`; its reply's `n`,
// `nModified`, `upserted` and `writeErrors`), for the hot paths that send many small bulk writes
// (a verification code's sends, the rate limits' counts). The driver's bulkWrite builds the
// same command through its bulk-operation bookkeeping, which cost the app about 20 µs an
// update, more than the rest of the command; here the command is written directly and its
// reply read as the bulk write's result would be.
//
// What the caller sees is the driver's bulkWrite: a result with `matchedCount` and
// `upsertedIds` (by the update's index), and, when the server refused some updates or the
// write concern, an error shaped like MongoBulkWriteError (`writeErrors`, `writeConcernError`,
// `result`), so database-errors.ts reads it the same. A command is not one of the driver's
// retryable writes, so its retry after a replica set's failover is done here, and only where it
// is safe: a primary that refused the command for stepping down (a "not primary" reply) applied
// none of it, so the command goes once more, to the primary the driver then selects. A
// connection lost with the command on it leaves its outcome unknown: no retry (it could apply
// twice); the calls that shared it fail (503: the couple asks again), as any failure of
// unknown outcome does.
import type { UpdatableLike, UpdateOne } from './batched-db.ts';
import type { WriteErrorLike } from './database-errors.ts';

interface UpdateReply {
  n?: number;
  nModified?: number;
  upserted?: { index: number; _id: unknown }[];
  writeErrors?: WriteErrorLike[];
  writeConcernError?: unknown;
}

/** What a bulk write of updates answers (the driver's BulkWriteResult, the fields read here). */
export interface UpdatesResult {
  matchedCount: number;
  modifiedCount: number;
  upsertedCount: number;
  upsertedIds: Record<number, unknown>;
}

/** A refusal of some updates or of the write concern, shaped like the driver's MongoBulkWriteError. */
export class UpdateCommandError extends Error {
  override readonly name = 'MongoBulkWriteError';
  constructor(
    readonly writeErrors: WriteErrorLike[],
    readonly writeConcernError: unknown,
    readonly result: UpdatesResult,
  ) {
    super(writeErrors[0]?.errmsg ?? 'the write concern was not satisfied');
  }
}

function resultOf(reply: UpdateReply): UpdatesResult {
  const upserted = reply.upserted ?? [];
  return {
    matchedCount: (reply.n ?? 0) - upserted.length,
    modifiedCount: reply.nModified ?? 0,
    upsertedCount: upserted.length,
    upsertedIds: Object.fromEntries(upserted.map((u) => [u.index, u._id])),
  };
}

/** A collection's updates, as the driver's bulk write of `updateOne`s (an UpdatableLike, batched-db.ts). */
export interface UpdateCommand extends UpdatableLike {
  bulkWrite(ops: { updateOne: UpdateOne }[], options: { ordered: boolean }): Promise<UpdatesResult>;
}

/** A write concern as the command carries it: the driver's WriteConcern, or a plain `{ w, j }`. */
export interface ConcernLike {
  w?: number | string | undefined;
  j?: boolean | undefined;
  wtimeout?: number | undefined;
}

function concernDocument(wc: ConcernLike): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries({ w: wc.w, j: wc.j, wtimeout: wc.wtimeout }).filter(([, v]) => v != null),
  );
}

/** Where the updates go: the database, the collection's name and the write concern (none: the server's default). */
export interface UpdateTarget {
  /** The driver's Db (the one Mongoose connected). */
  db: { command(command: Record<string, unknown>): Promise<unknown> };
  name: string;
  writeConcern?: ConcernLike | undefined;
}

/** Server codes of a primary that stepped down refusing a command before applying any of it. */
const NOT_PRIMARY_CODES = new Set([
  10107, // NotWritablePrimary
  13435, // NotPrimaryNoSecondaryOk
  13436, // NotPrimaryOrSecondary
  189, // PrimarySteppedDown
  11602, // InterruptedDueToReplStateChange
]);

function refusedAsNotPrimary(err: unknown): boolean {
  const code = (err as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'number' && NOT_PRIMARY_CODES.has(code);
}

/** A collection's updates, one `update` command per call of bulkWrite. */
export function updateCommand(target: () => UpdateTarget): UpdateCommand {
  return {
    async bulkWrite(ops, options) {
      const { db, name, writeConcern } = target();
      const command: Record<string, unknown> = {
        update: name,
        updates: ops.map(({ updateOne: op }) => ({ q: op.filter, u: op.update, upsert: op.upsert === true })),
        ordered: options.ordered,
      };
      const concern = writeConcern ? concernDocument(writeConcern) : {};
      if (Object.keys(concern).length > 0) command.writeConcern = concern;
      const reply = (await db.command(command).catch((err: unknown) => {
        if (!refusedAsNotPrimary(err)) throw err;
        return db.command(command);
      })) as UpdateReply;
      const result = resultOf(reply);
      if (reply.writeErrors?.length || reply.writeConcernError)
        throw new UpdateCommandError(reply.writeErrors ?? [], reply.writeConcernError, result);
      return result;
    },
  };
}
