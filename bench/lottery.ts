// The lottery scenario of `npm run bench` (bench/peak-rush.ts calls lotteryScenario()); alone:
// `npx tsx bench/lottery.ts`. Two measures, each against the embedded engine in its own process:
//  1. the draw: 50,000 applications for 200 places, timed from the job's call to
//     runDueDraws at the draw time until every winner holds an appointment (aim: under 5
//     seconds), then checked by recomputing the published result from the revealed seed. The
//     list itself is frozen by the job's run when applications close (timed apart: listFreezeMs);
//  2. the registration endpoint (POST /api/v1/lottery/applications) against the booking
//     endpoint (POST /api/v1/appointments), same clients and duration, with the app started by
//     `npm start`'s command on this engine, jobs off and logs at warn, as this measure always
//     ran: registering must hold the booking rate.
// The draw runs in a child process with its own database connection, so a caller that is
// connected already (peak-rush) is left alone.
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type BenchApp, startApp } from './app-process.ts';
import { coupleFor } from './bench-data.ts';
import { runLoad } from './http-load.ts';
import { SECRET } from './lottery-children.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 100);
const SECONDS = Number(process.env.LOTTERY_BENCH_SECONDS ?? 5);

export interface LotteryScenarioResult {
  applications: number;
  places: number;
  /** The job's run when applications close: the list of 50,000 frozen for the draw. */
  listFreezeMs: number;
  /** The job's run at the draw time: seed revealed, order and places computed, every winner booked (aim: < 5 s). */
  drawMs: number;
  /** Winners holding an appointment once the draw returned (must equal places). */
  winnersBooked: number;
  /** The published result recomputed from the revealed seed and list is the stored one. */
  reproducible: boolean;
  oversold: number;
  registrationPerSec: number;
  registrationP99Ms: number;
  bookingPerSec: number;
  bookingP99Ms: number;
  /** registrationPerSec ÷ bookingPerSec: aim ≥ 0.9. */
  rateRatio: number;
  drawUnder5s: boolean;
  /** The machine's 1-minute load average when the draw ran: timings on a busy machine run long. */
  loadAverage: number;
}

function childRun(args: string[], env: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(root, 'bench/lottery-children.ts'), ...args],
      {
        cwd: root,
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve(out.trim().split('\n').at(-1)!)
        : reject(new Error(`bench child ${args[0]} exited ${code}`)),
    );
  });
}

export async function lotteryScenario(): Promise<LotteryScenarioResult> {
  const { spawnEmbeddedMongo } = await import('../src/embedded-mongo/index.ts');
  const engine = await spawnEmbeddedMongo({ port: 0 });
  let app: BenchApp | undefined;
  try {
    const loadAverage = os.loadavg()[0] ?? 0;
    const draw = JSON.parse(await childRun(['--draw', engine.uri])) as Pick<
      LotteryScenarioResult,
      'applications' | 'places' | 'listFreezeMs' | 'drawMs' | 'winnersBooked' | 'reproducible' | 'oversold'
    >;

    const dbName = `bench_lottery_http_${process.pid}`;
    const seeded = JSON.parse(await childRun(['--seed-http', engine.uri, dbName])) as {
      officeId: string;
      fcfsDate: string;
      lotteryDate: string;
    };
    // As the benchmark always ran it: jobs off, logs at warn, no demo seed.
    app = await startApp({
      env: {
        MONGODB_URI: engine.uri,
        MONGODB_DB: dbName,
        JOBS: 'off',
        LOG_LEVEL: 'warn',
        SEED_DEMO: 'false',
        APP_SECRET: SECRET,
      },
    });
    const port = app.port;
    await runLoad({ port, clients: 10, durationMs: 1500, next: () => ({ method: 'GET', path: '/healthz' }) });
    let serial = 0;
    const body = async (date: string, extra: Record<string, unknown>) => ({
      officeId: seeded.officeId,
      date,
      partners: coupleFor(++serial),
      email: 'bench@example.com',
      language: 'zh-CN',
      ...extra,
    });
    // Couples are made ahead so that building them is not measured.
    const make = async (n: number, date: string, extra: Record<string, unknown>) =>
      Promise.all(Array.from({ length: n }, () => body(date, extra)));
    const pool = Math.max(2000, CLIENTS * SECONDS * 60);
    const bookings = await make(pool, seeded.fcfsDate, { start: '09:00' });
    const registrations = await make(pool, seeded.lotteryDate, { preference: { kind: 'any' } });
    const run = (pathName: string, bodies: unknown[]) =>
      runLoad({
        port,
        clients: CLIENTS,
        durationMs: SECONDS * 1000,
        // Each request its own couple: client c's i-th request takes couple i * clients + c.
        next: (client, i) => {
          const b = bodies[i * CLIENTS + client];
          return b ? { method: 'POST', path: pathName, body: b } : null;
        },
      });
    const booking = await run('/api/v1/appointments', bookings);
    const registration = await run('/api/v1/lottery/applications', registrations);
    const errors = (r: typeof booking) =>
      Object.entries(r.statuses)
        .filter(([s]) => s !== '201')
        .reduce((n, [, c]) => n + c, 0);
    if (errors(booking) + errors(registration) > 0)
      console.error('lottery bench: non-201 answers', {
        booking: booking.statuses,
        registration: registration.statuses,
      });
    return {
      ...draw,
      registrationPerSec: registration.perSecond,
      registrationP99Ms: registration.p99,
      bookingPerSec: booking.perSecond,
      bookingP99Ms: booking.p99,
      rateRatio: registration.perSecond / booking.perSecond,
      drawUnder5s: draw.drawMs < 5000,
      loadAverage,
    };
  } finally {
    await app?.stop();
    await engine.stop();
  }
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) {
  const result = await lotteryScenario();
  console.log('\nLottery: 50,000 applications for 200 places, and the registration rate');
  for (const [k, v] of Object.entries(result))
    console.log(`  ${k.padEnd(22)} ${typeof v === 'number' ? (Number.isInteger(v) ? v : v.toFixed(1)) : v}`);
  if (
    !result.drawUnder5s ||
    !result.reproducible ||
    result.oversold > 0 ||
    result.winnersBooked !== result.places
  )
    process.exitCode = 1;
}
