// `npm run bench`: the peak-day rush as couples meet it. The app is started as `npm start`
// starts it (bench/app-process.ts: its durable embedded engine on a fresh DATA_DIR, jobs
// inline, info logs, confirmations to the development outbox), with only the per-address
// ceiling off, and the scenarios run one after the other against it, each between two
// measures of /healthz: the opening minute through the API, the same through the pages, a
// refresh storm on the day and month pages, the steady rush. Then, each with an app of its
// own, the steady rush as the benchmark used to run it (in memory, jobs off, logs at warn) and
// the lottery. Errors, oversold places and counter drift fail the run; missed aims are printed.
import mongoose from 'mongoose';
import { spawnEmbeddedMongo } from '../src/embedded-mongo/index.ts';
import { type BenchApp, startApp } from './app-process.ts';
import { lotteryScenario } from './lottery.ts';
import { SECRET } from './lottery-children.ts';
import { type Health, measureHealthz, settle } from './measure.ts';
import { openingApi } from './opening-api.ts';
import { openingPages } from './opening-pages.ts';
import { openingVerified } from './opening-verified.ts';
import { machineLoad } from './proc-stats.ts';
import { ScenarioProfiler } from './profiler.ts';
import { refreshStorm } from './refresh-storm.ts';
import { line, meanHealth, printReport, type ScenarioReport } from './report.ts';
import type { ScenarioContext } from './scenario.ts';
import { oneLine, steadyRush } from './steady-rush.ts';
import { warmUp } from './warm-up.ts';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 100);
const DURATION_MS = Number(process.env.BENCH_SECONDS ?? 10) * 1000;
const COUPLES = Number(process.env.BENCH_COUPLES ?? 5000);
const HEALTH_MS = Math.min(DURATION_MS, 3000);

const SCENARIOS: Record<string, (ctx: ScenarioContext) => Promise<ScenarioReport>> = {
  'opening-api': openingApi,
  'opening-pages': openingPages,
  'opening-verified': openingVerified,
  refresh: refreshStorm,
  steady: steadyRush,
};
const ALL = [...Object.keys(SCENARIOS), 'in-memory', 'lottery'];
// BENCH_SCENARIO=name[,name...] runs those alone; BENCH_LOTTERY=off leaves the lottery out.
const chosen = (process.env.BENCH_SCENARIO ?? ALL.join(','))
  .split(',')
  .map((s) => s.trim())
  .filter((s) => s && !(s === 'lottery' && process.env.BENCH_LOTTERY === 'off'));
const unknown = chosen.filter((s) => !ALL.includes(s));
if (unknown.length) {
  console.error(`BENCH_SCENARIO: unknown ${unknown.join(', ')}; the scenarios are ${ALL.join(', ')}`);
  process.exit(2);
}

function contextFor(app: BenchApp, part: ScenarioContext['part'] = async () => undefined): ScenarioContext {
  return {
    part,
    app,
    clients: CLIENTS,
    durationMs: DURATION_MS,
    couples: COUPLES,
    openingCapMs: 180_000,
    fullPhaseMs: Math.min(DURATION_MS, 5000),
  };
}

/** The scenarios against the app as `npm start` runs it; true when any failed. */
async function defaultInstall(names: string[]): Promise<boolean> {
  // BENCH_MONGODB_URI points the app at another server (a real MongoDB, or an engine started by hand).
  const external = process.env.BENCH_MONGODB_URI;
  if (external) {
    await mongoose.connect(external, { dbName: 'bench' });
    await mongoose.connection.db!.dropDatabase();
    await mongoose.disconnect();
  }
  const profileDir = process.env.BENCH_PROFILE;
  const app = await startApp({
    env: external ? { MONGODB_URI: external, MONGODB_DB: 'bench' } : {},
    ...(profileDir ? { profileDir } : {}),
  });
  let failed = false;
  try {
    console.log('\nThe app, as `npm start` runs it, with RATE_LIMIT_PER_MINUTE=0');
    for (const [k, v] of Object.entries(app.settings)) line(k, v);
    line('app / engine process', `${app.pid} / ${app.enginePid ?? 'none (MONGODB_URI)'}`);
    await mongoose.connect(app.databaseUri, { dbName: app.databaseName });
    await warmUp(app.port, true);
    await settle(app);
    const profiler = profileDir ? new ScenarioProfiler(app, profileDir) : undefined;
    let before = await measureHealthz(app, CLIENTS, HEALTH_MS);
    for (const name of names) {
      const profiles: { print(): void }[] = [];
      let profiled = name;
      const part = async (label: string) => {
        if (!profiler) return;
        profiles.push(await profiler.stop(profiled));
        profiled = `${name}-${label}`;
        profiler.start();
      };
      profiler?.start();
      const report = await SCENARIOS[name]!(contextFor(app, part));
      if (profiler) profiles.push(await profiler.stop(profiled));
      const after = await measureHealthz(app, CLIENTS, HEALTH_MS);
      printReport(report, before, after);
      for (const p of profiles) p.print();
      failed ||= report.errors > 0 || report.oversold > 0 || report.drift > 0;
      before = after;
    }
    if (app.exited()) throw new Error('the app exited during the run');
  } finally {
    await mongoose.disconnect();
    await app.stop();
  }
  return failed;
}

/** The steady rush as the benchmark measured it before: in memory, jobs off, logs at warn. */
async function inMemoryLine(): Promise<boolean> {
  const engine = await spawnEmbeddedMongo();
  let app: BenchApp | undefined;
  try {
    app = await startApp({
      env: {
        MONGODB_URI: engine.uri,
        MONGODB_DB: 'bench',
        JOBS: 'off',
        LOG_LEVEL: 'warn',
        SEED_DEMO: 'false',
        APP_SECRET: SECRET,
      },
    });
    await mongoose.connect(engine.uri, { dbName: 'bench' });
    await warmUp(app.port, false);
    await settle(app);
    const before: Health = await measureHealthz(app, CLIENTS, HEALTH_MS);
    const report = await steadyRush(contextFor(app), 'bench-memory');
    const health = meanHealth(before, await measureHealthz(app, CLIENTS, HEALTH_MS));
    console.log(
      '\nFor comparison: the steady rush in memory, jobs off, logs at warn (as the benchmark used to run)',
    );
    line('steady rush', oneLine(report, health.perSecond, health.cpuPerRequest));
    return report.errors > 0 || report.oversold > 0 || report.drift > 0;
  } finally {
    await mongoose.disconnect();
    await app?.stop();
    await engine.stop();
  }
}

async function printLottery(): Promise<boolean> {
  const result = await lotteryScenario();
  console.log('\nLottery draw (in memory, jobs off, as it always ran)');
  for (const [k, v] of Object.entries(result))
    line(k, typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(2)) : String(v));
  return result.oversold > 0;
}

async function main() {
  console.log(`Peak-day rush benchmark: ${CLIENTS} clients, ${machineLoad()}`);
  let failed = false;
  const mine = chosen.filter((s) => s in SCENARIOS);
  if (mine.length) failed = (await defaultInstall(mine)) || failed;
  if (chosen.includes('in-memory')) failed = (await inMemoryLine()) || failed;
  if (chosen.includes('lottery')) failed = (await printLottery()) || failed;
  console.log(`\nDone: ${machineLoad()}`);
  if (failed) process.exitCode = 1;
}

await main();
