// What one connection, and all of them together, may make the engine hold: received bytes not
// yet answered, and replies not yet read by their client; and how long a message may take to
// arrive, a reply to be read, and a connection to sit idle. Without these, a few clients that
// send half of a 40 MB message, or never read their replies, grow the engine's memory by
// hundreds of megabytes, and connections that never finish a message stay open for ever.

export interface ConnectionLimits {
  /**
   * A message up to this size is read at once; a larger one reserves its announced length from
   * the shared budget first. Also the bytes of whole messages a connection may have waiting
   * their turn before it is not read until they are answered.
   */
  inputAllowance: number;
  /** Bytes reserved for large messages of all connections together; past it, a connection waits its turn, unread. */
  maxBufferedInput: number;
  /** Unread reply bytes past which a connection's next command waits, and the connection is not read. */
  maxUnreadOutput: number;
  /** Unread reply bytes of all connections together past which commands wait for them to be read. */
  maxTotalUnreadOutput: number;
  /**
   * A message must arrive whole within this time of its first byte (a new connection: of
   * connecting). Time the engine itself holds the connection back does not count.
   */
  messageTimeoutMs: number;
  /** Replies that are not read at all for this long close their connection. */
  replyTimeoutMs: number;
  /** Over the total reply budget, replies that are not read for this long close their connection. */
  pressureTimeoutMs: number;
  /** A connection with nothing in flight for this long is closed (drivers reconnect on their own). */
  idleTimeoutMs: number;
}

export const DEFAULT_LIMITS: ConnectionLimits = {
  inputAllowance: 64 * 1024,
  maxBufferedInput: 64 * 1024 * 1024,
  maxUnreadOutput: 8 * 1024 * 1024,
  maxTotalUnreadOutput: 64 * 1024 * 1024,
  messageTimeoutMs: 30_000,
  replyTimeoutMs: 60_000,
  pressureTimeoutMs: 1_000,
  idleTimeoutMs: 30 * 60_000,
};

export function connectionLimits(overrides: Partial<ConnectionLimits> = {}): ConnectionLimits {
  const limits = { ...DEFAULT_LIMITS };
  for (const [key, value] of Object.entries(overrides) as [keyof ConnectionLimits, number | undefined][]) {
    if (value === undefined) continue;
    if (!Number.isFinite(value) || value <= 0)
      throw new Error(`connection limit ${key} must be a positive number`);
    limits[key] = value;
  }
  return limits;
}

/** How the limits are doing, for serverStatus (`wire`). */
export interface WireStats {
  reservedInputBytes: number;
  unreadOutputBytes: number;
  /** Connections not read until the input budget has room for their message. */
  waitingForInputBudget: number;
  /** Connections whose next command waits for their (or all) replies to be read. */
  waitingForReplies: number;
  /** Connections closed by a limit, by which one. */
  closed: { messageTimeout: number; replyTimeout: number; pressure: number; idle: number };
}
