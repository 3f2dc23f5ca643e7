// What all connections of one server share: the budgets of held input and unread replies
// (wire-limits.ts), the queue of connections waiting for input budget, and the counts the
// server reports of them (serverStatus). Each connection is in connection.ts.
import type { ConnectionLimits, WireStats } from './wire-limits.ts';

/** What the hub needs of a connection. */
export interface HubMember {
  /** Reply bytes written to it and not yet taken by its client. */
  readonly unread: number;
  readonly waitingForReplies: boolean;
  /** Its turn came: `bytes` of input budget are reserved for it. */
  granted(bytes: number): void;
}

/**
 * What all connections of one server share. Bytes for a message larger than a connection's
 * allowance are reserved, at its full announced length, from one budget before its body is
 * read; connections that wait for room are served in the order they asked. A message holds
 * its reservation until it is answered.
 */
export class WireHub<C extends HubMember = HubMember> {
  readonly connections = new Set<C>();
  reservedInput = 0;
  private readonly waiting: { connection: C; bytes: number }[] = [];
  private outputWaiters: (() => void)[] = [];
  readonly closedBy: WireStats['closed'] = { messageTimeout: 0, replyTimeout: 0, pressure: 0, idle: 0 };

  constructor(readonly limits: ConnectionLimits) {}

  /** Room for `bytes` now, in turn; a message larger than the whole budget gets it alone. */
  private fits(bytes: number): boolean {
    return this.reservedInput === 0 || this.reservedInput + bytes <= this.limits.maxBufferedInput;
  }

  /** Reserves at once when there is room and nobody is waiting before; else queues the connection. */
  reserve(connection: C, bytes: number): boolean {
    if (this.waiting.length === 0 && this.fits(bytes)) {
      this.reservedInput += bytes;
      return true;
    }
    this.waiting.push({ connection, bytes });
    return false;
  }

  release(bytes: number): void {
    this.reservedInput -= bytes;
    while (this.waiting.length > 0 && this.fits(this.waiting[0]!.bytes)) {
      const { connection, bytes: granted } = this.waiting.shift()!;
      this.reservedInput += granted;
      connection.granted(granted);
    }
  }

  forget(c: C): void {
    this.connections.delete(c);
    const at = this.waiting.findIndex((w) => w.connection === c);
    if (at >= 0) this.waiting.splice(at, 1);
    this.outputChanged();
  }

  /** Reply bytes written and not yet taken by their clients, over every connection. */
  unreadOutput(): number {
    let total = 0;
    for (const c of this.connections) total += c.unread;
    return total;
  }

  get outputFull(): boolean {
    return this.unreadOutput() > this.limits.maxTotalUnreadOutput;
  }

  /** Resolves at the next change of unread replies anywhere (a drain, a close, a sweep). */
  outputChange(): Promise<void> {
    return new Promise((resolve) => this.outputWaiters.push(resolve));
  }

  outputChanged(): void {
    const waiters = this.outputWaiters;
    this.outputWaiters = [];
    for (const resolve of waiters) resolve();
  }

  stats(): WireStats {
    let waitingForReplies = 0;
    for (const c of this.connections) if (c.waitingForReplies) waitingForReplies++;
    return {
      reservedInputBytes: this.reservedInput,
      unreadOutputBytes: this.unreadOutput(),
      waitingForInputBudget: this.waiting.length,
      waitingForReplies,
      closed: { ...this.closedBy },
    };
  }
}
