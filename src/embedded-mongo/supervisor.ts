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

/** Starts the engine in a child process and keeps it running until stop(). */
export async function superviseEmbeddedMongo(
  options: EmbeddedMongoOptions,
  supervisor: SupervisorOptions = {},
): Promise<SupervisedEngine> {
  const spawn = supervisor.spawn ?? spawnEmbeddedMongo;
  const minDelay = supervisor.minDelayMs ?? 250;
  const maxDelay = supervisor.maxDelayMs ?? 30_000;
  const stableMs = supervisor.stableMs ?? 30_000;
  const listeners = new Set<(event: SupervisorEvent) => void>();
  const report = (event: SupervisorEvent) => {
    for (const listener of listeners) listener(event);
  };

  let current: EmbeddedMongo | undefined = await spawn(options);
  // Every restart asks for the address the driver already knows: the socket the first start
  // listened on, or on TCP the port it got (a port 0 is pinned); every other option is passed
  // as it was.
  const again: EmbeddedMongoOptions = current.socket
    ? { ...options, socket: current.socket }
    : { ...options, port: current.port };
  let stopping = false;
  let timer: NodeJS.Timeout | undefined;
  let delay = minDelay;
  let upSince = Date.now();

  const schedule = (attempt: number) => {
    timer = setTimeout(() => void restart(attempt), delay);
    timer.unref?.();
    delay = Math.min(delay * 2, maxDelay);
  };

  const restart = async (attempt: number): Promise<void> => {
    timer = undefined;
    if (stopping) return;
    try {
      const engine = await spawn(again);
      if (stopping) {
        await engine.stop();
        return;
      }
      current = engine;
      upSince = Date.now();
      report({ type: 'restarted', pid: engine.pid, attempt });
      watch(engine);
    } catch (err) {
      if (stopping) return;
      report({ type: 'restart_failed', attempt, error: (err as Error).message, retryInMs: delay });
      schedule(attempt + 1);
    }
  };

  const watch = (engine: EmbeddedMongo) => {
    void engine.exited?.then(({ code, signal }) => {
      if (stopping || current !== engine) return;
      current = undefined;
      if (Date.now() - upSince >= stableMs) delay = minDelay;
      report({ type: 'exited', pid: engine.pid, code, signal, restartInMs: delay });
      schedule(1);
    });
  };
  watch(current);

  return {
    uri: current.uri,
    port: current.port,
    ...(current.socket ? { socket: current.socket } : {}),
    running: () => current !== undefined,
    pid: () => current?.pid,
    onEvent: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    stop: async () => {
      stopping = true;
      if (timer) clearTimeout(timer);
      await current?.stop();
      current = undefined;
    },
  };
}
