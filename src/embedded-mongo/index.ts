// The embedded MongoDB-compatible engine: a server speaking the MongoDB wire protocol, for
// development and tests where no mongod can be installed. In production MONGODB_URI points
// at a real MongoDB and this module is not used. It imports nothing of the application.
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import v8 from 'node:v8';
import { Engine } from './engine.ts';
import { listen } from './server.ts';

export interface EmbeddedMongoOptions {
  port?: number;
  bind?: string;
  /** Data directory; omitted = in memory. */
  dbPath?: string;
  logger?: (line: string) => void;
}

export interface EmbeddedMongo {
  /** e.g. mongodb://127.0.0.1:PORT/ */
  uri: string;
  port: number;
  /** The process the engine runs in. */
  pid: number;
  /** spawnEmbeddedMongo only: settles when the child exits, on stop() or on its own (a crash, kill -9). */
  exited?: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(): Promise<void>;
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
  const bind = opts.bind ?? '127.0.0.1';
  const engine = new Engine(opts.dbPath, log);
  engine.open();
  let server: Awaited<ReturnType<typeof listen>>;
  try {
    server = await listen(engine, opts.port ?? 27017, bind, log);
  } catch (err) {
    await engine.close();
    throw err;
  }
  engine.port = server.port;
  engine.bind = bind;
  log(
    `embedded MongoDB ${opts.dbPath ? `on ${opts.dbPath}` : 'in memory'}: waiting for connections on ${bind}:${server.port}`,
  );
  let stopping: Promise<void> | null = null;
  return {
    uri: uriFor(bind, server.port),
    port: server.port,
    pid: process.pid,
    stop: () => {
      stopping ??= (async () => {
        await server.close();
        await engine.close();
      })();
      return stopping;
    },
  };
}

type ChildMessage =
  | { type: 'ready'; port: number }
  | { type: 'error'; message: string }
  | { type: 'log'; line: string };

/**
 * Starts the engine in a child process, so that it does not share the caller's event loop.
 * The child exits when stop() is called or when this process dies (its IPC channel closes).
 */
export function spawnEmbeddedMongo(opts: EmbeddedMongoOptions = {}): Promise<EmbeddedMongo> {
  const log = opts.logger ?? (() => undefined);
  const bind = opts.bind ?? '127.0.0.1';
  const child = fork(fileURLToPath(new URL('./child.ts', import.meta.url)), [], {
    // The child runs TypeScript through tsx's loader, resolved from here (works whether this
    // module was loaded as ESM or, by tsx's require hook, as CommonJS).
    execArgv: [
      '--import',
      pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href,
      LINEAR_REGEX_FALLBACK,
    ],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, EMBEDDED_MONGO_OPTIONS: JSON.stringify({ ...opts, logger: undefined, bind }) },
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
          uri: uriFor(bind, msg.port),
          port: msg.port,
          pid: child.pid!,
          exited,
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
