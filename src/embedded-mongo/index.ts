// The embedded MongoDB-compatible engine: a server speaking the MongoDB wire protocol, for
// development and tests where no mongod can be installed. In production MONGODB_URI points
// at a real MongoDB and this module is not used. It imports nothing of the application.
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import v8 from 'node:v8';
import { Engine } from './engine.ts';
import {
  lockDownSocket,
  makePrivateDir,
  prepareSocket,
  removeSocket,
  socketUri,
  temporarySocketPath,
} from './private-channel.ts';
import { type Endpoint, listen } from './server.ts';
import type { ConnectionLimits } from './wire-limits.ts';

export { socketPathIn } from './private-channel.ts';

export interface EmbeddedMongoOptions {
  /**
   * Listen on TCP, on this port (0: a free one), at `bind`. Only when asked for: the engine
   * has no authentication, and any local user can open a TCP port.
   */
  port?: number;
  bind?: string;
  /**
   * Listen on this Unix-domain socket (ending in .sock), in a directory made private to this
   * OS user (see private-channel.ts). Without it or a port: a socket in a private temporary
   * directory.
   */
  socket?: string;
  /** Data directory (made private to this OS user); omitted = in memory. */
  dbPath?: string;
  logger?: (line: string) => void;
  /** Limits on what connections may make the engine hold, and for how long (wire-limits.ts). */
  limits?: Partial<ConnectionLimits>;
}

export interface EmbeddedMongo {
  /** mongodb://%2Fpath%2Fto%2Fmongod.sock/ on a socket, mongodb://127.0.0.1:PORT/ on TCP */
  uri: string;
  /** The TCP port; 0 on a socket. */
  port: number;
  /** The process the engine runs in. */
  pid: number;
  /** spawnEmbeddedMongo only: settles when the child exits, on stop() or on its own (a crash, kill -9). */
  exited?: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The socket's path, when it listens on one. */
  socket?: string;
  stop(): Promise<void>;
}

/** Where the options say to listen: the port when one is given, else a socket (a temporary one by default). */
function endpointOf(opts: EmbeddedMongoOptions): Endpoint {
  if (opts.port !== undefined && opts.socket !== undefined)
    throw new Error('embedded MongoDB: give a port or a socket, not both');
  if (opts.port !== undefined) return { port: opts.port, bind: opts.bind ?? '127.0.0.1' };
  return { socket: path.resolve(opts.socket ?? temporarySocketPath()) };
}

function uriFor(bind: string, port: number): string {
  const host =
    bind === '0.0.0.0' ? '127.0.0.1' : bind === '::' ? '[::1]' : bind.includes(':') ? `[${bind}]` : bind;
  return `mongodb://${host}:${port}/`;
}

/**
 * V8 runs a regular expression that backtracks past a limit again on its linear-time engine, so
 * a catastrophically backtracking `$regex` (`^(a+)+$` against a long string) cannot freeze the
 * engine. The flag is process-wide and changes no result, only how a runaway match is run.
 */
const LINEAR_REGEX_FALLBACK = '--enable-experimental-regexp-engine-on-excessive-backtracks';

/** Starts the engine in this process. */
export async function startEmbeddedMongo(opts: EmbeddedMongoOptions = {}): Promise<EmbeddedMongo> {
  v8.setFlagsFromString(LINEAR_REGEX_FALLBACK);
  const log = opts.logger ?? (() => undefined);
  const endpoint = endpointOf(opts);
  if (opts.dbPath) makePrivateDir(opts.dbPath, { strict: false });
  const engine = new Engine(opts.dbPath, log);
  engine.open();
  let server: Awaited<ReturnType<typeof listen>>;
  try {
    if ('socket' in endpoint) await prepareSocket(endpoint.socket);
    server = await listen(engine, endpoint, log, opts.limits);
    if ('socket' in endpoint) lockDownSocket(endpoint.socket);
  } catch (err) {
    await engine.close();
    throw err;
  }
  engine.port = server.port;
  engine.bind = 'socket' in endpoint ? endpoint.socket : endpoint.bind;
  const where = 'socket' in endpoint ? endpoint.socket : `${endpoint.bind}:${server.port}`;
  log(
    `embedded MongoDB ${opts.dbPath ? `on ${opts.dbPath}` : 'in memory'}: waiting for connections on ${where}`,
  );
  let stopping: Promise<void> | null = null;
  return {
    uri: uriOf(endpoint, server.port),
    port: server.port,
    pid: process.pid,
    ...('socket' in endpoint ? { socket: endpoint.socket } : {}),
    stop: () => {
      stopping ??= (async () => {
        await server.close();
        if ('socket' in endpoint) removeSocket(endpoint.socket);
        await engine.close();
      })();
      return stopping;
    },
  };
}

function uriOf(endpoint: Endpoint, port: number): string {
  return 'socket' in endpoint ? socketUri(endpoint.socket) : uriFor(endpoint.bind, port);
}

type ChildMessage =
  | { type: 'ready'; port: number }
  | { type: 'error'; message: string }
  | { type: 'log'; line: string };

/**
 * The child process's entry. Compiled (dist/, as npm start runs) it is child.js beside this
 * module, plain JavaScript; run from source (tests, tsx) it is child.ts, run through tsx's
 * loader, resolved from here (works whether this module was loaded as ESM or, by tsx's
 * require hook, as CommonJS).
 */
function childEntry(): { file: string; loader: string[] } {
  if (fileURLToPath(import.meta.url).endsWith('.js'))
    return { file: fileURLToPath(new URL('./child.js', import.meta.url)), loader: [] };
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  return { file: fileURLToPath(new URL('./child.ts', import.meta.url)), loader: ['--import', tsx] };
}

/**
 * Starts the engine in a child process, so that it does not share the caller's event loop.
 * The child exits when stop() is called or when this process dies (its IPC channel closes).
 */
export function spawnEmbeddedMongo(opts: EmbeddedMongoOptions = {}): Promise<EmbeddedMongo> {
  const log = opts.logger ?? (() => undefined);
  // Decided here, so that this process knows the socket the child listens on.
  const endpoint = endpointOf(opts);
  const listenOn = 'socket' in endpoint ? { socket: endpoint.socket } : endpoint;
  const entry = childEntry();
  const child = fork(entry.file, [], {
    execArgv: [...entry.loader, LINEAR_REGEX_FALLBACK],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: {
      ...process.env,
      EMBEDDED_MONGO_OPTIONS: JSON.stringify({ ...opts, ...listenOn, logger: undefined }),
    },
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) =>
      reject(new Error(`embedded MongoDB child exited during start (code ${code})`));
    child.once('exit', onExit);
    child.on('message', (msg: ChildMessage) => {
      if (msg.type === 'log') log(msg.line);
      else if (msg.type === 'error') {
        child.off('exit', onExit);
        reject(new Error(msg.message));
      } else if (msg.type === 'ready') {
        child.off('exit', onExit);
        let stopping: Promise<void> | null = null;
        resolve({
          uri: uriOf(endpoint, msg.port),
          port: msg.port,
          pid: child.pid!,
          exited,
          ...('socket' in endpoint ? { socket: endpoint.socket } : {}),
          stop: () => {
            stopping ??= (async () => {
              if (child.exitCode === null && child.signalCode === null) {
                child.send({ type: 'stop' });
                const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
                await exited;
                clearTimeout(timer);
              }
            })();
            return stopping;
          },
        });
      }
    });
  });
}
