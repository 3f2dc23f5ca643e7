// The app as the benchmarks run it: `src/server.ts` in its own process, as `npm start` runs it,
// against a given database, with the per-address ceiling, demo seed and jobs off.
import { type ChildProcess, spawn } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { send } from './http-load.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Starts the app and resolves once `/readyz` answers 200; stops it and fails if it never does. */
export async function startBenchApp(opts: {
  mongoUri: string;
  dbName: string;
  port: number;
  secret: string;
  /** Extra Node.js flags for the app process (a CPU profile, say). */
  nodeFlags?: string[];
}): Promise<ChildProcess> {
  const child = spawn(process.execPath, [...(opts.nodeFlags ?? []), '--import', 'tsx', 'src/server.ts'], {
    cwd: root,
    env: {
      ...process.env,
      MONGODB_URI: opts.mongoUri,
      MONGODB_DB: opts.dbName,
      PORT: String(opts.port),
      HOST: '127.0.0.1',
      RATE_LIMIT_PER_MINUTE: '0',
      LOG_LEVEL: 'warn',
      SEED_DEMO: 'false',
      JOBS: 'off',
      APP_SECRET: opts.secret,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const agent = new http.Agent();
  for (let i = 0; i < 300; i++) {
    const r = await send(agent, opts.port, { method: 'GET', path: '/readyz' });
    if (r.status === 200) return child;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGTERM');
  throw new Error('the app did not become ready');
}
