// What a command handler receives: the engine's state, the calling connection and the
// command's time budget.
import type { Budget } from '../budget.ts';
import type { CursorRegistry } from '../cursors.ts';
import type { WriteTicket } from '../journal-writer.ts';
import type { Store } from '../storage.ts';
import type { Doc } from '../values.ts';
import type { WireStats } from '../wire-limits.ts';

export interface Counters {
  insert: number;
  query: number;
  update: number;
  delete: number;
  getmore: number;
  command: number;
}

export interface ServerParameters {
  ttlMonitorSleepSecs: number;
  cursorTimeoutMillis: number;
}

export interface EngineState {
  store: Store;
  cursors: CursorRegistry;
  counters: Counters;
  params: ServerParameters;
  startedAt: number;
  connections: { current: number; totalCreated: number };
  /** serverStatus.network: messages received and bytes each way. */
  network: { bytesIn: number; bytesOut: number; numRequests: number };
  persistent: boolean;
  dbPath: string | undefined;
  port: number;
  bind: string;
  ttlDeleted: number;
  /** Marks the start of a command, before it changes anything. */
  beginWrite(): WriteTicket;
  /** Waits until the command's changes are durable; rejects when they were taken back. */
  commit(ticket: WriteTicket): Promise<void>;
  /**
   * For a write that asked for no journal (`j: false`): its changes are flushed with the next
   * group commit, not waited for. Rejects, as commit does, when a rollback happened meanwhile.
   */
  commitInMemory(ticket: WriteTicket): Promise<void>;
  /** How the connection limits are doing (set by the server that listens; serverStatus `wire`). */
  wire?: () => WireStats;
  /** Waits until every change so far is durable (no-op in memory). */
  flush(): Promise<void>;
  /** Rewrites the journal into a snapshot (no-op in memory). */
  compact(): Promise<void>;
  /** The whole state at one instant, as a backup file's bytes, once all of it is durable. */
  backup(): Promise<Buffer>;
}

export interface CommandContext {
  engine: EngineState;
  db: string;
  connectionId: number;
  remote: string;
  /** Size of the request message, for the 16 MiB document checks. */
  messageSize: number;
  /** The command's maxTimeMS and its slices of the event loop (set by the dispatcher). */
  budget?: Budget;
}

export type CommandHandler = (cmd: Doc, ctx: CommandContext) => Doc | Promise<Doc>;

/** A collection's default collation (`create` with `collation`), applied when a command names none. */
export function defaultCollation(ctx: CommandContext, collection: string): unknown {
  return ctx.engine.store.getCollection(ctx.db, collection)?.options.collation;
}
