// `npm run bench`: the peak-day rush. The app runs in its own process on the embedded engine
// (another process), as `npm start` does; 100 clients book across a peak day as fast as the
// app answers, then the same clients hit /healthz for the baseline. Prints bookings/s,
// latency, errors, oversold places (must be 0) and the ratio to the /healthz rate.
import { readFileSync } from 'node:fs';
import { DateTime } from 'luxon';
import mongoose from 'mongoose';
import { spawnEmbeddedMongo } from '../src/embedded-mongo/index.ts';
import { AppointmentModel } from '../src/models/appointment.model.ts';
import { DayPlanModel } from '../src/models/day-plan.model.ts';
import { OfficeModel } from '../src/models/office.model.ts';
import { SlotModel } from '../src/models/slot.model.ts';
import { residentId } from '../test/helpers/ids.ts';
import { startBenchApp } from './app-process.ts';
import { runLoad } from './http-load.ts';
import { lotteryScenario } from './lottery.ts';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 100);
const DURATION_MS = Number(process.env.BENCH_SECONDS ?? 10) * 1000;
const PORT = 3900 + Math.floor(Math.random() * 90);

// CPU seconds the app process has used so far (user + system, all its threads), read from
// /proc on Linux, whose clock ticks are 1/100 s; NaN elsewhere. Per request, it shows what each path costs the app itself,
// apart from the load generator and the database sharing the machine.
function cpuSecondsOf(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

async function main() {
  // BENCH_MONGODB_URI points the run at another server (a real MongoDB, or an engine started by hand).
  const external = process.env.BENCH_MONGODB_URI;
  const engine = external
    ? { uri: external, stop: async () => undefined }
    : await spawnEmbeddedMongo({ port: 0 });
  await mongoose.connect(engine.uri, { dbName: 'bench' });
  await mongoose.connection.db!.dropDatabase();
  const zone = 'Asia/Shanghai';
  const today = DateTime.now().setZone(zone).startOf('day');
  const peakDate = today.plus({ days: 5 }).toISODate()!;
  const office = await OfficeModel.create({
    slug: 'bench',
    name: { zh: '压测登记处', en: 'Bench office' },
    address: { zh: '成都', en: 'Chengdu' },
    timezone: zone,
    bookingRules: { daysAhead: 30, cutoffDaysBefore: 0, cutoffTime: '00:00', openTime: '00:00' },
    weeklyTemplate: [1, 2, 3, 4, 5].map((weekday) => ({
      weekday,
      sessions: [{ start: '09:00', end: '12:00' }],
      slotMinutes: 30,
      windowsOpen: 4,
      couplesPerWindow: 3,
    })),
  });
  await DayPlanModel.create({
    office: office._id,
    date: peakDate,
    kind: 'peak',
    label: { zh: '七夕', en: 'Qixi' },
    sessions: [
      { start: '08:30', end: '12:00' },
      { start: '13:00', end: '18:00' },
    ],
    slotMinutes: 30,
    quotaPerSlot: 2000,
  });
  // BENCH_PROFILE=<dir> writes a CPU profile of the app process there, to see where a booking's time goes.
  const app = await startBenchApp({
    mongoUri: engine.uri,
    dbName: 'bench',
    port: PORT,
    secret: 'bench-secret-0123456789-abcdefghijklmnop',
    nodeFlags: process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [],
  });
  const starts = [
    '08:30',
    '09:00',
    '09:30',
    '10:00',
    '10:30',
    '11:00',
    '11:30',
    '13:00',
    '13:30',
    '14:00',
    '14:30',
    '15:00',
    '15:30',
    '16:00',
    '16:30',
    '17:00',
    '17:30',
  ];
  let serial = 0;
  const couple = () => {
    serial += 1;
    const n = serial;
    const birth = `19${80 + (n % 15)}-0${1 + (n % 9)}-1${n % 10}`;
    return [
      {
        name: `新郎${n}`,
        idType: 'resident_id',
        idNumber: residentId(birth, 'male', n, String(110101 + (n % 800000)).padStart(6, '0')),
        phone: `138${String(n).padStart(8, '0')}`,
      },
      {
        name: `新娘${n}`,
        idType: 'resident_id',
        idNumber: residentId(birth, 'female', n, String(110101 + (n % 800000)).padStart(6, '0')),
        phone: `139${String(n).padStart(8, '0')}`,
      },
    ];
  };

  try {
    // Warm-up: compile paths, open pools.
    await runLoad({
      port: PORT,
      clients: 10,
      durationMs: 1500,
      next: () => ({ method: 'GET', path: '/healthz' }),
    });

    // Requests the booking phase sends the database, from the server's own counter
    // (serverStatus.network.numRequests, which MongoDB keeps too).
    const requestsSoFar = async () => {
      const status = await mongoose.connection.db!.admin().command({ serverStatus: 1 });
      return Number((status.network as { numRequests?: number } | undefined)?.numRequests ?? Number.NaN);
    };
    const requestsBefore = await requestsSoFar();
    const cpuBeforeBooking = cpuSecondsOf(app.pid);
    let created = 0;
    let full = 0;
    let refused = 0;
    const booking = await runLoad({
      port: PORT,
      clients: CLIENTS,
      durationMs: DURATION_MS,
      next: (client, i) => ({
        method: 'POST',
        path: '/api/v1/appointments',
        body: {
          officeId: office._id.toString(),
          date: peakDate,
          start: starts[(client + i) % starts.length],
          partners: couple(),
          email: 'bench@example.com',
          language: 'zh-CN',
        },
      }),
      onResponse: (status, body) => {
        if (status === 201) created += 1;
        else if (status === 409 && body.includes('slot_full')) full += 1;
        else refused += 1;
      },
    });
    const bookingCpu = cpuSecondsOf(app.pid) - cpuBeforeBooking;
    const databaseRequests = (await requestsSoFar()) - requestsBefore;
    const cpuBeforeHealth = cpuSecondsOf(app.pid);
    const health = await runLoad({
      port: PORT,
      clients: CLIENTS,
      durationMs: Math.min(DURATION_MS, 5000),
      next: () => ({ method: 'GET', path: '/healthz' }),
    });
    const healthCpu = cpuSecondsOf(app.pid) - cpuBeforeHealth;

    const slots = await SlotModel.find({ office: office._id, date: peakDate }).lean();
    let oversold = 0;
    let drift = 0;
    for (const s of slots) {
      const active = await AppointmentModel.countDocuments({ slot: s._id, status: 'booked' });
      if (active > s.capacity) oversold += active - s.capacity;
      if (active !== s.booked) drift += Math.abs(active - s.booked);
    }
    const errors = Object.entries(booking.statuses)
      .filter(([s]) => s === '0' || s.startsWith('5'))
      .reduce((n, [, c]) => n + c, 0);
    const ratio = booking.perSecond / health.perSecond;
    const line = (k: string, v: string) => console.log(`  ${k.padEnd(30)} ${v}`);
    console.log('\nPeak rush: booking a peak day through POST /api/v1/appointments');
    line('concurrent clients', String(CLIENTS));
    line('capacity of the day', String(slots.reduce((n, s) => n + s.capacity, 0)));
    line('booking requests', `${booking.requests} in ${booking.seconds.toFixed(1)} s`);
    line('  booked (201)', String(created));
    line('  slot full (409)', String(full));
    line('  other 4xx', String(refused - errors));
    line('booking requests/s', booking.perSecond.toFixed(0));
    line('booking latency p50 / p99', `${booking.p50.toFixed(1)} ms / ${booking.p99.toFixed(1)} ms`);
    line('database requests / booking', (databaseRequests / booking.requests).toFixed(2));
    line('app CPU / booking', `${((bookingCpu / booking.requests) * 1e6).toFixed(0)} µs`);
    line('errors (5xx or network)', String(errors));
    line('oversold places', String(oversold));
    line('counter drift', String(drift));
    line('/healthz requests/s', health.perSecond.toFixed(0));
    line('/healthz latency p50 / p99', `${health.p50.toFixed(1)} ms / ${health.p99.toFixed(1)} ms`);
    line('app CPU / healthz', `${((healthCpu / health.requests) * 1e6).toFixed(0)} µs`);
    line('booking ÷ healthz rate', `${ratio.toFixed(3)} (aim ≥ 0.25)`);
    line('booking p99 under 250 ms', booking.p99 < 250 ? 'yes' : 'NO');

    // BENCH_LOTTERY=off runs the rush alone.
    if (process.env.BENCH_LOTTERY !== 'off') await printLotteryScenario(line);
    if (oversold > 0 || errors > 0) process.exitCode = 1;
  } finally {
    app.kill('SIGTERM');
    await mongoose.disconnect();
    await engine.stop();
  }
}

async function printLotteryScenario(line: (k: string, v: string) => void) {
  const result = await lotteryScenario();
  console.log('\nLottery draw');
  for (const [k, v] of Object.entries(result))
    line(k, typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(2)) : String(v));
}

await main();
