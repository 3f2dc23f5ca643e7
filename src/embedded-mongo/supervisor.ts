// Keeps the embedded engine's child process running: if it exits on its own (a crash, kill -9,
// the OOM killer), it is started again with the options it was first started with, on the
// same address (socket or port), so the driver reconnects by itself and the application serves again
// without a restart of its own. Restarts back off (doubling, up to a ceiling) while the engine
// keeps failing to start (a data directory it refuses, a port still held), and every exit and
// restart is reported.
import { type EmbeddedMongo, type EmbeddedMongoOptions, spawnEmbeddedMongo } from './index.ts';

export type SupervisorEvent =
  | { type: 'exited'; pid: number; code: number | null; signal: string | null; restartInMs: number }
  | { type: 'restarted'; pid: number; attempt: number }
  | { type: 'restart_failed'; attempt: number; error: string; retryInMs: number };

export interface SupervisorOptions {
  /** First delay before a restart; doubles on each failed attempt. */
  minDelayMs?: number;
  maxDelayMs?: number;
  /** An engine up this long has recovered: the next exit starts again from minDelayMs. */
  stableMs?: number;
  /** How the engine is started (tests pass their own). */
  spawn?: (opts: EmbeddedMongoOptions) => Promise<EmbeddedMongo>;
}

export interface SupervisedEngine {
  uri: string;
  /** The TCP port; 0 on a socket. */
  port: number;
  /** The socket's path, when it listens on one. */
  socket?: string;
  /** True while an engine process is up (false from its exit until its restart is ready). */
  running(): boolean;
  /** The current engine process, if any. */
  pid(): number | undefined;
  /** Calls `listener` with every exit and restart from now on; returns how to stop listening. */
  onEvent(listener: (event: SupervisorEvent) => void): () => void;
  /** Stops the engine for good: no restart follows. */
  stop(): Promise<void>;
}

/** What a supervisor keeps between one exit and the next restart. */
interface Supervision {
  spawn: (opts: EmbeddedMongoOptions) => Promise<EmbeddedMongo>;
  /** How every restart starts the engine: the first start's options, on the address it got. */
  again: EmbeddedMongoOptions;
  minDelay: number;
  maxDelay: number;
  stableMs: number;
  listeners: Set<(event: SupervisorEvent) => void>;
  current: EmbeddedMongo | undefined;
  stopping: boolean;
  timer: NodeJS.Timeout | undefined;
  delay: number;
  upSince: number;
}

/** Starts the engine in a child process and keeps it running until stop(). */
export async function superviseEmbeddedMongo(
  options: EmbeddedMongoOptions,
  supervisor: SupervisorOptions = {},
): Promise<SupervisedEngine> {
  const spawn = supervisor.spawn ?? spawnEmbeddedMongo;
  const first = await spawn(options);
  const minDelay = supervisor.minDelayMs ?? 250;
  const s: Supervision = {
    spawn,
    // Every restart asks for the address the driver already knows: the socket the first start
    // listened on, or on TCP the port it got (a port 0 is pinned); every other option is
    // passed as it was.
    again: first.socket ? { ...options, socket: first.socket } : { ...options, port: first.port },
    minDelay,
    maxDelay: supervisor.maxDelayMs ?? 30_000,
    stableMs: supervisor.stableMs ?? 30_000,
    listeners: new Set(),
    current: first,
    stopping: false,
    timer: undefined,
    delay: minDelay,
    upSince: Date.now(),
  };
  watch(s, first);
  return {
    uri: first.uri,
    port: first.port,
    ...(first.socket ? { socket: first.socket } : {}),
    running: () => s.current !== undefined,
    pid: () => s.current?.pid,
    onEvent: (listener) => {
      s.listeners.add(listener);
      return () => s.listeners.delete(listener);
    },
    stop: async () => {
      s.stopping = true;
      if (s.timer) clearTimeout(s.timer);
      await s.current?.stop();
      s.current = undefined;
    },
  };
}

function report(s: Supervision, event: SupervisorEvent): void {
  for (const listener of s.listeners) listener(event);
}

function schedule(s: Supervision, attempt: number): void {
  s.timer = setTimeout(() => void restart(s, attempt), s.delay);
  s.timer.unref?.();
  s.delay = Math.min(s.delay * 2, s.maxDelay);
}

async function restart(s: Supervision, attempt: number): Promise<void> {
  s.timer = undefined;
  if (s.stopping) return;
  try {
    const engine = await s.spawn(s.again);
    if (s.stopping) {
      await engine.stop();
      return;
    }
    s.current = engine;
    s.upSince = Date.now();
    report(s, { type: 'restarted', pid: engine.pid, attempt });
    watch(s, engine);
  } catch (err) {
    if (s.stopping) return;
    report(s, { type: 'restart_failed', attempt, error: (err as Error).message, retryInMs: s.delay });
    schedule(s, attempt + 1);
  }
}

function watch(s: Supervision, engine: EmbeddedMongo): void {
  void engine.exited?.then(({ code, signal }) => {
    if (s.stopping || s.current !== engine) return;
    s.current = undefined;
    if (Date.now() - s.upSince >= s.stableMs) s.delay = s.minDelay;
    report(s, { type: 'exited', pid: engine.pid, code, signal, restartInMs: s.delay });
    schedule(s, 1);
  });
}
