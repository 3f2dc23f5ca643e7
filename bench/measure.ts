// How a phase of load is measured beside its latencies: the CPU the app and its engine used
// (from /proc), counting the work the app goes on doing after the last answer (confirmation
// messages, jobs) until it is idle again, and how many bytes it logged; and the /healthz
// baseline every rate is compared with, measured in the same run.
import mongoose from 'mongoose';
import type { BenchApp } from './app-process.ts';
import { type LoadResult, runLoad } from './http-load.ts';
import { cpuSecondsOf } from './proc-stats.ts';

export interface Usage {
  /** CPU seconds of the app process while the load ran. */
  appCpu: number;
  /** ... and after it, until the app was idle (work the answers left behind). */
  appCpuAfter: number;
  engineCpu: number;
  engineCpuAfter: number;
  /** How long the app kept busy after the last answer, in ms. */
  busyAfterMs: number;
  logBytes: number;
  /** Requests the database received meanwhile (the aftermath included). */
  databaseRequests: number;
}

/**
 * Requests the database has received so far: serverStatus.network.numRequests, which MongoDB
 * keeps too, asked over the benchmark's own connection (which adds one per reading).
 */
async function databaseRequests(): Promise<number> {
  if (mongoose.connection.readyState !== 1) return Number.NaN;
  const status = await mongoose.connection.db!.admin().command({ serverStatus: 1 });
  return Number((status.network as { numRequests?: number } | undefined)?.numRequests ?? Number.NaN);
}

const snapshot = (app: BenchApp) => ({
  app: cpuSecondsOf(app.pid),
  engine: cpuSecondsOf(app.enginePid),
  log: app.logBytes(),
});

/**
 * Waits until the app has used under 5% of a core for 500 ms (at most `maxMs`): the end of
 * the work a phase left behind. Returns how long that took.
 */
export async function settle(app: BenchApp, maxMs = 30_000): Promise<number> {
  const started = performance.now();
  let last = cpuSecondsOf(app.pid);
  while (performance.now() - started < maxMs) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const now = cpuSecondsOf(app.pid);
    if (!(now - last > 0.025)) return Math.max(0, performance.now() - started - 500);
    last = now;
  }
  return performance.now() - started;
}

/** Runs `load` and measures what it cost the app and its engine, the aftermath included. */
export async function measured<T>(
  app: BenchApp,
  load: () => Promise<T>,
): Promise<{ value: T; usage: Usage }> {
  const requestsBefore = await databaseRequests();
  const before = snapshot(app);
  const value = await load();
  const end = snapshot(app);
  const busyAfterMs = await settle(app);
  const after = snapshot(app);
  const requestsAfter = await databaseRequests();
  return {
    value,
    usage: {
      appCpu: end.app - before.app,
      appCpuAfter: after.app - end.app,
      engineCpu: end.engine - before.engine,
      engineCpuAfter: after.engine - end.engine,
      busyAfterMs,
      logBytes: after.log - before.log,
      databaseRequests: requestsAfter - requestsBefore - 1,
    },
  };
}

export interface Health {
  result: LoadResult;
  /** App CPU seconds per /healthz request. */
  cpuPerRequest: number;
}

/** `/healthz` with the same clients: the rate the app's HTTP stack gives when a request does nothing. */
export async function measureHealthz(app: BenchApp, clients: number, durationMs: number): Promise<Health> {
  const { value, usage } = await measured(app, () =>
    runLoad({
      port: app.port,
      clients,
      durationMs,
      next: () => ({ method: 'GET', path: '/healthz' }),
    }),
  );
  return { result: value, cpuPerRequest: usage.appCpu / value.requests };
}

/** 5xx answers and requests that got no answer at all. */
export function errorCount(statuses: Record<string, number>): number {
  return Object.entries(statuses)
    .filter(([s]) => s === '0' || s.startsWith('5'))
    .reduce((n, [, c]) => n + c, 0);
}
