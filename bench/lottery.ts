// The lottery scenario of `npm run bench` (bench/peak-rush.ts calls lotteryScenario()); alone:
// `npx tsx bench/lottery.ts`. Two measures, each against the embedded engine in its own process:
//  1. the draw: 50,000 applications for 200 places, timed from the job's call to
//     runDueDraws at the draw time until every winner holds an appointment (aim: under 5
//     seconds), then checked by recomputing the published result from the revealed seed. The
//     list itself is frozen by the job's run when applications close (timed apart: listFreezeMs);
//  2. the registration endpoint (POST /api/v1/lottery/applications) against the booking
//     endpoint (POST /api/v1/appointments), same clients and duration, with the app in its
//     own process as `npm start` runs it: registering must hold the booking rate.
// The draw runs in a child process with its own database connection, so a caller that is
// connected already (peak-rush) is left alone.
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DateTime } from 'luxon';
import { startBenchApp } from './app-process.ts';
import { runLoad } from './http-load.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const APPLICATIONS = Number(process.env.LOTTERY_APPLICATIONS ?? 50_000);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 100);
const SECONDS = Number(process.env.LOTTERY_BENCH_SECONDS ?? 5);
const SECRET = 'bench-secret-0123456789-abcdefghijklmnop';
const ZONE = 'Asia/Shanghai';
/** 20 half-hour slots of 10 places: 200 places. */
const SESSIONS = [
  { start: '08:00', end: '12:00' },
  { start: '13:00', end: '19:00' },
];
const QUOTA = 10;

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
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'bench/lottery.ts'), ...args], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
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

/** A couple with valid resident IDs, distinct for every n. */
async function coupleFor(n: number) {
  const { residentId } = await import('../test/helpers/ids.ts');
  const birth = `19${80 + (n % 15)}-0${1 + (n % 9)}-1${n % 10}`;
  const region = String(110101 + (n % 800000)).padStart(6, '0');
  return [
    {
      name: `新郎${n}`,
      idType: 'resident_id',
      idNumber: residentId(birth, 'male', n, region),
      phone: `138${String(n % 1e8).padStart(8, '0')}`,
    },
    {
      name: `新娘${n}`,
      idType: 'resident_id',
      idNumber: residentId(birth, 'female', n, region),
      phone: `139${String(n % 1e8).padStart(8, '0')}`,
    },
  ];
}

/** Child: seeds 50,000 applications, runs the draw as the job would, checks it; prints JSON. */
async function drawChild(uri: string): Promise<void> {
  const { default: mongoose } = await import('mongoose');
  const { connectDatabase, ensureIndexes } = await import('../src/db.ts');
  const { loadConfig } = await import('../src/config.ts');
  const { createLogger } = await import('../src/logger.ts');
  const { createContainer } = await import('../src/container.ts');
  const { OfficeModel } = await import('../src/models/office.model.ts');
  const { DayPlanModel } = await import('../src/models/day-plan.model.ts');
  const { LotteryApplicationModel } = await import('../src/models/lottery-application.model.ts');
  const { LotteryDrawModel } = await import('../src/models/lottery-draw.model.ts');
  const { AppointmentModel } = await import('../src/models/appointment.model.ts');
  const { SlotModel } = await import('../src/models/slot.model.ts');
  const { newReferenceCode } = await import('../src/domain/reference-code.ts');
  const { verifyDraw } = await import('../src/domain/lottery.ts');
  await connectDatabase(uri, `bench_lottery_draw_${process.pid}`);
  await ensureIndexes();

  const today = DateTime.now().setZone(ZONE).startOf('day');
  const date = today.plus({ days: 20 }).toISODate()!;
  let now = today.plus({ days: 1, hours: 9 }).toJSDate();
  const clock = () => new Date(now);
  const config = loadConfig({
    NODE_ENV: 'production',
    LOG_LEVEL: 'silent',
    SEED_DEMO: 'false',
    SCHEDULE_CACHE_MS: '2000',
  });
  const container = createContainer({ config, logger: createLogger('silent'), secret: SECRET, clock });
  const office = await OfficeModel.create({
    slug: 'bench-lottery',
    name: { zh: '抽签压测登记处', en: 'Lottery bench office' },
    address: { zh: '成都', en: 'Chengdu' },
    timezone: ZONE,
    weeklyTemplate: [1, 2, 3, 4, 5].map((weekday) => ({
      weekday,
      sessions: SESSIONS,
      slotMinutes: 30,
      windowsOpen: 4,
      couplesPerWindow: 3,
    })),
  });
  await DayPlanModel.create({
    office: office._id,
    date,
    kind: 'peak',
    label: { zh: '520', en: '520' },
    sessions: SESSIONS,
    slotMinutes: 30,
    quotaPerSlot: QUOTA,
  });
  const local = (d: DateTime) => d.toFormat("yyyy-MM-dd'T'HH:mm");
  await container.services.lottery.configureDay(office._id.toString(), date, {
    mode: 'lottery',
    opensAt: local(today.plus({ days: 1, hours: 8 })),
    closesAt: local(today.plus({ days: 8, hours: 17 })),
    drawAt: local(today.plus({ days: 9, hours: 10 })),
    confirmHours: 24,
  });
  const draw = await LotteryDrawModel.findOne({ office: office._id, date }).lean();

  // 50,000 applications as the form stores them (partners checked, IDs only as fingerprints).
  const starts = Array.from({ length: 20 }, (_, i) => (i < 8 ? 8 * 60 + i * 30 : 13 * 60 + (i - 8) * 30)).map(
    (m) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`,
  );
  const references = new Set<string>();
  while (references.size < APPLICATIONS) references.add(newReferenceCode(randomBytes));
  const fingerprint = (s: string) => createHash('sha256').update(s).digest('hex');
  const docs = [...references].map((reference, i) => {
    const roll = i % 20;
    const preference =
      roll < 12
        ? { kind: 'any' }
        : roll < 15
          ? { kind: 'morning' }
          : roll < 18
            ? { kind: 'afternoon' }
            : {
                kind: 'ranked',
                starts: [starts[i % 20]!, starts[(i * 7) % 20]!, starts[(i * 13) % 20]!].filter(
                  (s, j, a) => a.indexOf(s) === j,
                ),
              };
    const partner = (sex: 'male' | 'female') => ({
      name: sex === 'male' ? `新郎${i}` : `新娘${i}`,
      idType: 'resident_id',
      idMasked: '1101**********1234',
      idFingerprint: fingerprint(`${sex}:${i}`),
      birthDate: '1994-05-20',
      sex,
      phone: `13${String(i).padStart(9, '0')}`,
      phoneLast4: String(i).padStart(4, '0').slice(-4),
    });
    return {
      draw: draw!._id,
      office: office._id,
      date,
      reference,
      partners: [partner('male'), partner('female')],
      email: `couple${i}@example.com`,
      language: 'zh-CN',
      preference,
      tokenHash: fingerprint(`token:${i}`),
      status: 'applied',
      appliedAt: now,
      history: [{ at: now, type: 'applied', by: 'bench' }],
    };
  });
  for (let i = 0; i < docs.length; i += 5000)
    await LotteryApplicationModel.insertMany(docs.slice(i, i + 5000), { lean: true });

  // The job's run just after applications close: it freezes the list (nothing is drawn yet).
  now = today.plus({ days: 8, hours: 17, minutes: 1 }).toJSDate();
  let started = performance.now();
  const early = await container.services.lottery.runDueDraws(clock());
  const listFreezeMs = performance.now() - started;
  // The draw, as the job calls it at the draw time.
  now = today.plus({ days: 9, hours: 10 }).toJSDate();
  started = performance.now();
  const drawn = await container.services.lottery.runDueDraws(clock());
  const drawMs = performance.now() - started;

  const winnersBooked = await AppointmentModel.countDocuments({
    office: office._id,
    date,
    channel: 'lottery',
    status: 'booked',
  });
  const published = await container.services.lottery.published(office._id.toString(), date);
  const check = verifyDraw(published.seed!, {
    commitment: published.commitment,
    applications: published.applications,
    slots: published.slots.map((s) => ({ start: s.start, capacity: s.places })),
  });
  const placed = check.assignments.filter((a) => a.start !== null);
  const reproducible =
    early === 0 &&
    drawn === 1 &&
    check.seedMatches &&
    placed.length === published.winners.length &&
    placed.every(
      (a, i) => published.winners[i]?.reference === a.reference && published.winners[i]?.start === a.start,
    );
  let oversold = 0;
  for (const slot of await SlotModel.find({ office: office._id, date }).lean()) {
    const active = await AppointmentModel.countDocuments({ slot: slot._id, status: 'booked' });
    if (active > slot.capacity) oversold += active - slot.capacity;
  }
  await mongoose.connection.db!.dropDatabase();
  await mongoose.disconnect();
  console.log(
    JSON.stringify({
      applications: APPLICATIONS,
      places: starts.length * QUOTA,
      listFreezeMs,
      drawMs,
      winnersBooked,
      reproducible,
      oversold,
    }),
  );
}

/** Child: seeds the office the HTTP measure uses (a first-come day and a lottery day open now); prints JSON. */
async function httpSeedChild(uri: string, dbName: string): Promise<void> {
  const { default: mongoose } = await import('mongoose');
  const { connectDatabase, ensureIndexes } = await import('../src/db.ts');
  const { loadConfig } = await import('../src/config.ts');
  const { createLogger } = await import('../src/logger.ts');
  const { createContainer } = await import('../src/container.ts');
  const { OfficeModel } = await import('../src/models/office.model.ts');
  const { DayPlanModel } = await import('../src/models/day-plan.model.ts');
  await connectDatabase(uri, dbName);
  await ensureIndexes();
  const now = DateTime.now().setZone(ZONE);
  const today = now.startOf('day');
  const fcfsDate = today.plus({ days: 5 }).toISODate()!;
  const lotteryDate = today.plus({ days: 12 }).toISODate()!;
  const office = await OfficeModel.create({
    slug: 'bench-lottery-http',
    name: { zh: '抽签压测登记处', en: 'Lottery bench office' },
    address: { zh: '成都', en: 'Chengdu' },
    timezone: ZONE,
    bookingRules: { daysAhead: 30, cutoffDaysBefore: 0, cutoffTime: '00:00', openTime: '00:00' },
    weeklyTemplate: [1, 2, 3, 4, 5].map((weekday) => ({
      weekday,
      sessions: SESSIONS,
      slotMinutes: 30,
      windowsOpen: 4,
      couplesPerWindow: 3,
    })),
  });
  // Places enough that every booking succeeds: both endpoints then do the same work per request.
  for (const date of [fcfsDate, lotteryDate])
    await DayPlanModel.create({
      office: office._id,
      date,
      kind: 'peak',
      sessions: SESSIONS,
      slotMinutes: 30,
      quotaPerSlot: 100_000,
    });
  const config = loadConfig({ NODE_ENV: 'production', LOG_LEVEL: 'silent', SEED_DEMO: 'false' });
  const container = createContainer({ config, logger: createLogger('silent'), secret: SECRET });
  const local = (d: DateTime) => d.setZone(ZONE).toFormat("yyyy-MM-dd'T'HH:mm");
  await container.services.lottery.configureDay(office._id.toString(), lotteryDate, {
    mode: 'lottery',
    opensAt: local(now.minus({ hours: 1 })),
    closesAt: local(now.plus({ days: 2 })),
    drawAt: local(now.plus({ days: 3 })),
    confirmHours: 24,
  });
  await mongoose.disconnect();
  console.log(JSON.stringify({ officeId: office._id.toString(), fcfsDate, lotteryDate }));
}

export async function lotteryScenario(): Promise<LotteryScenarioResult> {
  const { spawnEmbeddedMongo } = await import('../src/embedded-mongo/index.ts');
  const engine = await spawnEmbeddedMongo({ port: 0 });
  let app: ChildProcess | undefined;
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
    const port = 3990 + Math.floor(Math.random() * 9);
    app = await startBenchApp({ mongoUri: engine.uri, dbName, port, secret: SECRET });
    await runLoad({ port, clients: 10, durationMs: 1500, next: () => ({ method: 'GET', path: '/healthz' }) });
    let serial = 0;
    const body = async (date: string, extra: Record<string, unknown>) => ({
      officeId: seeded.officeId,
      date,
      partners: await coupleFor(++serial),
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
    app?.kill('SIGTERM');
    await engine.stop();
  }
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) {
  const [mode, uri, dbName] = process.argv.slice(2);
  if (mode === '--draw' && uri) await drawChild(uri);
  else if (mode === '--seed-http' && uri && dbName) await httpSeedChild(uri, dbName);
  else {
    const result = await lotteryScenario();
    console.log('\nLottery: 50,000 applications for 200 places, and the registration rate');
    for (const [k, v] of Object.entries(result))
      console.log(
        `  ${k.padEnd(22)} ${typeof v === 'number' ? (Number.isInteger(v) ? v : v.toFixed(1)) : v}`,
      );
    if (
      !result.drawUnder5s ||
      !result.reproducible ||
      result.oversold > 0 ||
      result.winnersBooked !== result.places
    )
      process.exitCode = 1;
  }
}
