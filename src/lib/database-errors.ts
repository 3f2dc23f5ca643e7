// What a failed database call means for the caller. A confirmation is a promise, so only a
// write the server refused document by document (a duplicate key, a failed validation) is that
// document's own answer. Anything else — a network error, a server or write-concern error, a
// refused command, a reply that does not say what became of every document — leaves the
// outcome of the whole command unknown: every call that shared it fails, and the couple is
// told to try again (503), never confirmed.

import { DatabaseDeadlineError } from './deadline.ts';

/** Server codes that refuse one document and say nothing about the others. */
const PER_DOCUMENT_CODES = new Set([
  11000, // DuplicateKey
  11001, // DuplicateKey (legacy)
  12582, // DuplicateKey (legacy, on update)
  121, // DocumentValidationFailure
]);

/**
 * Server codes of a database that cannot take the command now (shutting down, stepped down,
 * out of disk, its storage failing, timed out): the same call may succeed a moment later.
 */
const UNAVAILABLE_CODES = new Set([
  6, // HostUnreachable
  7, // HostNotFound
  39, // FileStreamFailed: the journal could not be written
  50, // MaxTimeMSExpired
  64, // WriteConcernFailed
  89, // NetworkTimeout
  91, // ShutdownInProgress
  189, // PrimarySteppedDown
  262, // ExceededTimeLimit
  9001, // SocketException
  10107, // NotWritablePrimary
  11600, // InterruptedAtShutdown
  11602, // InterruptedDueToReplStateChange
  13435, // NotPrimaryNoSecondaryOk
  13436, // NotPrimaryOrSecondary
  14031, // OutOfDiskSpace
]);

export interface WriteErrorLike {
  index: number;
  code?: number;
  errmsg?: string;
  keyPattern?: Record<string, unknown>;
  err?: { keyPattern?: Record<string, unknown> };
}

interface BulkErrorLike {
  writeErrors?: WriteErrorLike | WriteErrorLike[];
  writeConcernError?: unknown;
  result?: { getWriteConcernError?: () => unknown };
}

/**
 * The per-document errors of a bulk write when every one of them is a document's own refusal
 * and the command otherwise completed; null when the command failed as a whole or its outcome
 * is unknown (no per-document errors, as the driver reports a network error: `writeErrors: []`;
 * a write-concern error; any other kind of error). A null answer fails every call that shared it.
 */
export function perDocumentErrors(err: unknown): WriteErrorLike[] | null {
  const e = err as BulkErrorLike | null | undefined;
  const raw = e?.writeErrors;
  const errors = Array.isArray(raw) ? raw : raw ? [raw] : [];
  if (errors.length === 0) return null;
  if (e?.writeConcernError || e?.result?.getWriteConcernError?.()) return null;
  if (!errors.every((w) => typeof w.code === 'number' && PER_DOCUMENT_CODES.has(w.code))) return null;
  return errors;
}

const SOCKET_FAILURES = new Set([
  'EPIPE',
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ENOTCONN',
  'ETIMEDOUT',
]);

/** A write whose reply does not account for every document it carried. */
export class WriteOutcomeUnknownError extends Error {
  constructor(what: string) {
    super(`the outcome of ${what} is unknown`);
    this.name = 'WriteOutcomeUnknownError';
  }
}

/**
 * True when the database could not serve the call (unreachable, timed out, failing its
 * storage) or the outcome of a write is unknown: the answer is "try again shortly" (503).
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (err instanceof WriteOutcomeUnknownError || err instanceof DatabaseDeadlineError) return true;
  const e = err as { name?: string; message?: unknown; code?: unknown } | null | undefined;
  const name = e?.name ?? '';
  if (
    /^Mongo(Network|ServerSelection|Topology|NotConnected|PoolCleared|OperationTimeout|WriteConcern)|^MongooseServerSelectionError/.test(
      name,
    )
  )
    return true;
  // A bulk write that is not purely per-document refusals failed as a whole, or nobody knows.
  if (name === 'MongoBulkWriteError' && perDocumentErrors(err) === null) return true;
  if (typeof e?.code === 'number' && UNAVAILABLE_CODES.has(e.code)) return true;
  // The socket itself failed under a command (the server died as it was written to): the
  // driver may pass the system's error on as it is.
  if (typeof e?.code === 'string' && SOCKET_FAILURES.has(e.code)) return true;
  return /buffering timed out|Client must be connected|connection .* closed|not connected/i.test(
    String(e?.message ?? ''),
  );
}

/** The database's storage refused a write (out of disk space, the journal could not be written). */
export function isStorageFailure(err: unknown): boolean {
  const code = (err as { code?: unknown } | null | undefined)?.code;
  return code === 14031 || code === 39;
}

/**
 * Readiness (/readyz) answers from a ping, which a full disk does not stop: once a write has
 * been refused for want of storage, readiness proves the database takes writes again by
 * making one (see db.ts databaseReachable), and only then says ready.
 */
export interface StorageHealth {
  /** Remembers a write refused for want of storage. */
  note(err: unknown): void;
  /** A write was refused for want of storage and none has succeeded since. */
  failed(): boolean;
  /** A write succeeded again. */
  recovered(): void;
}

export function createStorageHealth(): StorageHealth {
  let failed = false;
  return {
    note(err) {
      if (isStorageFailure(err)) failed = true;
    },
    failed: () => failed,
    recovered() {
      failed = false;
    },
  };
}
