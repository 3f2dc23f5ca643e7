// Server-side cursors: a result snapshot handed out in batches (by count and by the 16 MiB
// reply budget), identified by Int64 ids, killed after `cursorTimeoutMillis` idle (10 minutes).
import { BSON, Long } from 'bson';
import { ErrorCodes, MongoCommandError } from './errors.ts';
import type { Doc } from './values.ts';
import { MAX_BSON_OBJECT_SIZE } from './wire.ts';

export const DEFAULT_FIRST_BATCH = 101;

interface ServerCursor {
  id: number;
  ns: string;
  docs: Doc[];
  pos: number;
  project: ((docs: Doc[]) => Doc[]) | null;
  lastUsed: number;
  noTimeout: boolean;
}

export interface Batch {
  cursor: { id: Long; ns: string; firstBatch?: Doc[]; nextBatch?: Doc[] };
}

export class CursorRegistry {
  private readonly cursors = new Map<number, ServerCursor>();
  timeoutMs = 10 * 60 * 1000;
  timedOut = 0;
  totalOpened = 0;

  get open(): number {
    return this.cursors.size;
  }

  private newId(): number {
    // Positive 53-bit ids: exact as JavaScript numbers, sent as Int64.
    for (;;) {
      const id = Math.floor(Math.random() * 2 ** 52) + 1;
      if (!this.cursors.has(id)) return id;
    }
  }

  private take(c: ServerCursor, batchSize: number | undefined): Doc[] {
    const max = batchSize && batchSize > 0 ? batchSize : Number.POSITIVE_INFINITY;
    const out: Doc[] = [];
    let bytes = 0;
    while (c.pos < c.docs.length && out.length < max) {
      const raw = c.docs[c.pos]!;
      const doc = c.project ? c.project([raw])[0]! : raw;
      const size = BSON.calculateObjectSize(doc);
      if (out.length > 0 && bytes + size > MAX_BSON_OBJECT_SIZE) break;
      bytes += size;
      out.push(doc);
      c.pos++;
    }
    return out;
  }

  /** The first batch of a result; a cursor stays open only when more remains. */
  first(
    ns: string,
    docs: Doc[],
    opts: {
      batchSize?: number;
      singleBatch?: boolean;
      project?: ((docs: Doc[]) => Doc[]) | null;
      noTimeout?: boolean;
    },
  ): Batch {
    const c: ServerCursor = {
      id: 0,
      ns,
      docs,
      pos: 0,
      project: opts.project ?? null,
      lastUsed: Date.now(),
      noTimeout: opts.noTimeout === true,
    };
    const batchSize = opts.batchSize ?? DEFAULT_FIRST_BATCH;
    const firstBatch =
      batchSize === 0 ? [] : this.take(c, opts.singleBatch && !opts.batchSize ? undefined : batchSize);
    if (c.pos < docs.length && !opts.singleBatch) {
      c.id = this.newId();
      this.cursors.set(c.id, c);
      this.totalOpened++;
    }
    return { cursor: { firstBatch, id: Long.fromNumber(c.id), ns } };
  }

  getMore(id: number, ns: string, batchSize: number | undefined): Batch {
    const c = this.cursors.get(id);
    if (!c) throw new MongoCommandError(ErrorCodes.CursorNotFound, `cursor id ${id} not found`);
    if (c.ns !== ns) {
      throw new MongoCommandError(
        ErrorCodes.Unauthorized,
        `Requested getMore on namespace '${ns}', but cursor belongs to a different namespace ${c.ns}`,
      );
    }
    c.lastUsed = Date.now();
    const nextBatch = this.take(c, batchSize);
    let outId = c.id;
    if (c.pos >= c.docs.length) {
      this.cursors.delete(id);
      outId = 0;
    }
    return { cursor: { nextBatch, id: Long.fromNumber(outId), ns } };
  }

  kill(id: number): boolean {
    return this.cursors.delete(id);
  }

  /** Kills cursors idle for longer than the timeout; returns how many. */
  sweep(now = Date.now()): number {
    let n = 0;
    for (const [id, c] of this.cursors) {
      if (!c.noTimeout && now - c.lastUsed > this.timeoutMs) {
        this.cursors.delete(id);
        n++;
      }
    }
    this.timedOut += n;
    return n;
  }

  /** Drops cursors over a namespace (its collection was dropped or renamed). */
  killNamespace(ns: string): void {
    for (const [id, c] of this.cursors) if (c.ns === ns || c.ns.startsWith(`${ns}.`)) this.cursors.delete(id);
  }

  clear(): void {
    this.cursors.clear();
  }
}
