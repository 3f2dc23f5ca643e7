// The app as the benchmarks run it: whatever `npm start` runs (package.json's start script,
// through a shell with node_modules/.bin on the PATH, as npm does), with the environment the
// benchmark itself was given, on a fresh DATA_DIR and a free port, with the per-address
// ceiling off (RATE_LIMIT_PER_MINUTE=0). Nothing else is set unless a caller asks: by default
// that is the default install (durable embedded engine, jobs inline, info logs, messages to
// the development outbox), and a setting given to `npm run bench` (`JOBS=off`, say) reaches
// the app as it would reach `npm start`; only MONGODB_URI and MONGODB_DB are not passed on.
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { socketPathIn } from '../src/embedded-mongo/index.ts';
import { send } from './http-load.ts';
import { descendantsOf, isNodeProcess, listenerAmong } from './proc-stats.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface BenchApp {
  port: number;
  /** The process that answers HTTP (not the shell or launcher in front of it). */
  pid: number;
  /** The embedded engine's child process, when the app runs its own. */
  enginePid: number | undefined;
  /** Where the benchmark reaches the app's database to seed it and count what was stored. */
  databaseUri: string;
  databaseName: string;
  /** The settings that shape what is measured, as the app sees them. */
  settings: Record<string, string>;
  /** Bytes the app has written to its log (stdout and stderr) so far. */
  logBytes(): number;
  /** Set once the app has exited, whether asked to or not. */
  exited(): boolean;
  /** SIGTERM (a graceful shutdown), then the whole process group after 20 s; removes DATA_DIR. */
  stop(): Promise<void>;
}

/** The command `npm start` runs. */
export function startCommand(): string {
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  const command = pkg.scripts.start;
  if (!command) throw new Error('package.json has no start script');
  return command;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** NODE_OPTIONS that load the profiler hook (bench/profile-hook.ts) into every Node.js process of the app. */
function profilerOptions(): string {
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const hook = pathToFileURL(path.join(root, 'bench/profile-hook.ts')).href;
  return `--import ${tsx} --import ${hook}`;
}

/** Starts the app and resolves once `/readyz` answers 200; stops it and fails if it never does. */
export async function startApp(
  opts: {
    /** Settings for this run on top of the benchmark's environment (MONGODB_URI, JOBS...). */
    env?: Record<string, string>;
    /** BENCH_PROFILE: a directory where SIGUSR2 makes the app's processes write CPU profiles. */
    profileDir?: string;
  } = {},
): Promise<BenchApp> {
  const work = mkdtempSync(path.join(os.tmpdir(), 'registry-bench-'));
  const dataDir = path.join(work, 'data');
  const logFile = path.join(work, 'app.log');
  const port = await freePort();
  // The shell's own database is never written to: another server is asked for by name
  // (BENCH_MONGODB_URI, which callers pass as MONGODB_URI).
  const { MONGODB_URI: _uri, MONGODB_DB: _db, ...inherited } = process.env;
  const env: NodeJS.ProcessEnv = {
    ...inherited,
    PATH: `${path.join(root, 'node_modules/.bin')}${path.delimiter}${process.env.PATH ?? ''}`,
    DATA_DIR: dataDir,
    PORT: String(port),
    RATE_LIMIT_PER_MINUTE: '0',
    ...opts.env,
  };
  if (opts.profileDir) {
    env.NODE_OPTIONS = `${env.NODE_OPTIONS ?? ''} ${profilerOptions()}`.trim();
    env.BENCH_PROFILE_HOOK_DIR = opts.profileDir;
  }
  const log = openSync(logFile, 'a');
  const command = startCommand();
  // Its own process group: stop() can end the launcher and everything under it, and only that.
  const child: ChildProcess = spawn('sh', ['-c', command], {
    cwd: root,
    env,
    detached: true,
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  const tail = () => readFileSync(logFile, 'utf8').split('\n').slice(-20).join('\n');
  const fail = async (why: string): Promise<never> => {
    if (!exited) process.kill(-child.pid!, 'SIGKILL');
    await exit;
    const lines = tail();
    rmSync(work, { recursive: true, force: true });
    throw new Error(`${why}; the end of its log:\n${lines}`);
  };

  const agent = new http.Agent();
  let ready = false;
  for (let i = 0; i < 1200 && !exited && !ready; i++) {
    ready = (await send(agent, port, { method: 'GET', path: '/readyz' })).status === 200;
    if (!ready) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  agent.destroy();
  if (!ready) return fail(exited ? `the app (${command}) exited` : 'the app did not become ready in 120 s');
  const tree = [child.pid!, ...descendantsOf(child.pid!)];
  const pid = listenerAmong(tree, port);
  if (pid === undefined) return fail(`no process under \`${command}\` listens on port ${port}`);

  const mongodbUri = env.MONGODB_URI;
  const socket = socketPathIn(path.join(dataDir, 'run'));
  if (!mongodbUri && !socket.startsWith(dataDir))
    return fail(`DATA_DIR ${dataDir} is too deep for a socket path`);
  const settings: Record<string, string> = {
    command,
    database: mongodbUri ? 'MONGODB_URI' : `embedded engine on disk (DATA_DIR=${dataDir})`,
  };
  for (const [name, fallback] of [
    ['JOBS', 'inline'],
    ['LOG_LEVEL', 'info'],
    ['SMTP_URL', 'unset: development outbox'],
    ['NODE_ENV', 'unset'],
  ] as const)
    settings[name] = env[name] ?? fallback;
  return {
    port,
    pid,
    enginePid: mongodbUri ? undefined : descendantsOf(pid).find(isNodeProcess),
    databaseUri: mongodbUri ?? `mongodb://${encodeURIComponent(socket)}/`,
    databaseName: env.MONGODB_DB ?? 'registry',
    settings,
    logBytes: () => {
      try {
        return statSync(logFile).size;
      } catch {
        return Number.NaN;
      }
    },
    exited: () => exited,
    stop: async () => {
      if (!exited) {
        try {
          process.kill(pid, 'SIGTERM');
        } catch {
          /* it has just exited */
        }
        const timer = setTimeout(() => !exited && process.kill(-child.pid!, 'SIGKILL'), 20_000);
        await exit;
        clearTimeout(timer);
      }
      // Anything the launcher left behind in its group (nothing, after a clean shutdown).
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* the group is gone */
      }
      rmSync(work, { recursive: true, force: true });
    },
  };
}
