// npm run bench:jobs — 10,000 reminders due in the same minute, delivered to a local SMTP
// sink. Prints messages per second, the time to drain (from the due minute to the last
// message accepted by the sink), duplicates (must be 0) and lost messages (must be 0).
//
// As in production: the embedded engine in a child process (or MONGODB_URI), the bookings
// in MongoDB, reminders scheduled by the job scheduler (one batch per office and due
// instant), and BENCH_WORKERS separate worker processes (default 2) running jobs/runner.ts
// against a real SMTP server (smtp-server on 127.0.0.1) through Nodemailer's pool.
//
// Environment: BENCH_TOTAL (10000), BENCH_OFFICES (10), BENCH_WORKERS (2),
// BENCH_LEAD_SECONDS (20: how far ahead the due minute is, time to schedule everything).
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { DateTime } from 'luxon';
import mongoose, { Types } from 'mongoose';
import { SMTPServer } from 'smtp-server';
import { startJobRunner } from '../jobs/runner.ts';
import type { JobSettingsInput } from '../jobs/settings.ts';
import { loadConfig } from '../src/config.ts';
import { createContainer } from '../src/container.ts';
import { connectDatabase, ensureIndexes } from '../src/db.ts';
import { type EmbeddedMongo, spawnEmbeddedMongo } from '../src/embedded-mongo/index.ts';
import { createLogger } from '../src/logger.ts';
import { AppointmentModel } from '../src/models/appointment.model.ts';
import { NotificationModel } from '../src/models/notification.model.ts';
import { OfficeModel } from '../src/models/office.model.ts';
import type { AppointmentRecord } from '../src/services/booking/booking-service.ts';
import type { OfficeRecord } from '../src/services/schedule-service.ts';

const TOTAL = Number(process.env.BENCH_TOTAL ?? 10_000);
const OFFICES = Number(process.env.BENCH_OFFICES ?? 10);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 2);
const LEAD_SECONDS = Number(process.env.BENCH_LEAD_SECONDS ?? 20);
const DB_NAME = 'bench_jobs';
const SECRET = 'bench-secret-0123456789-abcdefghijklmnopq';
const ZONE = 'Asia/Shanghai';

/** Each worker's job settings: the bench's reminder rule, periodic jobs off (nothing else to do). */
function workerSettings(at: string): JobSettingsInput {
  return {
    processEvery: 1_000,
    periodic: false,
    reminders: [{ id: 'day_before', daysBefore: 1, at }],
    mail: { maxAttempts: 5, backoffMs: 1_000, maxBackoffMs: 10_000, concurrency: 16 },
  };
}

function configFor(uri: string, smtpUrl: string) {
  return loadConfig({
    NODE_ENV: 'production',
    APP_SECRET: 'bench-jobs-secret-of-at-least-thirty-two-characters',
    MONGODB_URI: uri,
    MONGODB_DB: DB_NAME,
    SMTP_URL: smtpUrl,
    JOBS: 'worker',
    LOG_LEVEL: 'warn',
    BASE_URL: 'https://yuyue.example.gov.cn',
    SEED_DEMO: 'false',
  });
}

// ---------------------------------------------------------------- worker process

async function worker(): Promise<void> {
  const { uri, smtpUrl, at } = JSON.parse(process.env.BENCH_WORKER ?? '{}') as {
    uri: string;
    smtpUrl: string;
    at: string;
  };
  const config = configFor(uri, smtpUrl);
  await connectDatabase(uri, DB_NAME);
  const container = createContainer({ config, logger: createLogger('warn'), secret: SECRET });
  const runner = await startJobRunner(container, {
    role: 'worker',
    settings: workerSettings(at),
    name: `bench-worker-${process.pid}`,
    sweepAtStart: false,
  });
  process.send?.({ ready: true });
  process.on('message', async (m: { stop?: boolean }) => {
    if (!m.stop) return;
    await runner?.stop();
    container.mailer.close();
    await mongoose.disconnect();
    process.exit(0);
  });
}

// ---------------------------------------------------------------- SMTP sink

interface Sink {
  url: string;
  received: number;
  keys: Map<string, number>;
  firstAt: number;
  lastAt: number;
  close(): Promise<void>;
}

async function startSink(): Promise<Sink> {
  const sink = { received: 0, keys: new Map<string, number>(), firstAt: 0, lastAt: 0 };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    maxClients: 200,
    closeTimeout: 500,
    onData(stream, _session, callback) {
      let head = '';
      let done = false;
      stream.on('data', (chunk: Buffer) => {
        if (done) return;
        head += chunk.toString('latin1');
        if (head.includes('\r\n\r\n')) done = true;
      });
      stream.on('end', () => {
        const match = /^X-Notification-Key:\s*(.+)$/im.exec(head.split('\r\n\r\n')[0] ?? '');
        const key = match?.[1]?.trim() ?? `unkeyed-${sink.received}`;
        sink.keys.set(key, (sink.keys.get(key) ?? 0) + 1);
        sink.received++;
        const now = Date.now();
        sink.firstAt ||= now;
        sink.lastAt = now;
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as { port: number }).port;
  return Object.assign(sink, {
    url: `smtp://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

// ---------------------------------------------------------------- data

async function seedOffices(): Promise<OfficeRecord[]> {
  const template = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({
    weekday,
    sessions: [{ start: '08:00', end: '18:00' }],
    slotMinutes: 30,
    windowsOpen: 20,
    couplesPerWindow: 3,
  }));
  const docs = Array.from({ length: OFFICES }, (_, i) => ({
    slug: `bench-${i}`,
    name: { zh: `第${i + 1}婚姻登记处`, en: `Registry office ${i + 1}` },
    address: { zh: `成都市${i + 1}号`, en: `${i + 1} Road, Chengdu` },
    phone: '028-0000 0000',
    timezone: ZONE,
    documents: [
      { zh: '双方身份证原件', en: 'Both ID cards' },
      { zh: '2 寸双人合照 3 张', en: 'Three 2-inch joint photos' },
    ],
    weeklyTemplate: template,
  }));
  await OfficeModel.insertMany(docs);
  return OfficeModel.find({ slug: /^bench-/ })
    .sort({ slug: 1 })
    .lean<OfficeRecord[]>();
}

/** TOTAL booked appointments on `date`, spread over the offices and the day's slots. */
async function seedAppointments(offices: OfficeRecord[], date: string): Promise<void> {
  const starts = Array.from({ length: 20 }, (_, i) =>
    DateTime.fromISO(`${date}T08:00`, { zone: ZONE }).plus({ minutes: 30 * i }),
  );
  const batch: Record<string, unknown>[] = [];
  for (let i = 0; i < TOTAL; i++) {
    const office = offices[i % offices.length]!;
    const start = starts[Math.floor(i / offices.length) % starts.length]!;
    const end = start.plus({ minutes: 30 });
    batch.push({
      reference: `B${String(i).padStart(7, '0')}`,
      office: office._id,
      slot: new Types.ObjectId(),
      date,
      start: start.toFormat('HH:mm'),
      end: end.toFormat('HH:mm'),
      startsAt: start.toJSDate(),
      endsAt: end.toJSDate(),
      partners: [
        {
          name: `张伟${i}`,
          idType: 'resident_id',
          idMasked: '5101********0011',
          idFingerprint: `m${i}`,
          phone: '13800000000',
          phoneLast4: '0000',
        },
        {
          name: `李娜${i}`,
          idType: 'resident_id',
          idMasked: '5101********0022',
          idFingerprint: `f${i}`,
          phone: '13900000000',
          phoneLast4: '0000',
        },
      ],
      email: `couple${i}@example.org`,
      language: i % 3 === 0 ? 'en' : 'zh-CN',
      status: 'booked',
      channel: 'online',
      manageTokenHash: randomBytes(16).toString('hex'),
      overbooked: false,
      history: [],
    });
    if (batch.length === 1000)
      await AppointmentModel.insertMany(batch.splice(0), { ordered: false, lean: true });
  }
  if (batch.length) await AppointmentModel.insertMany(batch, { ordered: false, lean: true });
}

// ---------------------------------------------------------------- main

const fmt = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function main(): Promise<void> {
  console.log(`bench:jobs — ${TOTAL} reminders, ${OFFICES} offices, ${WORKERS} worker process(es)`);
  let engine: EmbeddedMongo | undefined;
  let uri = process.env.MONGODB_URI;
  if (!uri) {
    engine = await spawnEmbeddedMongo({ port: 0 });
    uri = engine.uri;
  }
  await connectDatabase(uri, DB_NAME);
  await mongoose.connection.db!.dropDatabase();
  await ensureIndexes();
  const sink = await startSink();

  // The due minute: far enough ahead to schedule everything first (office zone, Chengdu).
  const due = DateTime.now()
    .setZone(ZONE)
    .plus({ seconds: LEAD_SECONDS })
    .endOf('minute')
    .plus({ milliseconds: 1 });
  const at = due.toFormat('HH:mm');
  const date = due.plus({ days: 1 }).toISODate()!;
  const offices = await seedOffices();
  let t = Date.now();
  await seedAppointments(offices, date);
  console.log(`  bookings stored           ${fmt(Date.now() - t)}`);

  // The web side: a container whose runner only queues (JOBS=worker).
  const config = configFor(uri, sink.url);
  const container = createContainer({ config, logger: createLogger('warn'), secret: SECRET });
  const web = await startJobRunner(container, { settings: workerSettings(at), sweepAtStart: false });
  if (!web) throw new Error('no scheduler');
  t = Date.now();
  const byId = new Map(offices.map((o) => [o._id.toString(), o]));
  const cursor = AppointmentModel.find({ date }).lean<AppointmentRecord[]>().cursor();
  for await (const appointment of cursor) {
    await web.scheduler.ensureReminders(appointment, byId.get(appointment.office.toString())!);
  }
  const batches = await mongoose.connection
    .db!.collection('agendaJobs')
    .countDocuments({ name: 'appointment.reminders' });
  console.log(
    `  reminders scheduled       ${fmt(Date.now() - t)} (${TOTAL} bookings -> ${batches} batch jobs)`,
  );
  if (Date.now() >= due.toMillis())
    throw new Error('scheduling overran the due minute: raise BENCH_LEAD_SECONDS');

  const children = await Promise.all(
    Array.from({ length: WORKERS }, () => {
      const child = fork(fileURLToPath(import.meta.url), [], {
        execArgv: ['--import', 'tsx'],
        env: { ...process.env, BENCH_WORKER: JSON.stringify({ uri, smtpUrl: sink.url, at }) },
      });
      return new Promise<typeof child>((resolve) => child.once('message', () => resolve(child)));
    }),
  );
  console.log(
    `  due at                    ${due.toISO()} (${at} in Chengdu; in ${fmt(due.toMillis() - Date.now())})`,
  );

  const deadline = due.toMillis() + 10 * 60_000;
  while (sink.received < TOTAL && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
    // Settle: stop once nothing has arrived for a while after the last expected message.
    if (sink.received >= TOTAL) break;
  }
  // A little longer, so that a duplicate sent late would be counted.
  await new Promise((r) => setTimeout(r, 3_000));

  const unique = sink.keys.size;
  const duplicates = sink.received - unique;
  const statuses = await NotificationModel.aggregate<{ _id: string; n: number }>([
    { $group: { _id: '$status', n: { $sum: 1 } } },
  ]);
  const drainMs = sink.lastAt - due.toMillis();
  const sendingMs = Math.max(1, sink.lastAt - sink.firstAt);
  console.log('');
  console.log(`  messages delivered        ${sink.received}`);
  console.log(`  messages/s                ${Math.round((sink.received / sendingMs) * 1000)}`);
  console.log(`  first message after due   ${fmt(sink.firstAt - due.toMillis())}`);
  console.log(`  time to drain             ${fmt(drainMs)}  (aim: under 120 s)`);
  console.log(`  duplicates                ${duplicates}`);
  console.log(`  lost                      ${TOTAL - unique}`);
  console.log(`  notifications             ${statuses.map((s) => `${s._id}=${s.n}`).join(' ')}`);

  for (const child of children) child.send({ stop: true });
  await Promise.all(children.map((c) => new Promise((r) => c.once('exit', r))));
  await web.stop();
  container.mailer.close();
  await sink.close();
  await mongoose.connection.db!.dropDatabase();
  await mongoose.disconnect();
  await engine?.stop();
  const ok = duplicates === 0 && TOTAL - unique === 0 && drainMs < 120_000;
  console.log(ok ? '\n  OK' : '\n  NOT OK');
  process.exit(ok ? 0 : 1);
}

if (process.env.BENCH_WORKER) {
  worker().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
} else {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
