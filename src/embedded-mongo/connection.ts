// One client connection: it frames its messages, answers them in order, stops reading when it
// holds too much or its replies are not being read (backpressure: the bytes wait in the
// operating system, not here), and is closed by the periodic sweep when a message takes too
// long to arrive, its replies are never read, or it sits idle. What all connections share, the
// budgets of held input and unread replies, is the hub (wire-hub.ts).
import type net from 'node:net';
import type { EngineState } from './commands/context.ts';
import { runCommand } from './commands/index.ts';
import { asCommandError, ErrorCodes, MongoCommandError } from './errors.ts';
import {
  encodeOpMsg,
  encodeOpReply,
  MAX_MESSAGE_SIZE,
  MessageFramer,
  MessageLengthError,
  ProtocolError,
  parseMessage,
} from './wire.ts';
import type { WireHub } from './wire-hub.ts';
import type { WireStats } from './wire-limits.ts';

type HoldBack = 'budget' | 'queue' | 'replies';

export class Connection {
  readonly id: number;
  private readonly remote: string;
  private readonly framer = new MessageFramer();
  /** Bytes reserved for the message now arriving (0: none, it is small or its header is not in). */
  private reservedFor = 0;
  private askedFor = 0;
  /** Bytes of whole messages waiting their turn or being answered. */
  private queued = 0;
  private queue: Promise<void> = Promise.resolve();
  private closed = false;
  /** Why the connection is not read now; while it is not, its message's time does not run. */
  private readonly heldBack = new Set<HoldBack>();
  private heldBackSince: number | undefined;
  /** When the message now arriving began (a new connection: when it connected); undefined between messages. */
  private messageSince: number | undefined;
  private lastActivity: number;
  private lastUnread = 0;
  private lastReadProgress: number;

  constructor(
    private readonly socket: net.Socket,
    private readonly engine: EngineState,
    private readonly hub: WireHub<Connection>,
    private readonly log: (line: string) => void,
  ) {
    this.remote = socket.remoteAddress ? `${socket.remoteAddress}:${socket.remotePort}` : 'local socket';
    const now = Date.now();
    this.messageSince = now;
    this.lastActivity = now;
    this.lastReadProgress = now;
    hub.connections.add(this);
    engine.connections.current++;
    this.id = ++engine.connections.totalCreated;
    socket.setNoDelay?.(true);
    socket.on('data', (data: Buffer) => this.receive(data));
    socket.on('drain', () => {
      this.lastReadProgress = Date.now();
      this.hub.outputChanged();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => this.closedByPeer());
  }

  /** Reply bytes written to this connection and not yet taken by its client. */
  get unread(): number {
    return this.closed ? 0 : this.socket.writableLength;
  }

  get waitingForReplies(): boolean {
    return this.heldBack.has('replies');
  }

  close(why: string): void {
    if (this.closed) return;
    this.log(`connection ${this.id} (${this.remote}) closed: ${why}`);
    this.socket.destroy();
    this.closedByPeer();
  }

  private closedByPeer(): void {
    if (this.closed) return;
    this.closed = true;
    this.engine.connections.current--;
    this.hub.forget(this);
    // An unfinished message will not be finished: its reservation is freed now. Whole messages
    // waiting their turn still run (and free theirs): a client may send writes and hang up.
    if (this.reservedFor > 0) this.hub.release(this.reservedFor);
    this.reservedFor = 0;
  }

  private receive(data: Buffer): void {
    if (this.closed) return;
    const now = Date.now();
    if (this.framer.pending === 0) this.messageSince ??= now;
    let messages: Buffer[];
    try {
      messages = this.framer.push(data);
    } catch (err) {
      this.refuseFrame(err);
      return;
    }
    for (const [i, message] of messages.entries()) {
      // The first message completed is the one a reservation (if any) was made for.
      const reserved = i === 0 ? this.reservedFor : 0;
      if (i === 0) this.reservedFor = 0;
      this.queued += message.length;
      this.queue = this.queue.then(() => this.run(message, reserved));
    }
    if (messages.length > 0) {
      this.lastActivity = now;
      this.askedFor = 0;
      // What is left of the data is the beginning of the next message.
      this.messageSince = this.framer.pending > 0 ? now : undefined;
    }
    const limits = this.hub.limits;
    const announced = this.framer.announced;
    if (announced > limits.inputAllowance && this.reservedFor === 0 && this.askedFor === 0) {
      this.askedFor = announced;
      if (this.hub.reserve(this, announced)) this.reservedFor = announced;
      else this.holdBack('budget');
    }
    if (this.queued > limits.inputAllowance) this.holdBack('queue');
  }

  /** The hub reserved room for the message now arriving: read on. */
  granted(bytes: number): void {
    if (this.closed) {
      this.hub.release(bytes);
      return;
    }
    this.reservedFor = bytes;
    this.letGo('budget');
  }

  private refuseFrame(err: unknown): void {
    // Tell the client why before closing, as an error reply to its request.
    if (err instanceof MessageLengthError && err.length > MAX_MESSAGE_SIZE && err.requestId !== undefined) {
      const refusal = new MongoCommandError(
        ErrorCodes.BSONObjectTooLarge,
        `message length ${err.length} is over the maximum message size ${MAX_MESSAGE_SIZE}`,
      );
      this.socket.write(encodeOpMsg(err.requestId, refusal.toReply()));
    }
    this.close((err as Error).message);
  }

  /** Stops reading, for a reason; the time held back does not count against the client's message. */
  private holdBack(why: HoldBack): void {
    if (this.heldBack.has(why)) return;
    if (this.heldBack.size === 0) {
      this.heldBackSince = Date.now();
      this.socket.pause();
    }
    this.heldBack.add(why);
  }

  private letGo(why: HoldBack): void {
    if (!this.heldBack.delete(why) || this.heldBack.size > 0 || this.closed) return;
    if (this.heldBackSince !== undefined && this.messageSince !== undefined) {
      this.messageSince += Date.now() - this.heldBackSince;
    }
    this.heldBackSince = undefined;
    this.socket.resume();
  }

  /** Waits while this connection's, or all connections', replies are not being read. */
  private async roomForReplies(): Promise<void> {
    const limits = this.hub.limits;
    while (!this.closed && (this.unread > limits.maxUnreadOutput || this.hub.outputFull)) {
      this.holdBack('replies');
      await this.hub.outputChange();
    }
    this.letGo('replies');
  }

  private async run(message: Buffer, reserved: number): Promise<void> {
    try {
      await this.roomForReplies();
      await this.answer(message);
    } finally {
      this.queued -= message.length;
      if (reserved > 0) this.hub.release(reserved);
      if (this.queued <= this.hub.limits.inputAllowance) this.letGo('queue');
      this.lastActivity = Date.now();
    }
  }

  private async answer(message: Buffer): Promise<void> {
    let parsed: ReturnType<typeof parseMessage>;
    try {
      parsed = parseMessage(message);
    } catch (err) {
      this.close(err instanceof ProtocolError ? err.message : `malformed message: ${(err as Error).message}`);
      return;
    }
    const { header, command, moreToCome, legacy } = parsed;
    const engine = this.engine;
    engine.network.numRequests++;
    engine.network.bytesIn += header.length;
    const db = typeof command.$db === 'string' ? command.$db : 'admin';
    let reply: Record<string, unknown>;
    try {
      reply = await runCommand(command, {
        engine,
        db,
        connectionId: this.id,
        remote: this.remote,
        messageSize: header.length,
      });
    } catch (err) {
      reply = asCommandError(err).toReply();
    }
    if (moreToCome || this.closed) return;
    let out: Buffer;
    try {
      out = legacy ? encodeOpReply(header.requestId, reply) : encodeOpMsg(header.requestId, reply);
    } catch (err) {
      const e = new MongoCommandError(
        ErrorCodes.BSONObjectTooLarge,
        `reply could not be encoded: ${(err as Error).message}`,
      );
      out = legacy
        ? encodeOpReply(header.requestId, e.toReply())
        : encodeOpMsg(header.requestId, e.toReply());
    }
    engine.network.bytesOut += out.length;
    if (this.unread === 0) this.lastReadProgress = Date.now();
    this.socket.write(out);
  }

  /** The periodic check of the time limits (WireServer's sweep). */
  sweep(now: number, outputFull: boolean): void {
    if (this.closed) return;
    const overdue = this.overdue(now, outputFull);
    if (!overdue) return;
    this.hub.closedBy[overdue.limit]++;
    this.close(overdue.why);
  }

  /** Which time limit, if any, the connection is past. */
  private overdue(
    now: number,
    outputFull: boolean,
  ): { limit: keyof WireStats['closed']; why: string } | null {
    const limits = this.hub.limits;
    if (
      this.messageSince !== undefined &&
      this.heldBack.size === 0 &&
      now - this.messageSince > limits.messageTimeoutMs
    ) {
      return {
        limit: 'messageTimeout',
        why: `a message did not arrive whole within ${limits.messageTimeoutMs} ms`,
      };
    }
    const unread = this.unread;
    if (unread > 0) {
      if (unread < this.lastUnread) this.lastReadProgress = now;
      this.lastUnread = unread;
      const unreadFor = now - this.lastReadProgress;
      if (unreadFor > limits.replyTimeoutMs) {
        return { limit: 'replyTimeout', why: `replies not read for ${limits.replyTimeoutMs} ms` };
      }
      if (outputFull && unreadFor > limits.pressureTimeoutMs) {
        return { limit: 'pressure', why: 'replies not read while the engine holds too many unread replies' };
      }
      return null;
    }
    this.lastUnread = 0;
    if (
      this.messageSince === undefined &&
      this.queued === 0 &&
      now - this.lastActivity > limits.idleTimeoutMs
    ) {
      return { limit: 'idle', why: `idle for ${limits.idleTimeoutMs} ms` };
    }
    return null;
  }
}
