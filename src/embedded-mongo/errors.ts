// MongoDB-shaped command errors: every failure a client sees is `{ ok: 0, errmsg, code, codeName }`,
// never a dropped connection. Codes and names follow MongoDB's error_codes.yml.

export const ErrorCodes = {
  InternalError: 1,
  BadValue: 2,
  FailedToParse: 9,
  Unauthorized: 13,
  TypeMismatch: 14,
  IllegalOperation: 20,
  NamespaceNotFound: 26,
  FileStreamFailed: 39,
  IndexNotFound: 27,
  PathNotViable: 28,
  ConflictingUpdateOperators: 40,
  CursorNotFound: 43,
  DollarPrefixedFieldName: 52,
  EmptyFieldName: 56,
  ExceededMemoryLimit: 146,
  ConversionFailure: 241,
  NamespaceExists: 48,
  MaxTimeMSExpired: 50,
  CommandNotFound: 59,
  ImmutableField: 66,
  CannotCreateIndex: 67,
  InvalidOptions: 72,
  InvalidNamespace: 73,
  IndexOptionsConflict: 85,
  IndexKeySpecsConflict: 86,
  OperationNotSupportedInTransaction: 263,
  NoSuchTransaction: 251,
  Location40324: 40324,
  BSONObjectTooLarge: 10334,
  DuplicateKey: 11000,
  OutOfDiskSpace: 14031,
  InvalidIdField: 53,
  NotImplemented: 238,
  Location16755: 16755,
} as const;

const codeNames: Record<number, string> = Object.fromEntries(
  Object.entries(ErrorCodes).map(([name, code]) => [code, name]),
);

export class MongoCommandError extends Error {
  readonly code: number;
  readonly codeName: string;
  /** Extra fields merged into the error reply (keyPattern/keyValue for duplicate keys). */
  readonly extra: Record<string, unknown>;

  constructor(code: number, message: string, extra: Record<string, unknown> = {}) {
    super(message);
    this.code = code;
    this.codeName = codeNames[code] ?? 'UnknownError';
    this.extra = extra;
  }

  toReply(): Record<string, unknown> {
    return { ok: 0, errmsg: this.message, code: this.code, codeName: this.codeName, ...this.extra };
  }

  /** The shape of one entry of `writeErrors` in insert/update/delete replies. */
  toWriteError(index: number): Record<string, unknown> {
    return { index, code: this.code, errmsg: this.message, ...this.extra };
  }
}

export function badValue(message: string): MongoCommandError {
  return new MongoCommandError(ErrorCodes.BadValue, message);
}

/** Any thrown value (mingo errors included) as a MongoDB error. */
export function asCommandError(err: unknown): MongoCommandError {
  if (err instanceof MongoCommandError) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (/^Unknown update operator/i.test(message)) {
    const op = /'(\$\w+)'/.exec(message)?.[1] ?? '';
    return new MongoCommandError(
      ErrorCodes.FailedToParse,
      `Unknown modifier: ${op}. Expected a valid update modifier or pipeline-style update specified as an array`,
    );
  }
  const unknownQueryOp = /unknown (?:top level |query )?operator:? (\$\w+)/i.exec(message);
  if (unknownQueryOp) return badValue(`unknown operator: ${unknownQueryOp[1]}`);
  const unknownStage = /(?:unknown|unrecognized|invalid|unregistered) pipeline operator:? '?(\$\w+)/i.exec(
    message,
  );
  if (unknownStage) {
    return new MongoCommandError(
      ErrorCodes.Location40324,
      `Unrecognized pipeline stage name: '${unknownStage[1]}'`,
    );
  }
  return badValue(message);
}
