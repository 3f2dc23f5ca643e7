// The real application as users and attackers meet it: an HTTP server on 127.0.0.1, on the
// test database (startTestServer), or in a child process of its own against a spawned engine
// that can be stopped and started again on the same port and data directory (spawnEngine,
// startAppProcess). Tests drive it over real sockets.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DestinationStream } from 'pino';
import { createApp } from '../../src/app.ts';
import type { Config } from '../../src/config.ts';
import { type Container, createContainer } from '../../src/container.ts';
import { type EmbeddedMongo, spawnEmbeddedMongo } from '../../src/embedded-mongo/index.ts';
import { createLogger } from '../../src/logger.ts';
import { connectTestDatabase, TEST_SECRET, type TestClock, testClock, testConfig } from './test-app.ts';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface RunningServer {
  /** e.g. http://127.0.0.1:41234 (no trailing slash) */
  url: string;
  port: number;
  clock: TestClock;
  config: Readonly<Config>;
  container: Container;
  app: ReturnType<typeof createApp>;
  close(): Promise<void>;
}

export interface ServerOptions {
  now: string;
  env?: Record<string, string>;
  /** Where the app's pino log goes (to grep it); silent when omitted. */
  logDestination?: DestinationStream;
  logLevel?: string;
  /** False: Mongoose is already connected where the test wants it (a spawned engine). */
  connect?: boolean;
  /** The /readyz check, given the app's container; the default always answers ready. */
  readiness?: (container: Container) => Promise<{ ok: boolean; checks: Record<string, boolean> }>;
}

/** Builds the real app (same wiring as src/server.ts) and listens on 127.0.0.1 on a free port. */
export async function startTestServer(opts: ServerOptions): Promise<RunningServer> {
  if (opts.connect !== false) await connectTestDatabase();
  const clock = testClock(opts.now);
  // BASE_URL is fixed later: the port is known only after listen(), and the manage links
  // the pages print must point at this server.
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  const config = testConfig({
    BASE_URL: url,
    ...(opts.logDestination ? { LOG_LEVEL: opts.logLevel ?? 'info' } : {}),
    ...opts.env,
  });
  const logger = createLogger(config.logLevel, opts.logDestination);
  const container = createContainer({ config, logger, secret: TEST_SECRET, clock });
  const app = createApp({
    container,
    readiness: opts.readiness
      ? () => opts.readiness!(container)
      : async () => ({ ok: true, checks: { database: true } }),
  });
  server.on('request', app);
  return {
    url,
    port,
    clock,
    config,
    container,
    app,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      container.mailer.close();
    },
  };
}

/** A free TCP port on 127.0.0.1 (listen on 0, read it, close). */
export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/** Runs `fn` with coverage off for the processes it starts (see startAppProcess). */
export async function withoutChildCoverage<T>(fn: () => Promise<T>): Promise<T> {
  const saved = process.env.NODE_V8_COVERAGE;
  process.env.NODE_V8_COVERAGE = '';
  try {
    return await fn();
  } finally {
    if (saved === undefined) delete process.env.NODE_V8_COVERAGE;
    else process.env.NODE_V8_COVERAGE = saved;
  }
}

export interface SpawnedEngine {
  uri: string;
  port: number;
  dbPath: string;
  running(): boolean;
  /** Stops the engine (the data stays in dbPath). */
  stop(): Promise<void>;
  /** Starts it again on the same port and data directory. */
  start(): Promise<void>;
  /** Stops it and removes its data directory. */
  dispose(): Promise<void>;
}

/**
 * The embedded engine in a child process with its data on disk in a fresh temporary
 * directory and a fixed port, so it can be stopped and started again under a running app.
 */
export async function spawnEngine(): Promise<SpawnedEngine> {
  const dbPath = mkdtempSync(path.join(tmpdir(), 'registry-engine-'));
  const port = await freePort();
  let engine: EmbeddedMongo | undefined;
  const start = async () => {
    // The port was just released by the previous engine; retry briefly if the OS holds it.
    for (let attempt = 0; ; attempt++) {
      try {
        engine = await withoutChildCoverage(() => spawnEmbeddedMongo({ port, dbPath }));
        return;
      } catch (err) {
        if (attempt >= 20) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  };
  await start();
  return {
    uri: `mongodb://127.0.0.1:${port}/`,
    port,
    dbPath,
    running: () => engine !== undefined,
    start,
    stop: async () => {
      await engine?.stop();
      engine = undefined;
    },
    dispose: async () => {
      await engine?.stop();
      engine = undefined;
      rmSync(dbPath, { recursive: true, force: true });
    },
  };
}

export interface AppProcess {
  url: string;
  child: ChildProcess;
  /** Everything the process wrote (stdout and stderr), for diagnostics. */
  output(): string;
  /** Sends a signal and waits for the process to exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * The environment of an app process the tests start: the test defaults, then `env`, where an
 * undefined value takes a default away (to see what the app does without it).
 */
function appProcessEnv(
  defaults: Record<string, string>,
  env: Record<string, string | undefined> = {},
): NodeJS.ProcessEnv {
  const merged: Record<string, string | undefined> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    // No coverage from children: c8 cannot merge their differently compiled sources with the
    // parent's (it lowers the figures). Empty, not absent: Node would copy its own value in.
    NODE_V8_COVERAGE: '',
    // As in testConfig: texts beside e-mails are tested where they are the subject.
    SMS_NOTICES: 'false',
    ...defaults,
    ...env,
  };
  return Object.fromEntries(Object.entries(merged).filter(([, v]) => v !== undefined)) as NodeJS.ProcessEnv;
}

/**
 * Runs a script of the project (src/server.ts, jobs/worker.ts, scripts/backup.ts...) with `args`
 * and exactly `env` (plus PATH and HOME), and waits for it to exit. Kills it after `ms`.
 */
export async function runToExit(
  script: string,
  opts: { args?: string[]; env?: Record<string, string | undefined>; ms?: number } = {},
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  const { args = [], env = {}, ms = 60_000 } = opts;
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, script), ...args], {
    cwd: ROOT,
    env: appProcessEnv({}, env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), ms);
  const [code, signal] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null];
  clearTimeout(timer);
  return { code, signal, stdout, stderr };
}

/**
 * Runs src/server.ts in a child process (the real boot: config, connect, indexes, listen)
 * against MONGODB_URI, or without it (as `npm start` runs: its own embedded engine on
 * env.DATA_DIR, supervised), and waits until /healthz answers. In `env`, an undefined value
 * takes one of the test defaults away.
 */
export async function startAppProcess(opts: {
  mongodbUri?: string;
  dbName: string;
  env?: Record<string, string | undefined>;
  /** How long the start may take (default 60 s: the test machine is often busy). */
  startMs?: number;
}): Promise<AppProcess> {
  const port = await freePort();
  const startMs = opts.startMs ?? 60_000;
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/server.ts')], {
    cwd: ROOT,
    env: appProcessEnv(
      {
        NODE_ENV: 'test',
        PORT: String(port),
        HOST: '127.0.0.1',
        BASE_URL: url,
        ...(opts.mongodbUri ? { MONGODB_URI: opts.mongodbUri } : {}),
        MONGODB_DB: opts.dbName,
        APP_SECRET: TEST_SECRET,
        RATE_LIMIT_PER_MINUTE: '0',
        SEED_DEMO: 'false',
        JOBS: 'off',
        LOG_LEVEL: 'warn',
      },
      opts.env,
    ),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  const deadline = Date.now() + startMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`app process exited during start:\n${out}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`app process did not answer /healthz within ${startMs / 1000} s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    child,
    output: () => out,
    kill: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

/**
 * Runs jobs/worker.ts (what `npm run worker` runs) in a child process against MONGODB_URI, with
 * the test defaults as startAppProcess gives them, and waits until it says it runs jobs.
 */
export async function startWorkerProcess(opts: {
  mongodbUri: string;
  dbName: string;
  env?: Record<string, string | undefined>;
  startMs?: number;
}): Promise<Omit<AppProcess, 'url'>> {
  const startMs = opts.startMs ?? 60_000;
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'jobs/worker.ts')], {
    cwd: ROOT,
    env: appProcessEnv(
      {
        NODE_ENV: 'test',
        MONGODB_URI: opts.mongodbUri,
        MONGODB_DB: opts.dbName,
        APP_SECRET: TEST_SECRET,
        SEED_DEMO: 'false',
        LOG_LEVEL: 'info',
      },
      opts.env,
    ),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const started = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`worker did not start within ${startMs / 1000} s:\n${out}`)),
      startMs,
    );
    const seen = (d: Buffer) => {
      out += d.toString();
      if (out.includes('job worker running')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', seen);
    child.stderr?.on('data', seen);
    child.once('exit', () => {
      clearTimeout(timer);
      reject(new Error(`worker exited during start:\n${out}`));
    });
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await started;
  return {
    child,
    output: () => out,
    kill: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

export interface AppRoute {
  method: string;
  /** Express path pattern, e.g. /booking/:token/cancel */
  path: string;
}

interface RouterLayer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle?: { stack?: RouterLayer[] };
  rawPath?: unknown;
}

/**
 * Every route the app answers, read from its router stack (mounted routers included), so a
 * test over "every state-changing route" covers routes added later without being edited.
 */
export function appRoutes(app: { router: { stack: RouterLayer[] } }): AppRoute[] {
  const out: AppRoute[] = [];
  const walk = (stack: RouterLayer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
        for (const p of paths) {
          for (const [method, on] of Object.entries(layer.route.methods)) {
            if (on && method !== '_all')
              out.push({ method: method.toUpperCase(), path: `${prefix}${p}` || '/' });
          }
        }
      } else if (layer.handle?.stack) {
        const mount = typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : '';
        walk(layer.handle.stack, `${prefix}${mount}`);
      }
    }
  };
  walk(app.router.stack, '');
  return out;
}

/** Fills an Express path pattern's parameters from `values` (by name), 'x' for unknown ones. */
export function fillPath(pattern: string, values: Record<string, string>): string {
  return pattern
    .replace(/:(\w+)\??/g, (_m, name: string) => encodeURIComponent(values[name] ?? 'x'))
    .replace(/\/\*\w*$/, '/x');
}
